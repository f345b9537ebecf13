/// What one learner step (an answer, a hint, a skip) does to one question. `LessonAttempt` (the
/// REPL and `workshop join`'s journal) and the live classroom both call these, so a question has
/// the same attempts, hint rules, done-ness and points at home and in a room.
///
/// Each step takes the question's standing so far and returns the standing after it; nothing is
/// changed when the step is refused.
public enum QuestionStep {
  public enum Answer: Sendable, Hashable {
    /// Skipped, answered right, or out of attempts: nothing is left to answer.
    case alreadyDone
    /// The text could not be read as an answer to this question; no attempt was used.
    case unreadable(message: String)
    case graded(GradedAnswer)
  }

  public struct GradedAnswer: Sendable, Hashable {
    public var response: Response
    public var grade: Grade
    /// 1-based attempt this answer used.
    public var attempt: Int
    /// Points this answer earned under the policy (`Scoring.earned`).
    public var earned: Double
    /// The standing after this answer; its `earned` is what the question now counts.
    public var standing: QuestionStanding
  }

  /// Reads `text` as an answer shown in `presentation`, grades it and scores it.
  public static func answer(
    _ text: String, to question: Question, presentation: Presentation, standing: QuestionStanding,
    policy: Policy
  ) -> Answer {
    if standing.isDone(policy: policy) { return .alreadyDone }
    switch ResponseParser.parse(text, for: question, presentation: presentation) {
    case .failure(let error): return .unreadable(message: error.message)
    case .success(let response):
      return .graded(grade(response, to: question, standing: standing, policy: policy))
    }
  }

  /// Grades and scores a response already read (an exam answer held until submission).
  public static func grade(
    _ response: Response, to question: Question, standing: QuestionStanding, policy: Policy
  ) -> GradedAnswer {
    let grade = Grader.grade(question, response)
    let attempt = standing.attempts + 1
    let earned = Scoring.earned(
      points: question.points, credit: grade.credit, attempt: attempt, hintsShown: standing.hints,
      policy: policy)
    var after = standing
    after.recordAnswer(outcome: grade.outcome, response: response, earned: earned)
    return GradedAnswer(response: response, grade: grade, attempt: attempt, earned: earned, standing: after)
  }

  public enum Hint: Sendable, Hashable {
    case alreadyDone
    case hintsOff
    case noHints
    case noMoreHints
    /// `number` is 1-based; `standing` counts the hint (each costs `policy.hintCost`).
    case shown(text: String, number: Int, standing: QuestionStanding)
  }

  /// The next hint, when the policy allows hints and the question is still open.
  public static func hint(for question: Question, standing: QuestionStanding, policy: Policy) -> Hint {
    if standing.isDone(policy: policy) { return .alreadyDone }
    guard policy.hintsAllowed else { return .hintsOff }
    guard standing.hints < question.hints.count else {
      return question.hints.isEmpty ? .noHints : .noMoreHints
    }
    var after = standing
    after.recordHint(number: standing.hints + 1)
    return .shown(text: question.hints[standing.hints], number: after.hints, standing: after)
  }

  public enum Skip: Sendable, Hashable {
    /// Nothing to skip: the question is already done.
    case alreadyDone
    case skipOff
    case skipped(standing: QuestionStanding)
  }

  /// Leaves an open question unanswered for good.
  public static func skip(standing: QuestionStanding, policy: Policy) -> Skip {
    if standing.isDone(policy: policy) { return .alreadyDone }
    guard policy.skipAllowed else { return .skipOff }
    var after = standing
    after.recordSkip()
    return .skipped(standing: after)
  }
}
