#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension LessonAttempt {
  /// What an answer did.
  public enum AnswerStep: Sendable {
    /// The current item is a page.
    case notAQuestion
    case alreadyDone
    /// The attempt is being read again (`isReview`): nothing is taken.
    case reviewing
    /// The text could not be read as an answer to this question; no attempt was used.
    case unreadable(message: String)
    case graded(GradedAnswer)
    /// Exam mode: the answer is kept, ungraded, until the attempt is submitted.
    /// `replaced`: it changed an answer given before.
    case held(question: Question, replaced: Bool, journaling: Journaling)
  }

  public struct GradedAnswer: Sendable {
    public var question: Question
    public var presentation: Presentation
    public var response: Response
    public var grade: Grade
    /// 1-based attempt this answer used.
    public var attempt: Int
    /// Points this answer earned under the policy.
    public var earned: Double
    /// Points the question now counts (the best answer so far).
    public var counted: Double
    /// Nothing left to ask for this question.
    public var done: Bool
    public var attemptsLeft: Int
    public var hintsLeft: Int
    public var journaling: Journaling
  }

  /// Grades `text` for the current question. `raw` is the line as typed, kept in the journal.
  public mutating func answer(_ text: String, raw: String) -> AnswerStep {
    guard case .question(let q) = current else { return .notAQuestion }
    if isReview { return .reviewing }
    let p = presentation(q)
    if holdsAnswers { return hold(text, raw: raw, for: q, presentation: p) }
    let graded: QuestionStep.GradedAnswer
    switch QuestionStep.answer(text, to: q, presentation: p, standing: standing(q), policy: policy) {
    case .alreadyDone: return .alreadyDone
    case .unreadable(let message): return .unreadable(message: message)
    case .graded(let g): graded = g
    }
    let seconds = max(0, clock().timeIntervalSince(shownAt))
    var e = event(.answerSubmitted, question: q)
    e.raw = raw
    e.response = graded.response
    e.outcome = graded.grade.outcome
    e.credit = graded.grade.credit
    e.earned = graded.earned
    e.attempt = graded.attempt
    e.seconds = (seconds * 1000).rounded() / 1000
    let standing = graded.standing
    standings[q.id] = standing
    var journaling = Journaling()
    journaling.append(e)
    return .graded(
      GradedAnswer(
        question: q, presentation: p, response: graded.response, grade: graded.grade,
        attempt: graded.attempt, earned: graded.earned, counted: standing.earned,
        done: standing.isDone(policy: policy), attemptsLeft: standing.attemptsLeft(policy: policy),
        hintsLeft: standing.hintsLeft(q, policy: policy), journaling: journaling))
  }

  public enum HintStep: Sendable {
    case notAQuestion
    case alreadyDone
    case reviewing
    case hintsOff
    case noHints
    case noMoreHints
    /// `number` is 1-based; `cost` is the share of the question's points each hint takes off.
    case shown(text: String, number: Int, of: Int, cost: Double, journaling: Journaling)
  }

  public mutating func hint() -> HintStep {
    guard case .question(let q) = current else { return .notAQuestion }
    if isReview { return .reviewing }
    switch QuestionStep.hint(for: q, standing: standing(q), policy: policy) {
    case .alreadyDone: return .alreadyDone
    case .hintsOff: return .hintsOff
    case .noHints: return .noHints
    case .noMoreHints: return .noMoreHints
    case .shown(let text, let number, let standing):
      standings[q.id] = standing
      var e = event(.hintShown, question: q)
      e.hint = number
      var journaling = Journaling()
      journaling.append(e)
      return .shown(text: text, number: number, of: q.hints.count, cost: policy.hintCost, journaling: journaling)
    }
  }

  public enum SkipStep: Sendable {
    /// Not on an open question: skipping just moves on.
    case movedOn(AdvanceStep)
    case skipOff
    /// The skip (durable) and wherever the attempt moved next.
    case skipped(journaling: Journaling, then: AdvanceStep)
    /// Left for later: nothing is given up or journaled; the question comes back once before
    /// the lesson ends.
    case postponed(then: AdvanceStep)
  }

  /// Skips the current question. With `forLater`, the first skip of a question only postpones
  /// it (it comes back once before the lesson ends) and a second skip is final; without it, as
  /// in a live room, every skip is final.
  public mutating func skip(forLater: Bool = false, seconds: @autoclosure () -> Double = 0) -> SkipStep {
    guard case .question(let q) = current, !isReview else { return .movedOn(advance(seconds: seconds())) }
    switch QuestionStep.skip(standing: standing(q), policy: policy) {
    case .alreadyDone: return .movedOn(advance(seconds: seconds()))
    case .skipOff: return .skipOff
    case .skipped where holdsAnswers || (forLater && !postponed.contains(q.id) && !revisiting):
      postponed.insert(q.id)
      return .postponed(then: advance(seconds: seconds()))
    case .skipped(let standing):
      standings[q.id] = standing
      var journaling = Journaling()
      journaling.append(event(.questionSkipped, question: q))
      return .skipped(journaling: journaling, then: advance(seconds: seconds()))
    }
  }
}
