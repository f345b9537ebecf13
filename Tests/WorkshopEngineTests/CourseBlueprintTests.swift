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

  /// Each point of the principles, with the `teaches:` topics that stand for it in the course.
  static let pointsOfThePrinciples: [(point: String, topics: Set<String>)] = [
    ("Introduction: the mission (access and participation; benefits responsibly)", ["alliance-mission"]),
    ("Introduction: equal access and opportunity as architectures are replaced", ["equal-access-opportunity"]),
    ("Openness and Access 1: no disproportionate regulatory burdens", ["openness-proportionate-rules"]),
    ("Openness and Access 2: access to AI artifacts", ["access-to-artifacts"]),
    ("Selection and Choice 1: a broad selection of models, datasets and tools", ["broad-selection"]),
    ("Selection and Choice 2: the highest level of openness and compliance", ["openness-and-compliance"]),
    ("Safety and Security 1: everyone in the supply chain", ["shared-safety-responsibility"]),
    ("Safety and Security 2: community scrutiny, where possible", ["community-scrutiny"]),
    ("Safety and Security 3: education and investment in safety tools", ["safety-education-investment"]),
    ("Privacy and Transparency 1: research on societal risks", ["societal-risk-research"]),
    ("Privacy and Transparency 2: transparency builds trust; degrees of openness",
     ["transparency-builds-trust", "degrees-of-openness"]),
    ("Economy and Development 1: competition, choice, diversity, innovation", ["openness-and-competition"]),
    ("Economy and Development 2: the role of startups", ["startups-ecosystem"]),
    ("Societal Impact 1: diverse perspectives throughout the lifecycles", ["diverse-perspectives-lifecycle"]),
    ("Societal Impact 2: socially beneficial applications", ["socially-beneficial-applications"]),
    ("Societal Impact 3: inclusive approaches", ["inclusive-development"]),
  ]

  /// The course is about the principles: every point of them is taught, and at least two questions
  /// start from its words (a quotation in the prompt) and ask for a decision about it.
  @Test func everyPointOfThePrinciplesIsAskedAboutTwice() throws {
    let course = try BundledCourse.course()
    let taught = Set(course.lessons.filter { $0.kind == .lesson }.flatMap(\.teaches))
    let questions = course.lessons.flatMap(\.questions)
    let seedTriples = CourseAssessmentDesignTests.seedText.map { CourseAssessmentDesignTests.triples(CourseAssessmentDesignTests.words($0)) }
    for (point, topics) in Self.pointsOfThePrinciples {
      #expect(!topics.isDisjoint(with: taught), "no lesson teaches \(point)")
      let asking = questions.filter { question in
        guard !topics.isDisjoint(with: question.assesses) else { return false }
        return CourseAssessmentDesignTests.quotations(in: question.prompt).contains { quotation in
          let words = CourseAssessmentDesignTests.words(quotation)
          guard words.count >= 3 else { return false }
          // With the principles' text at hand, the quotation must be theirs.
          guard let seedTriples else { return true }
          return !seedTriples.isDisjoint(with: CourseAssessmentDesignTests.triples(words))
        }
      }
      #expect(
        asking.count >= 2,
        "\(point): only \(asking.map(\.id)) quote it in the prompt and list one of \(topics.sorted()) under assesses")
    }
  }
}
