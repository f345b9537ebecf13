#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

/// One lesson being taken: the engine's attempt (items, position, answers and scoring) plus what
/// only the terminal needs to know.
struct LessonRun {
  var course: Course
  /// Position of the lesson in its course, 1-based.
  var number: Int
  var attempt: LessonAttempt
  var confirmingRestart = false
  /// Exam mode, after the last question: the next line submits, goes back, or is explained.
  var confirmingSubmit = false
  /// Reading a finished attempt: whether `restart` may begin a new one now.
  var retake: RetakeRule.Decision?
  /// After the end-of-lesson summary: Enter moves on to `next` (or the menu).
  var finished = false
  /// The command word the learner just typed at a free-text question, if any: a refusal of that
  /// command reminds them how to give the word as an answer.
  var typedCommandWord: String?

  var lesson: Lesson { attempt.lesson }
  var items: [LessonItem] { attempt.items }
  var index: Int {
    get { attempt.index }
    set { attempt.index = newValue }
  }
  var policy: Policy { attempt.policy }
  var isExam: Bool { policy.mode == .exam }
  var lessonCount: Int { course.lessons.count }
  var questions: [Question] { attempt.questions }
  var current: LessonItem { items[index] }

  func presentation(_ q: Question) -> Presentation { attempt.presentation(q) }
  func record(_ q: Question) -> QuestionStanding { attempt.standing(q) }
  func isDone(_ q: Question) -> Bool { attempt.isDone(q) }

  /// 1-based page number of the item at `i` among the run's pages, and the page count.
  func pagePosition(_ i: Int) -> (Int, Int) {
    var n = 0
    var total = 0
    for (j, item) in items.enumerated() {
      if case .page = item {
        total += 1
        if j <= i { n = total }
      }
    }
    return (n, total)
  }

  func questionPosition(_ i: Int) -> (Int, Int) {
    var n = 0
    var total = 0
    for (j, item) in items.enumerated() {
      if case .question = item {
        total += 1
        if j <= i { n = total }
      }
    }
    return (n, total)
  }

  /// The next lesson in the course, if any.
  var nextLesson: Lesson? {
    guard let i = course.lessons.firstIndex(where: { $0.id == lesson.id }),
      i + 1 < course.lessons.count
    else { return nil }
    return course.lessons[i + 1]
  }
}

extension Presentation {
  /// Letters TAB offers for a question: choice letters, or true and false.
  func letters(for q: Question) -> [String] {
    switch q.body {
    case .single, .multiple:
      return order.indices.map { Copy.letter($0).lowercased() }
    case .trueFalse:
      return ["true", "false"]
    default:
      return []
    }
  }

  /// Display position (0-based) of a canonical index.
  func display(_ canonical: Int) -> Int { order.firstIndex(of: canonical) ?? canonical }
}
