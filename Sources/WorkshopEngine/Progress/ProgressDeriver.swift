/// A lesson's progress, read against the lesson as it is now.
public struct LessonState: Sendable, Hashable {
  public enum Status: Sendable, Hashable {
    case notStarted
    case inProgress(answered: Int, total: Int)
    case passed(score: Double)
    case notPassed(score: Double)
  }

  public var lessonID: String
  public var status: Status
  /// The page or question to resume at; nil when the current attempt is completed (or the
  /// lesson has no items).
  public var resumeItemID: String?
  /// The questions this learner is asked in the current attempt: the drawn ids for a lesson
  /// with `draw`, else every question, in the order asked.
  public var questionIDs: [String]
  /// The current attempt's answers that still count: recorded for the question's current digest.
  public var answers: [String: QuestionRecord]
  /// Questions with an answer recorded for content that has since changed: asked again.
  public var changedQuestionIDs: [String]
  /// Questions of `questionIDs` with nothing left to ask.
  public var finishedQuestionIDs: Set<String>
  /// Current attempt number (0: never started).
  public var attempt: Int
  public var completions: [LessonCompletion]
  /// The questions drawn for each attempt of a lesson with `draw`, so a retake can prefer the
  /// ones not asked before.
  public var draws: [DrawRecord]
  /// Passed in any attempt: what course completion counts.
  public var everPassed: Bool
  public var bestScore: Double?
  /// Points counted so far in the current attempt (valid answers only, the best of each
  /// question's) and points available.
  public var earned: Double
  public var possible: Double
  /// Active time in the lesson, all attempts.
  public var seconds: Double
  public var lastActivity: String?

  public var isCompleted: Bool {
    switch status {
    case .passed, .notPassed: true
    default: false
    }
  }
}

public struct CourseState: Sendable, Hashable {
  public var courseID: String
  public var lessons: [LessonState]
  /// Every required lesson passed (`Scoring.courseCompleted`).
  public var completed: Bool
  public var seconds: Double
  public var lastActivity: String?

  public func lesson(_ id: String) -> LessonState? { lessons.first { $0.lessonID == id } }
}

public enum ProgressDeriver {
  public static func state(of course: Course, summary: JournalSummary) -> CourseState {
    let record = summary.courses[course.id]
    let lessons = course.lessons.map { state(of: $0, record: record?.lessons[$0.id]) }
    let completed = Scoring.courseCompleted(
      zip(course.lessons, lessons).lazy.map { ($0.required, $1.everPassed) })
    return CourseState(
      courseID: course.id, lessons: lessons, completed: completed,
      seconds: record?.seconds ?? 0, lastActivity: record?.lastActivity)
  }

  public static func state(of lesson: Lesson, record: LessonRecord?) -> LessonState {
    let rec = record ?? LessonRecord()
    let sequence = itemSequence(lesson, draw: rec.currentDraw)
    let questionsByID = Dictionary(lesson.questions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    let questionIDs = sequence.compactMap { item -> String? in
      if case .question(let q) = item { q.id } else { nil }
    }
    let maxAttempts = lesson.policy.effectiveAttempts

    var answers: [String: QuestionRecord] = [:]
    var changed: [String] = []
    var finished: Set<String> = []
    var earned = 0.0
    var possible = 0.0
    for id in questionIDs {
      guard let question = questionsByID[id] else { continue }
      possible += question.points
      guard let answer = rec.questions[id] else { continue }
      guard (answer.digest ?? "") == question.digest else {
        changed.append(id)
        continue
      }
      answers[id] = answer
      earned += QuestionStanding(answer).earned
      // An exam answer held for submission counts as answered: the learner moves past it.
      if answer.settled || answer.attemptsUsed >= maxAttempts || answer.held != nil { finished.insert(id) }
    }

    let total: Int
    if let draw = lesson.draw, rec.currentDraw == nil {
      total = min(draw, lesson.questions.count)
    } else {
      total = questionIDs.count
    }

    let latest = rec.completions.last
    let status: LessonState.Status
    if rec.attemptCompleted, let latest {
      status = latest.passed ? .passed(score: latest.score) : .notPassed(score: latest.score)
    } else if rec.attempt > 0, rec.position != nil || !rec.questions.isEmpty || rec.currentDraw != nil {
      status = .inProgress(answered: finished.count, total: total)
    } else if let latest {
      // Restarted but nothing done yet: the last result still stands.
      status = latest.passed ? .passed(score: latest.score) : .notPassed(score: latest.score)
    } else if rec.attempt > 0 {
      status = .inProgress(answered: 0, total: total)
    } else {
      status = .notStarted
    }

    let resume: String? =
      rec.attemptCompleted ? nil : resumeItem(sequence: sequence, position: rec.position, finished: finished)

    return LessonState(
      lessonID: lesson.id, status: status, resumeItemID: resume, questionIDs: questionIDs,
      answers: answers, changedQuestionIDs: changed, finishedQuestionIDs: finished,
      attempt: rec.attempt, completions: rec.completions, draws: rec.draws,
      everPassed: rec.completions.contains { $0.passed }, bestScore: rec.completions.map(\.score).max(),
      earned: earned, possible: possible, seconds: rec.seconds, lastActivity: rec.lastActivity)
  }

  /// The items in the order this learner meets them. With a draw, the pages before the first
  /// question come first, then the drawn questions in the order drawn, then the other pages.
  public static func itemSequence(_ lesson: Lesson, draw: DrawRecord?) -> [LessonItem] {
    LessonAttempt.items(of: lesson, drawn: draw?.questions)
  }

  /// Resume at the step after the last accepted answer (or at the page last viewed, or at the
  /// question still open) — unless an earlier question is unfinished, for example because its
  /// content changed: that comes first.
  static func resumeItem(sequence: [LessonItem], position: Position?, finished: Set<String>) -> String? {
    func isOpenQuestion(_ item: LessonItem) -> Bool {
      if case .question(let q) = item { return !finished.contains(q.id) }
      return false
    }
    guard let first = sequence.first else { return nil }
    guard let position, let at = sequence.firstIndex(where: { $0.id == position.itemID }) else {
      // Never started, or the item is gone from the lesson: the first open question, if any
      // was answered before; otherwise the beginning.
      if position == nil { return first.id }
      return sequence.first(where: isOpenQuestion)?.id ?? first.id
    }
    var next = at
    if case .question(let q) = sequence[at], finished.contains(q.id) {
      next = at + 1
      // Step over questions already finished (the learner went back and forth).
      while next < sequence.count, case .question(let q2) = sequence[next], finished.contains(q2.id) {
        next += 1
      }
    }
    if let earlier = sequence[..<min(next, sequence.count)].firstIndex(where: isOpenQuestion), earlier < next {
      return sequence[earlier].id
    }
    return next < sequence.count ? sequence[next].id : nil
  }
}
