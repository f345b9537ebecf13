/// A learner's answer, in terms of the question's canonical (authored) order — never the
/// shuffled order shown on screen — so that grading and records do not depend on presentation.
public enum Response: Sendable, Hashable, Codable {
  /// Indices of the chosen choices (single, multiple). True/false: 0 = true, 1 = false.
  case choices([Int])
  case text(String)
  case number(Double)
  /// Canonical item indices in the order the learner put them.
  case order([Int])
  /// For each left item (by canonical index), the canonical index of the right item chosen.
  case matches([Int])
}

/// The result of grading one response.
public struct Grade: Sendable, Hashable, Codable {
  public enum Outcome: String, Sendable, Hashable, Codable {
    case correct, partial, wrong
  }
  public var outcome: Outcome
  /// Share of the question's points earned by the answer itself, 0…1, before attempt and hint
  /// adjustments.
  public var credit: Double
  /// Feedback for what was chosen or typed, most specific first.
  public var feedback: [String]

  public init(outcome: Outcome, credit: Double, feedback: [String] = []) {
    self.outcome = outcome
    self.credit = credit
    self.feedback = feedback
  }
}
