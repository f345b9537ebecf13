#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One card being reviewed: the lesson's attempt rules (`QuestionStep`, `QuestionStanding`)
/// applied to a review, which journals `review-answered` instead of lesson events so
/// that the lesson, its score and its records stay as they were.
public struct ReviewAttempt: Sendable {
  public let item: ReviewItem
  public let learner: String
  /// Choices in a new order for this review.
  public let presentation: Presentation
  public private(set) var standing: QuestionStanding
  public private(set) var shownAt: Date

  /// Carries on from a review of the card left unsettled in an earlier session (answers that
  /// left attempts, hints seen): they count as they would have.
  public init(item: ReviewItem, learner: String, shownAt: Date) {
    self.item = item
    self.learner = learner
    self.shownAt = shownAt
    standing = QuestionStanding(attempts: item.record.pending?.attempts ?? 0, hints: item.record.pending?.hints ?? 0)
    presentation = ReviewDeck.presentation(for: item.question, learner: learner, review: item.card.reps)
  }

  /// The lesson's policy, with feedback after every answer: a review is practice, even of an
  /// assessment's question.
  public var policy: Policy {
    var policy = item.lesson.policy
    policy.mode = .learn
    return policy
  }

  public var isDone: Bool { standing.isDone(policy: policy) }

  public struct GradedAnswer: Sendable {
    public var grade: Grade
    public var attempt: Int
    /// Set when the answer settles the card (right, or the last attempt): what the schedule
    /// takes from this review.
    public var rating: ReviewRating?
    public var attemptsLeft: Int
    public var hintsLeft: Int
    /// Saved before the feedback is shown.
    public var event: JournalEvent
  }

  public enum AnswerStep: Sendable {
    case alreadyDone
    case unreadable(message: String)
    case graded(GradedAnswer)
  }

  public mutating func answer(_ text: String, raw: String, now: Date) -> AnswerStep {
    let q = item.question
    let graded: QuestionStep.GradedAnswer
    switch QuestionStep.answer(text, to: q, presentation: presentation, standing: standing, policy: policy) {
    case .alreadyDone: return .alreadyDone
    case .unreadable(let message): return .unreadable(message: message)
    case .graded(let g): graded = g
    }
    standing = graded.standing
    let rating =
      isDone ? ReviewDeck.rating(outcome: graded.grade.outcome, attempt: graded.attempt, hintsShown: standing.hints) : nil
    let seconds = max(0, now.timeIntervalSince(shownAt))
    let event = JournalEvent(
      at: JournalEvent.timestamp(now), kind: .reviewAnswered, course: item.courseID, lesson: item.lesson.id,
      lessonDigest: item.lesson.digest, question: q.id, questionDigest: q.digest, raw: raw,
      response: graded.response, outcome: graded.grade.outcome, credit: graded.grade.credit,
      attempt: graded.attempt, hint: standing.hints > 0 ? standing.hints : nil, rating: rating?.rawValue,
      seconds: (seconds * 1000).rounded() / 1000)
    return .graded(
      GradedAnswer(
        grade: graded.grade, attempt: graded.attempt, rating: rating,
        attemptsLeft: standing.attemptsLeft(policy: policy), hintsLeft: standing.hintsLeft(q, policy: policy),
        event: event))
  }

  public enum HintStep: Sendable {
    case alreadyDone
    case hintsOff
    case noHints
    case noMoreHints
    /// `event` is saved before the hint is shown.
    case shown(text: String, number: Int, of: Int, event: JournalEvent)
  }

  /// Hints in a review are journaled as `review-hint-shown`, not `hint-shown` (that would
  /// reopen the lesson); they count in the review's rating.
  public mutating func hint(now: Date) -> HintStep {
    switch QuestionStep.hint(for: item.question, standing: standing, policy: policy) {
    case .alreadyDone: return .alreadyDone
    case .hintsOff: return .hintsOff
    case .noHints: return .noHints
    case .noMoreHints: return .noMoreHints
    case .shown(let text, let number, let after):
      standing = after
      let event = JournalEvent(
        at: JournalEvent.timestamp(now), kind: .reviewHintShown, course: item.courseID, lesson: item.lesson.id,
        lessonDigest: item.lesson.digest, question: item.question.id, questionDigest: item.question.digest,
        hint: number)
      return .shown(text: text, number: number, of: item.question.hints.count, event: event)
    }
  }
}
