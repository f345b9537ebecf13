#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

/// Why a preview could not be shown.
public struct PreviewError: Error, CustomStringConvertible, Sendable {
  public var description: String
}

extension SessionController {
  /// A lesson, or one page or question of it, rendered exactly as the session shows it to a
  /// learner meeting it for the first time, with no learner, profile or journal involved. With
  /// `answers`, each question is followed by its right answer and explanation.
  ///
  /// `target` is `LESSON` or `LESSON/ITEM` (an item is a question id or a page id).
  public static func preview(
    _ target: String, library: LessonLibrary, options: SessionOptions, answers: Bool = false
  ) -> Result<String, PreviewError> {
    let parts = target.split(separator: "/", maxSplits: 1).map(String.init)
    let lessonID = parts.first ?? ""
    guard let (course, lesson) = library.lesson(id: lessonID) else {
      return .failure(PreviewError(description: "there is no lesson '\(lessonID)'"))
    }
    var controller = SessionController(library: library, options: options)
    let number = (course.lessons.firstIndex { $0.id == lesson.id } ?? 0) + 1
    var run = LessonRun(
      course: course, number: number,
      attempt: LessonAttempt(courseID: course.id, lesson: lesson, learner: "", clock: { Date() }))
    var indices = Array(run.items.indices)
    if parts.count == 2 {
      guard let i = run.items.firstIndex(where: { $0.id == parts[1] }) else {
        let ids = run.items.map(\.id).joined(separator: ", ")
        return .failure(
          PreviewError(description: "lesson '\(lessonID)' has no question or page '\(parts[1])'; it has: \(ids)"))
      }
      indices = [i]
    }
    var out = SessionOutput()
    if parts.count == 1 {
      out.say(controller.lessonHeader(run))
      if !lesson.summary.isEmpty {
        out.say(controller.wrapped(controller.clean(lesson.summary, newlines: false), .italic))
      }
      if let draw = lesson.draw {
        out.say(controller.wrapped(Copy.previewDraw(draw, of: run.questions.count), .dim))
      }
    }
    for i in indices {
      run.index = i
      controller.show(&run, out: &out, navigated: false)
      if answers, case .question(let q) = run.current {
        let p = run.presentation(q)
        out.say(controller.wrapped(Copy.rightAnswer(controller.rightAnswer(q, p))))
        if !q.explanation.isEmpty { out.say(controller.markdown(q.explanation)) }
      }
    }
    return .success(out.text)
  }
}
