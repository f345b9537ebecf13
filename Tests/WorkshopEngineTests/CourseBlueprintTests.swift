import Testing
import WorkshopEngine

/// The final assessment's blueprint and topics over the real course: every learner's draw covers
/// every principle, and the exam tests only what the lessons teach.
@Suite("Bundled course blueprint")
struct CourseBlueprintTests {
  @Test func blueprintDrawsFromEveryPrinciple() throws {
    let exam = try BundledCourse.lesson(BundledCourse.assessmentID)
    let quotas = Dictionary(uniqueKeysWithValues: exam.blueprint.map { ($0.tag, $0.count) })
    #expect(Set(quotas.keys) == Set(CourseAssessmentDesignTests.principleTags + ["scenario"]))
    for tag in CourseAssessmentDesignTests.principleTags {
      #expect((quotas[tag] ?? 0) >= 2, "the blueprint draws fewer than two '\(tag)' questions")
    }
    #expect(exam.blueprint.reduce(0) { $0 + $1.count } == exam.draw)

    // Every learner's draw meets the blueprint, not only the draws lint reasons about.
    let draw = try #require(exam.draw)
    let byID = Dictionary(uniqueKeysWithValues: exam.questions.map { ($0.id, $0) })
    for learner in 0..<300 {
      let drawn = AssessmentDraw.draw(
        from: exam, count: draw, learner: "learner-\(learner)", courseID: BundledCourse.id,
        attempt: 1
      ).questionIDs
      #expect(drawn.count == draw && Set(drawn).count == draw)
      for quota in exam.blueprint {
        let found = drawn.filter { byID[$0]?.tags.contains(quota.tag) == true }.count
        #expect(found >= quota.count, "learner-\(learner) drew \(found) '\(quota.tag)' questions")
      }
    }
  }

  @Test func examTestsWhatTheLessonsTeach() throws {
    let course = try BundledCourse.course()
    let exam = try BundledCourse.lesson(BundledCourse.assessmentID)
    let lessons = course.lessons.filter { $0.kind == .lesson }
    for lesson in lessons where lesson.required {
      #expect(!lesson.teaches.isEmpty, "\(lesson.id) lists nothing under teaches")
    }
    let taught = Set(lessons.flatMap(\.teaches))
    let assessed = Set(exam.questions.flatMap(\.assesses))
    for question in exam.questions {
      #expect(!question.assesses.isEmpty, "\(question.id) does not say what it assesses")
      for topic in question.assesses where !taught.contains(topic) {
        Issue.record("\(question.id) assesses '\(topic)', which no lesson teaches")
      }
    }
    for topic in taught.subtracting(assessed).sorted() {
      Issue.record("no exam question assesses '\(topic)'")
    }
  }
}
