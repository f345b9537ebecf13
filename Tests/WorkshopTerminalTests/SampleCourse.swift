import Foundation
import WorkshopEngine
import WorkshopTestSupport

/// A small course built in code, so session tests do not depend on the loader.
enum SampleCourse {
  static let single = Question(
    id: "pick-one", prompt: "Which licence **forbids** nothing?",
    body: .single([
      .init(text: "A restrictive one", correct: false, feedback: "It restricts use."),
      .init(text: "A permissive one", correct: true, feedback: "Right: it allows any use."),
      .init(text: "No licence at all", correct: false, feedback: "Without a licence, nothing is allowed."),
    ]),
    explanation: "Permissive licences allow any use.", hints: ["Think of MIT.", "It is B."],
    digest: "d-single")

  static let short = Question(
    id: "say-next", prompt: "Which word moves on?",
    body: .shortAnswer(.init(accepted: ["next"])), explanation: "The command is next.",
    digest: "d-short")

  static let truth = Question(
    id: "sky", prompt: "Open weights are the same as open source.",
    body: .trueFalse(answer: false, feedbackTrue: "They differ.", feedbackFalse: "Indeed."),
    explanation: "Open source also needs an open licence.", digest: "d-tf")

  static func lesson(
    id: String = "basics", policy: Policy = Policy(shuffle: false), items: [LessonItem]? = nil
  ) -> Lesson {
    Lesson(
      id: id, title: "Basics", summary: "The first steps.", objectives: [], estimatedMinutes: 5,
      kind: .lesson, required: true, policy: policy, draw: nil,
      items: items ?? [
        .page(Page(id: "intro", title: "Intro", markdown: "## Intro\n\nSome *reading* with `code`.", line: 1)),
        .question(single),
        .page(Page(id: "more", title: "More", markdown: "## More\n\nMore reading.", line: 9)),
        .question(short),
      ],
      path: "basics.md", digest: "d-lesson-\(id)")
  }

  static func course(_ lessons: [Lesson]? = nil) -> Course {
    Course(
      id: "sample", title: "Sample Course", version: "1.0.0", description: "", language: "en",
      policy: Policy(shuffle: false), lessons: lessons ?? [lesson(), lesson(id: "second")],
      directory: "/tmp/sample", digest: "d-course")
  }

  static func library(_ course: Course = course()) -> LessonLibrary {
    var (library, _) = LessonLoader.load(root: "/nonexistent-\(course.id)")
    library.courses = [course]
    library.root = "/tmp"
    return library
  }

  /// A learner profile made the way the app makes one, in a fresh temporary folder.
  static func learner(_ name: String = "Ana") throws -> LearnerProfile {
    let root = TestScratch.path("workshop-terminal")
    return try ProgressStore(root: root).createProfile(name: name)
  }
}
