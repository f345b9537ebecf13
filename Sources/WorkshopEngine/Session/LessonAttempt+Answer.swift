import Foundation

extension LessonAttempt {
  /// What an answer did.
  public enum AnswerStep: Sendable {
    /// The current item is a page.
    case notAQuestion
    case alreadyDone
    /// The text could not be read as an answer to this question; no attempt was used.
    case unreadable(message: String)
    case graded(GradedAnswer)
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
    var standing = standing(q)
    if standing.isDone(policy: policy) { return .alreadyDone }
    let p = presentation(q)
    let response: Response
    switch ResponseParser.parse(text, for: q, presentation: p) {
    case .failure(let error): return .unreadable(message: error.message)
    case .success(let r): response = r
    }
    let grade = Grader.grade(q, response)
    let attempt = standing.attempts + 1
    let earned = Scoring.earned(
      points: q.points, credit: grade.credit, attempt: attempt, hintsShown: standing.hints,
      policy: policy)
    let seconds = max(0, clock().timeIntervalSince(shownAt))
    var e = event(.answerSubmitted, question: q)
    e.raw = raw
    e.response = response
    e.outcome = grade.outcome
    e.credit = grade.credit
    e.earned = earned
    e.attempt = attempt
    e.seconds = (seconds * 1000).rounded() / 1000
    standing.record(grade, response: response, earned: earned)
    standings[q.id] = standing
    var journaling = Journaling()
    journaling.append(e)
    return .graded(
      GradedAnswer(
        question: q, presentation: p, response: response, grade: grade, attempt: attempt,
        earned: earned, counted: standing.earned, done: standing.isDone(policy: policy),
        attemptsLeft: standing.attemptsLeft(policy: policy),
        hintsLeft: standing.hintsLeft(q, policy: policy), journaling: journaling))
  }

  public enum HintStep: Sendable {
    case notAQuestion
    case alreadyDone
    case hintsOff
    case noHints
    case noMoreHints
    /// `number` is 1-based; `cost` is the share of the question's points each hint takes off.
    case shown(text: String, number: Int, of: Int, cost: Double, journaling: Journaling)
  }

  public mutating func hint() -> HintStep {
    guard case .question(let q) = current else { return .notAQuestion }
    var standing = standing(q)
    if standing.isDone(policy: policy) { return .alreadyDone }
    guard policy.hintsAllowed else { return .hintsOff }
    guard standing.hints < q.hints.count else { return q.hints.isEmpty ? .noHints : .noMoreHints }
    standing.hints += 1
    standings[q.id] = standing
    var e = event(.hintShown, question: q)
    e.hint = standing.hints
    var journaling = Journaling()
    journaling.append(e)
    return .shown(
      text: q.hints[standing.hints - 1], number: standing.hints, of: q.hints.count,
      cost: policy.hintCost, journaling: journaling)
  }

  public enum SkipStep: Sendable {
    /// Not on an open question: skipping just moves on.
    case movedOn(AdvanceStep)
    case skipOff
    /// The skip (durable) and wherever the attempt moved next.
    case skipped(journaling: Journaling, then: AdvanceStep)
  }

  public mutating func skip(seconds: @autoclosure () -> Double = 0) -> SkipStep {
    guard case .question(let q) = current, !isDone(q) else {
      return .movedOn(advance(seconds: seconds()))
    }
    guard policy.skipAllowed else { return .skipOff }
    var standing = standing(q)
    standing.skipped = true
    standings[q.id] = standing
    var journaling = Journaling()
    journaling.append(event(.questionSkipped, question: q))
    return .skipped(journaling: journaling, then: advance(seconds: seconds()))
  }
}
