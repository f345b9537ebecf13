/// Where a learner stands on one question in the current attempt at a lesson.
public struct QuestionStanding: Sendable, Hashable {
  /// Answers given so far.
  public var attempts: Int
  public var hints: Int
  public var skipped: Bool
  /// Outcome of the latest answer: it decides whether the question is still open.
  public var outcome: Grade.Outcome?
  /// The points that count for the question: those of the best answer (`Scoring.counted`).
  public var earned: Double
  /// The latest answer, as the learner gave it.
  public var response: Response?
  /// In exam mode, the answer given but not yet submitted (it may still change).
  public var held: Response?
  public var heldRaw: String?
  public var heldSeconds: Double?

  public init(
    attempts: Int = 0, hints: Int = 0, skipped: Bool = false, outcome: Grade.Outcome? = nil,
    earned: Double = 0, response: Response? = nil
  ) {
    self.attempts = attempts
    self.hints = hints
    self.skipped = skipped
    self.outcome = outcome
    self.earned = earned
    self.response = response
  }

  /// The standing the journal replay arrived at.
  public init(_ record: QuestionRecord) {
    self.init(
      attempts: record.attemptsUsed, hints: record.hintsShown, skipped: record.skipped,
      outcome: record.lastOutcome,
      earned: Scoring.counted(previous: record.bestEarned, answer: record.earned ?? 0),
      response: record.response)
    held = record.held
    heldRaw = record.heldRaw
    heldSeconds = record.heldSeconds
  }

  /// Nothing left to ask: skipped, answered right, or out of attempts.
  public func isDone(policy: Policy) -> Bool {
    skipped || outcome == .correct || attempts >= policy.effectiveAttempts
  }

  public func attemptsLeft(policy: Policy) -> Int {
    isDone(policy: policy) ? 0 : max(0, policy.effectiveAttempts - attempts)
  }

  public func hintsLeft(_ question: Question, policy: Policy) -> Int {
    guard policy.hintsAllowed, !isDone(policy: policy) else { return 0 }
    return max(0, question.hints.count - hints)
  }

  // The three ways a standing changes. `QuestionStep` decides whether a step is allowed; these
  // fold a step that happened (also when a log or journal is replayed).

  /// After a graded answer: the best answer counts (`Scoring.counted`).
  public mutating func recordAnswer(outcome: Grade.Outcome, response: Response?, earned answerEarned: Double) {
    earned = Scoring.counted(previous: attempts > 0 ? earned : nil, answer: answerEarned)
    attempts += 1
    self.outcome = outcome
    self.response = response
    skipped = false
    held = nil
    heldRaw = nil
    heldSeconds = nil
  }

  /// After hint `number` (1-based) was shown.
  public mutating func recordHint(number: Int) {
    hints = max(hints, number)
  }

  public mutating func recordSkip() {
    skipped = true
  }
}
