/// An exam may only test what the lessons teach: every topic an assessment question `assesses`
/// must appear in some lesson's `teaches`. A lesson question may say what it assesses too; its
/// topics are held to the same rule, but saying it stays optional.
enum UntaughtTopicCheck {
  static func run(_ review: inout ItemWritingReview) {
    let lessons = review.course.lessons.filter { $0.kind == .lesson }
    var taughtBy: [String: String] = [:]
    for lesson in lessons {
      for topic in lesson.teaches where taughtBy[topic] == nil { taughtBy[topic] = lesson.id }
    }
    for lesson in lessons {
      for question in lesson.questions {
        let sites = review.sites(of: question, in: lesson)
        for (index, topic) in question.assesses.enumerated() where taughtBy[topic] == nil {
          review.warn(
            .untaughtTopic, lesson.path,
            sites.assesses.indices.contains(index) ? sites.assesses[index] : sites.fence,
            "question '\(question.id)' assesses '\(topic)', which no lesson's 'teaches:' lists; add it to this lesson's 'teaches:' or correct the topic")
        }
      }
    }
    for assessment in review.course.lessons where assessment.kind == .assessment {
      for question in assessment.questions {
        let sites = review.sites(of: question, in: assessment)
        if question.assesses.isEmpty {
          // Without any `teaches`, the course has not opted in; stay quiet.
          guard !taughtBy.isEmpty else { continue }
          review.warn(
            .untaughtTopic, assessment.path, sites.fence,
            "exam question '\(question.id)' does not say what it assesses; add 'assesses:' with topics from the lessons' 'teaches:' lists")
          continue
        }
        for (index, topic) in question.assesses.enumerated() where taughtBy[topic] == nil {
          review.warn(
            .untaughtTopic, assessment.path,
            sites.assesses.indices.contains(index) ? sites.assesses[index] : sites.fence,
            "exam question '\(question.id)' assesses '\(topic)', which no lesson's 'teaches:' lists; teach it in a lesson (and list it there) or test something taught")
        }
      }
    }
  }
}
