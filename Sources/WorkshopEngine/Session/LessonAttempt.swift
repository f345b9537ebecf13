#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One attempt at a lesson, as the rules see it: the items in the order asked, where the learner
/// is, and each question's standing. Every front end (the REPL, the live classroom, the record
/// builder) takes its scores from here and from `Scoring`, so they cannot disagree.
///
/// It renders nothing and writes nothing: each operation returns what happened and the journal
/// events the caller must make durable before showing anything (`Journaling.durable`) or may
/// write afterwards.
public struct LessonAttempt: Sendable {
  public let courseID: String
  public let lesson: Lesson
  /// The learner's key: it fixes the order choices are shown in.
  public let learner: String
  let clock: @Sendable () -> Date

  public internal(set) var items: [LessonItem]
  public var index: Int {
    didSet { index = min(max(0, index), max(0, items.count - 1)) }
  }
  public internal(set) var standings: [String: QuestionStanding]
  /// When the current question was last shown: an answer's time is measured from it.
  public internal(set) var shownAt: Date
  /// Set once `finish` has scored the attempt.
  public internal(set) var result: LessonScore?
  /// Questions skipped "for later" in this attempt: each comes back once before the lesson ends.
  public internal(set) var postponed: Set<String> = []
  /// The attempt has reached its end once and is going back over the questions left open.
  public internal(set) var revisiting = false
  /// A finished attempt opened to read again (`LessonOpening.review`): the pages and the
  /// learner's answers are shown as they were, nothing can be answered and nothing is journaled.
  public internal(set) var isReview = false
  /// Exam questions the learner marked to look at again before submitting.
  public internal(set) var flagged: Set<String> = []

  public var policy: Policy { lesson.policy }

  /// `drawn`: the questions drawn for this attempt of a lesson with `draw`.
  public init(
    courseID: String, lesson: Lesson, learner: String, drawn: [String]? = nil,
    standings: [String: QuestionStanding] = [:], reviewing: Bool = false,
    clock: @escaping @Sendable () -> Date
  ) {
    self.courseID = courseID
    self.lesson = lesson
    self.learner = learner
    self.clock = clock
    self.items = Self.items(of: lesson, drawn: drawn)
    self.index = 0
    self.standings = standings
    self.shownAt = clock()
    self.result = nil
    self.isReview = reviewing
  }

  /// The items in the order this learner meets them. With a draw: the pages before the first
  /// question, then the drawn questions in the order drawn, then the remaining pages.
  public static func items(of lesson: Lesson, drawn: [String]?) -> [LessonItem] {
    guard lesson.draw != nil, let drawn else { return lesson.items }
    let first = lesson.items.firstIndex { if case .question = $0 { true } else { false } }
      ?? lesson.items.count
    let after = lesson.items[first...].filter { if case .page = $0 { true } else { false } }
    let questions = drawn.compactMap { lesson.question(id: $0).map(LessonItem.question) }
    return Array(lesson.items[..<first]) + questions + after
  }

  // MARK: - Reading

  public var current: LessonItem? { items.indices.contains(index) ? items[index] : nil }

  public var questions: [Question] {
    items.compactMap { if case .question(let q) = $0 { q } else { nil } }
  }

  public func standing(_ q: Question) -> QuestionStanding { standings[q.id] ?? QuestionStanding() }

  public func isDone(_ q: Question) -> Bool { standing(q).isDone(policy: policy) }

  /// The current item is an open question answered in free text, whose answer could be a
  /// command word (`next`, `hint`): the learner needs the `=` escape to give it.
  public var awaitsFreeText: Bool {
    guard case .question(let q) = current, !isDone(q) else { return false }
    return q.kind == .short
  }

  public func presentation(_ q: Question) -> Presentation {
    Shuffler.presentation(for: q, learner: learner, shuffle: policy.shuffle)
  }

  /// The first question at or after `from` still waiting for an answer.
  public func firstOpen(from: Int = 0) -> Int? {
    guard from < items.count else { return nil }
    for i in max(0, from)..<items.count {
      if case .question(let q) = items[i], !isDone(q) { return i }
    }
    return nil
  }

  /// Where a resumed attempt continues: at `itemID`, or past it when that question is done.
  public func resumeIndex(at itemID: String?) -> Int {
    if let itemID, let i = items.firstIndex(where: { $0.id == itemID }) {
      if case .question(let q) = items[i], isDone(q) { return firstOpen(from: i) ?? i }
      return i
    }
    return firstOpen() ?? 0
  }

  /// The score so far: each question asked counts its best answer.
  public var score: LessonScore {
    let asked = questions
    return Scoring.lessonScore(
      earned: asked.map { standing($0).earned }, possible: asked.map(\.points),
      passMark: policy.passMark)
  }

  func event(_ kind: JournalEvent.Kind, question: Question? = nil) -> JournalEvent {
    JournalEvent(
      at: JournalEvent.timestamp(clock()), kind: kind, course: courseID, lesson: lesson.id,
      lessonDigest: lesson.digest, question: question?.id, questionDigest: question?.digest)
  }

  // MARK: - Moving

  /// Shows the current item. `navigated` is false when the learner only asked to see it again,
  /// which journals nothing.
  public mutating func show(navigated: Bool = true) -> ShowStep {
    guard let item = current else { return ShowStep(item: nil, journaling: Journaling()) }
    var journaling = Journaling()
    if isReview { return ShowStep(item: item, journaling: journaling) }
    switch item {
    case .page(let page):
      if navigated {
        var e = event(.pageViewed)
        e.page = page.id
        journaling.append(e)
      }
    case .question(let q):
      if navigated { journaling.append(event(.questionShown, question: q)) }
      if !isDone(q) { shownAt = clock() }
    }
    return ShowStep(item: item, journaling: journaling)
  }

  /// Moves on: to the next item, or to the end of the lesson after the last one. An open
  /// question must be answered (or skipped) first.
  public mutating func advance(seconds: @autoclosure () -> Double = 0) -> AdvanceStep {
    if isReview {
      guard index + 1 < items.count else { return .reviewEnded }
      index += 1
      return .shown(show())
    }
    if case .question(let q) = current, !isAnswered(q) {
      // Left for later, a question may be passed over once; in an exam, also on the way back to
      // submitting, where the unanswered ones are listed.
      let mayLeave = holdsAnswers ? revisiting || postponed.contains(q.id) : postponed.contains(q.id) && !revisiting
      if !mayLeave {
        return .answerFirst(skipAllowed: policy.skipAllowed, hintLeft: standing(q).hintsLeft(q, policy: policy) > 0)
      }
    }
    // Going back over postponed questions: straight to the next one left, or the end.
    if revisiting { return .finished(finish(seconds: seconds())) }
    if index + 1 < items.count {
      index += 1
      return .shown(show())
    }
    return .finished(finish(seconds: seconds()))
  }

  public mutating func back() -> ShowStep? {
    guard index > 0 else { return nil }
    index -= 1
    return show()
  }

  // MARK: - Restarting

  /// Begins the attempt again from the first item, with nothing answered.
  public mutating func restart(drawn: [String]?) {
    items = Self.items(of: lesson, drawn: drawn)
    index = 0
    standings = [:]
    result = nil
    postponed = []
    revisiting = false
    isReview = false
    flagged = []
  }
}

/// Journal events from one step, split by when they must reach the disk.
public struct Journaling: Sendable, Hashable {
  /// Events that must be durable before the learner sees the step's outcome.
  public var durable: [JournalEvent] = []
  /// Events that may be written after showing (navigation).
  public var afterwards: [JournalEvent] = []

  public init() {}

  public var all: [JournalEvent] { durable + afterwards }

  public mutating func append(_ event: JournalEvent) {
    if event.kind.mustBeDurableBeforeShowing { durable.append(event) } else { afterwards.append(event) }
  }

  public mutating func append(_ other: Journaling) {
    durable += other.durable
    afterwards += other.afterwards
  }
}

extension JournalEvent.Kind {
  /// Events that record something the learner did and was told about (an answer, a hint, a
  /// finished lesson): they are saved before the reply is shown, so nothing shown is ever lost.
  public var mustBeDurableBeforeShowing: Bool {
    switch self {
    case .answerSubmitted, .answerHeld, .questionSkipped, .hintShown, .lessonCompleted, .lessonRestarted, .sessionEnded,
      .reviewAnswered, .reviewHintShown:
      true
    case .sessionStarted, .lessonStarted, .pageViewed, .questionShown, .questionsDrawn:
      false
    }
  }
}

public struct ShowStep: Sendable {
  /// nil when the lesson has no items.
  public var item: LessonItem?
  public var journaling: Journaling
}

public enum AdvanceStep: Sendable {
  /// The current question is still open.
  /// `hintLeft`: the policy allows hints and one is still to be shown.
  case answerFirst(skipAllowed: Bool, hintLeft: Bool)
  case shown(ShowStep)
  case finished(LessonAttempt.FinishStep)
  /// Reading a finished attempt again, past its last item.
  case reviewEnded
}
