import Foundation
import WorkshopEngine

/// One lesson being taken: the items in the order asked, the position, and the answers so far
/// in the current attempt.
struct LessonRun {
  var course: Course
  var lesson: Lesson
  /// Position of the lesson in its course, 1-based.
  var number: Int
  var items: [LessonItem]
  var index = 0
  var records: [String: AnswerRecord] = [:]
  var shownAt: Date
  var confirmingRestart = false
  /// After the end-of-lesson summary: Enter moves on to `next` (or the menu).
  var finished = false

  var policy: Policy { lesson.policy }
  var isExam: Bool { policy.mode == .exam }
  var lessonCount: Int { course.lessons.count }

  var questions: [Question] {
    items.compactMap { if case .question(let q) = $0 { q } else { nil } }
  }

  var current: LessonItem { items[index] }

  func presentation(_ q: Question, learner: String) -> Presentation {
    Shuffler.presentation(for: q, learner: learner, shuffle: policy.shuffle)
  }

  func record(_ q: Question) -> AnswerRecord { records[q.id] ?? AnswerRecord() }

  func isDone(_ q: Question) -> Bool { record(q).isDone(policy: policy) }

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
