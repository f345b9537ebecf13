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

  private enum Kind: String, CodingKey {
    case choices, text, number, order, matches
  }

  /// Format 1 (journals and session logs before `v` 2) as Swift synthesised it.
  private enum Wrapped: String, CodingKey {
    case value = "_0"
  }

  /// `{"choices":[0,2]}`, `{"text":"Paris"}`: the kind as the only key.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: Kind.self)
    switch self {
    case .choices(let v): try container.encode(v, forKey: .choices)
    case .text(let v): try container.encode(v, forKey: .text)
    case .number(let v): try container.encode(v, forKey: .number)
    case .order(let v): try container.encode(v, forKey: .order)
    case .matches(let v): try container.encode(v, forKey: .matches)
    }
  }

  /// Reads both `{"choices":[0,2]}` and the older `{"choices":{"_0":[0,2]}}`.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: Kind.self)
    guard container.allKeys.count == 1, let kind = container.allKeys.first else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "a response has exactly one kind"))
    }
    func value<T: Decodable>(_ type: T.Type) throws -> T {
      if let plain = try? container.decode(T.self, forKey: kind) { return plain }
      return try container.nestedContainer(keyedBy: Wrapped.self, forKey: kind).decode(T.self, forKey: .value)
    }
    switch kind {
    case .choices: self = .choices(try value([Int].self))
    case .text: self = .text(try value(String.self))
    case .number: self = .number(try value(Double.self))
    case .order: self = .order(try value([Int].self))
    case .matches: self = .matches(try value([Int].self))
    }
  }
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
  /// For a choice question, the choice (canonical index) each line of `feedback` is about, so a
  /// front end can name it by the letter the learner saw; nil for other question types.
  public var feedbackChoices: [Int]?

  public init(outcome: Outcome, credit: Double, feedback: [String] = [], feedbackChoices: [Int]? = nil) {
    self.outcome = outcome
    self.credit = credit
    self.feedback = feedback
    self.feedbackChoices = feedbackChoices
  }
}
