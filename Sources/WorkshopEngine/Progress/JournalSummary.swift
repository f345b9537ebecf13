/// Everything the journal says, folded per course and lesson, without looking at the lessons
/// themselves. Codable so it can be checkpointed; `ProgressDeriver` interprets it against the
/// current content.
public struct JournalSummary: Sendable, Codable, Hashable {
  /// Gaps between events longer than this are idle time (a learner who walked away), not study.
  public static let idleGapMilliseconds: Int64 = 5 * 60 * 1000

  public var courses: [String: CourseRecord] = [:]
  public var eventCount: Int = 0
  public var firstActivity: String?
  public var lastActivity: String?
  /// Active time over all courses: gaps between consecutive events within a session, each
  /// capped at `idleGapMilliseconds`.
  public var totalSeconds: Double = 0
  /// Time of the previous event while a session is open, for the active-time sums.
  public var previousEventMilliseconds: Int64?
  /// Every answered question's review card, by course, lesson and question id: nested so that
  /// a lesson's cards are found without spelling a key for each question.
  public var reviewCards: [String: [String: [String: ReviewCardRecord]]] = [:]

  /// The review card of one question, if it was ever answered.
  public func reviewCard(course: String, lesson: String, question: String) -> ReviewCardRecord? {
    reviewCards[course]?[lesson]?[question]
  }

  /// How many review cards there are.
  public var reviewCardCount: Int {
    reviewCards.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.count } }
  }

  public init() {}

  public func lesson(course: String, lesson: String) -> LessonRecord? {
    courses[course]?.lessons[lesson]
  }

  public mutating func apply(_ event: JournalEvent) {
    eventCount += 1
    if firstActivity == nil || event.at < firstActivity! { firstActivity = event.at }
    if lastActivity == nil || event.at > lastActivity! { lastActivity = event.at }

    var gapSeconds = 0.0
    let now = Self.milliseconds(event.at)
    if event.kind == .sessionStarted {
      previousEventMilliseconds = now
    } else {
      if let now, let before = previousEventMilliseconds, now > before {
        gapSeconds = Double(min(now - before, Self.idleGapMilliseconds)) / 1000
        totalSeconds += gapSeconds
      }
      previousEventMilliseconds = event.kind == .sessionEnded ? nil : now
    }

    guard let courseID = event.course, let lessonID = event.lesson else { return }
    if event.kind.isReview {
      // Reviews schedule the card only: the lesson's answers, score and time stay as they were.
      guard let questionID = event.question, let now else { return }
      reviewCards[courseID]?[lessonID]?[questionID]?.applyReview(event, at: now)
      return
    }
    courses[courseID, default: CourseRecord()].apply(event, lessonID: lessonID, gapSeconds: gapSeconds)
    if event.kind == .answerSubmitted, let questionID = event.question, let now,
      let lesson = courses[courseID]?.lessons[lessonID]
    {
      reviewCards[courseID, default: [:]][lessonID, default: [:]][
        questionID, default: ReviewCardRecord(course: courseID, lesson: lessonID, question: questionID)
      ].applyLessonAnswer(
        event, at: now, lessonAttempt: lesson.attempt,
        hintsShown: lesson.questions[questionID]?.hintsShown ?? 0,
        completedAttempts: lesson.completions.lazy.map(\.attempt))
    }
  }

  /// Parses the journal's own timestamp format without allocating; nil for anything else.
  static func milliseconds(_ text: String) -> Int64? {
    var copy = text
    return copy.withUTF8 { u -> Int64? in
      guard u.count == 24, u[4] == 45, u[7] == 45, u[10] == 84, u[13] == 58, u[16] == 58,
        u[19] == 46, u[23] == 90
      else { return nil }
      var ok = true
      func num(_ a: Int, _ b: Int) -> Int {
        var v = 0
        for i in a..<b {
          let c = Int(u[i]) &- 48
          if c < 0 || c > 9 { ok = false }
          v = v &* 10 &+ c
        }
        return v
      }
      let y = num(0, 4), mo = num(5, 7), d = num(8, 10)
      let h = num(11, 13), mi = num(14, 16), s = num(17, 19), ms = num(20, 23)
      guard ok, (1...12).contains(mo), (1...31).contains(d) else { return nil }
      let days = Timestamp.daysFromCivil(y, mo, d)
      return (Int64(days) * 86_400 + Int64(h * 3600 + mi * 60 + s)) * 1000 + Int64(ms)
    }
  }
}

public struct CourseRecord: Sendable, Codable, Hashable {
  public var lessons: [String: LessonRecord] = [:]
  public var firstActivity: String?
  public var lastActivity: String?
  public var seconds: Double = 0

  public init() {}

  mutating func apply(_ event: JournalEvent, lessonID: String, gapSeconds: Double) {
    if firstActivity == nil { firstActivity = event.at }
    lastActivity = event.at
    seconds += gapSeconds
    lessons[lessonID, default: LessonRecord()].apply(event, gapSeconds: gapSeconds)
  }
}

/// Where the learner was: the page last viewed or the question last answered or skipped.
public struct Position: Sendable, Codable, Hashable {
  public enum Kind: String, Sendable, Codable, Hashable { case page, question }
  public var kind: Kind
  public var itemID: String
  /// A question answered right or skipped is finished; whether a wrong answer used the last
  /// attempt depends on the lesson's policy, which `ProgressDeriver` knows.
  public var finished: Bool

  public init(kind: Kind, itemID: String, finished: Bool) {
    self.kind = kind
    self.itemID = itemID
    self.finished = finished
  }
}

public struct LessonCompletion: Sendable, Codable, Hashable {
  public var attempt: Int
  public var score: Double
  public var passed: Bool
  public var seconds: Double?
  /// When the lesson was completed (the event's timestamp).
  public var at: String
  public var lessonDigest: String?
}

public struct DrawRecord: Sendable, Codable, Hashable {
  public var attempt: Int
  public var questions: [String]
  public var seed: UInt64?
}

public struct QuestionRecord: Sendable, Codable, Hashable {
  /// Digest of the question the answers below were given to.
  public var digest: String?
  /// Answers submitted (the highest attempt number recorded).
  public var attemptsUsed: Int = 0
  public var hintsShown: Int = 0
  public var skipped: Bool = false
  public var lastOutcome: Grade.Outcome?
  public var bestOutcome: Grade.Outcome?
  /// Credit of the last answer, 0…1.
  public var credit: Double?
  /// Points earned by the last answer.
  public var earned: Double?
  public var bestEarned: Double?
  public var raw: String?
  public var response: Response?
  public var seconds: Double = 0
  /// An exam answer not submitted yet (answer-held), as parsed and as typed, with the seconds it
  /// took: it becomes the answer when the attempt is submitted.
  public var held: Response?
  public var heldRaw: String?
  public var heldSeconds: Double?

  public init() {}

  /// Answered right or skipped: nothing left to ask, whatever the policy.
  public var settled: Bool { skipped || lastOutcome == .correct }

  static func rank(_ o: Grade.Outcome) -> Int {
    switch o {
    case .wrong: 0
    case .partial: 1
    case .correct: 2
    }
  }
}

public struct LessonRecord: Sendable, Codable, Hashable {
  /// Current attempt at the lesson, from 1; 0 before the lesson was ever started.
  public var attempt: Int = 0
  /// Whether the current attempt ended with a lesson-completed event.
  public var attemptCompleted: Bool = false
  public var lessonDigest: String?
  /// The current attempt's questions.
  public var questions: [String: QuestionRecord] = [:]
  public var position: Position?
  public var completions: [LessonCompletion] = []
  public var draws: [DrawRecord] = []
  public var firstActivity: String?
  public var lastActivity: String?
  /// Active time spent in the lesson, over all attempts.
  public var seconds: Double = 0

  public init() {}

  /// The draw made for the current attempt, if any.
  public var currentDraw: DrawRecord? { draws.last { $0.attempt == attempt } }

  public var bestCompletion: LessonCompletion? {
    completions.max { a, b in (a.passed ? 1 : 0, a.score) < (b.passed ? 1 : 0, b.score) }
  }

  /// Counts from a hand-edited journal may be absurd; they must not crash a replay.
  static func next(_ n: Int) -> Int { n == Int.max ? n : n + 1 }

  mutating func newAttempt() {
    attempt = Self.next(attempt)
    attemptCompleted = false
    questions = [:]
    position = nil
  }

  mutating func apply(_ event: JournalEvent, gapSeconds: Double) {
    if firstActivity == nil { firstActivity = event.at }
    lastActivity = event.at
    seconds += gapSeconds
    if let digest = event.lessonDigest { lessonDigest = digest }

    switch event.kind {
    case .lessonStarted:
      // Taking a completed lesson again starts afresh; otherwise this resumes the attempt.
      if attempt == 0 || attemptCompleted { newAttempt() }
    case .lessonRestarted:
      newAttempt()
    case .pageViewed:
      if attempt == 0 { newAttempt() }
      if let page = event.page { position = Position(kind: .page, itemID: page, finished: false) }
    case .questionShown:
      if attempt == 0 { newAttempt() }
      if let question = event.question {
        position = Position(
          kind: .question, itemID: question, finished: questions[question]?.settled ?? false)
      }
    case .questionsDrawn:
      if attempt == 0 || attemptCompleted { newAttempt() }
      draws.removeAll { $0.attempt == attempt }
      draws.append(DrawRecord(attempt: attempt, questions: event.questions ?? [], seed: event.seed))
    case .hintShown, .answerSubmitted, .answerHeld, .questionSkipped:
      // A completed attempt's answers are final: answering again means a new attempt.
      if attempt == 0 || attemptCompleted { newAttempt() }
      guard let questionID = event.question else { return }
      applyQuestion(event, questionID: questionID, gapSeconds: gapSeconds)
    case .lessonCompleted:
      if attempt == 0 { newAttempt() }
      attemptCompleted = true
      completions.append(
        LessonCompletion(
          attempt: attempt, score: event.score ?? 0, passed: event.passed ?? false,
          seconds: event.seconds, at: event.at, lessonDigest: event.lessonDigest))
    case .sessionStarted, .sessionEnded, .reviewAnswered, .reviewHintShown:
      break
    }
  }

  private mutating func applyQuestion(_ event: JournalEvent, questionID: String, gapSeconds: Double) {
    var record = questions[questionID] ?? QuestionRecord()
    if let digest = event.questionDigest, digest != record.digest {
      // Earlier answers were to different content: they no longer count.
      if record.digest != nil { record = QuestionRecord() }
      record.digest = digest
    }
    record.seconds += gapSeconds
    switch event.kind {
    case .hintShown:
      record.hintsShown = max(Self.next(record.hintsShown), event.hint ?? 0)
      position = Position(kind: .question, itemID: questionID, finished: record.settled)
    case .answerSubmitted:
      record.attemptsUsed = max(Self.next(record.attemptsUsed), event.attempt ?? 0)
      record.skipped = false
      record.lastOutcome = event.outcome
      if let outcome = event.outcome,
        record.bestOutcome.map({ QuestionRecord.rank($0) < QuestionRecord.rank(outcome) }) ?? true
      {
        record.bestOutcome = outcome
      }
      record.credit = event.credit
      record.earned = event.earned
      if let earned = event.earned { record.bestEarned = max(record.bestEarned ?? earned, earned) }
      record.raw = event.raw
      record.response = event.response
      record.held = nil
      record.heldRaw = nil
      record.heldSeconds = nil
      position = Position(kind: .question, itemID: questionID, finished: record.settled)
    case .answerHeld:
      record.held = event.response
      record.heldRaw = event.raw
      record.heldSeconds = event.seconds
      position = Position(kind: .question, itemID: questionID, finished: false)
    case .questionSkipped:
      record.skipped = true
      position = Position(kind: .question, itemID: questionID, finished: true)
    default:
      break
    }
    questions[questionID] = record
  }
}
