/// How well a review went, on FSRS's four-point scale.
public enum ReviewRating: Int, Sendable, Hashable, Codable, CaseIterable {
  case again = 1
  case hard = 2
  case good = 3
  case easy = 4

  public var name: String {
    switch self {
    case .again: "again"
    case .hard: "hard"
    case .good: "good"
    case .easy: "easy"
    }
  }
}

/// Where a card is in its schedule. Raw values match the reference implementation's.
public enum ReviewCardState: Int, Sendable, Hashable, Codable {
  /// Not yet remembered: short learning steps (minutes) until it graduates.
  case learning = 1
  /// Remembered: intervals in whole days from its stability.
  case review = 2
  /// Forgotten after graduating: a short relearning step before days again.
  case relearning = 3

  public var name: String {
    switch self {
    case .learning: "learning"
    case .review: "review"
    case .relearning: "relearning"
    }
  }
}

/// The schedule of one review card. Times are milliseconds since 1970 (UTC), as the journal keeps them.
public struct ReviewCard: Sendable, Hashable, Codable {
  public var state: ReviewCardState
  /// Index into the learning or relearning steps; nil in the review state.
  public var step: Int?
  /// Days for retrievability to fall to 90%; nil before the first review.
  public var stability: Double?
  /// 1…10; nil before the first review.
  public var difficulty: Double?
  public var due: Int64
  public var lastReview: Int64?
  public var reps: Int
  /// Times the card was forgotten after it had graduated to the review state.
  public var lapses: Int

  /// A card never reviewed, due at once.
  public init(due: Int64) {
    self.init(
      state: .learning, step: 0, stability: nil, difficulty: nil, due: due, lastReview: nil,
      reps: 0, lapses: 0)
  }

  public init(
    state: ReviewCardState, step: Int?, stability: Double?, difficulty: Double?, due: Int64,
    lastReview: Int64?, reps: Int, lapses: Int
  ) {
    self.state = state
    self.step = step
    self.stability = stability
    self.difficulty = difficulty
    self.due = due
    self.lastReview = lastReview
    self.reps = reps
    self.lapses = lapses
  }
}

/// One review as kept for a future weight optimiser.
public struct ReviewLogEntry: Sendable, Hashable, Codable {
  public var rating: ReviewRating
  public var reviewedAt: Int64
  /// Whole days since the previous review; nil for the first.
  public var elapsedDays: Int?
  /// Milliseconds from the question being shown to the answer, when known.
  public var durationMs: Int64?

  public init(rating: ReviewRating, reviewedAt: Int64, elapsedDays: Int?, durationMs: Int64?) {
    self.rating = rating
    self.reviewedAt = reviewedAt
    self.elapsedDays = elapsedDays
    self.durationMs = durationMs
  }
}
