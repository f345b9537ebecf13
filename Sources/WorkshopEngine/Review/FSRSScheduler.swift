#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The FSRS-6 scheduler, step for step as the reference implementation (py-fsrs 6.3) computes it,
/// so that its golden vectors match: same clamps, same whole-day elapsed time, same rounding
/// (half to even) of intervals, and `pow(e, x)` where the reference writes `math.e ** x`.
public struct FSRSScheduler: Sendable, Hashable {
  public static let defaultParameters: [Double] = [
    0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
    1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
  ]
  public static let defaultDesiredRetention = 0.9
  public static let minute: Int64 = 60_000
  public static let day: Int64 = 86_400_000

  static let minimumStability = 0.001

  /// The 21 weights w₀…w₂₀.
  public let parameters: [Double]
  /// Probability of recall the intervals aim for, in (0, 1).
  public let desiredRetention: Double
  /// Milliseconds.
  public let learningSteps: [Int64]
  /// Milliseconds.
  public let relearningSteps: [Int64]
  /// Days.
  public let maximumInterval: Int
  /// Spreads review-state intervals of 3 days or more over a small window so that cards learned
  /// together do not stay due together. Off by default; when on, reproducible from a per-card seed.
  public let fuzz: Bool

  private let decay: Double
  private let factor: Double

  public init(
    parameters: [Double] = FSRSScheduler.defaultParameters,
    desiredRetention: Double = FSRSScheduler.defaultDesiredRetention,
    learningSteps: [Int64] = [1 * FSRSScheduler.minute, 10 * FSRSScheduler.minute],
    relearningSteps: [Int64] = [10 * FSRSScheduler.minute],
    maximumInterval: Int = 36_500,
    fuzz: Bool = false
  ) {
    precondition(parameters.count == 21, "FSRS-6 takes 21 parameters")
    self.parameters = parameters
    self.desiredRetention = desiredRetention
    self.learningSteps = learningSteps
    self.relearningSteps = relearningSteps
    self.maximumInterval = maximumInterval
    self.fuzz = fuzz
    decay = -parameters[20]
    factor = pow(0.9, 1 / decay) - 1
  }

  /// The scheduler every card is folded with as its ratings are read from the journal
  /// (`ReviewCardRecord.schedule`): default weights, steps and retention, no fuzz.
  public static let standard = FSRSScheduler()

  /// Whether this scheduler gives the same schedules as `standard`.
  public var isStandard: Bool {
    !fuzz && desiredRetention == Self.standard.desiredRetention && parameters == Self.standard.parameters
      && learningSteps == Self.standard.learningSteps && relearningSteps == Self.standard.relearningSteps
      && maximumInterval == Self.standard.maximumInterval
  }

  /// Whether `value` can be used as a desired retention.
  public static func isValidRetention(_ value: Double) -> Bool {
    value.isFinite && value > 0 && value < 1
  }

  /// Predicted probability of recall at `now`; 0 for a card never reviewed.
  public func retrievability(of card: ReviewCard, at now: Int64) -> Double {
    guard let lastReview = card.lastReview, let stability = card.stability else { return 0 }
    let elapsed = max(0, Self.wholeDays(from: lastReview, to: now))
    return pow(1 + factor * Double(elapsed) / stability, decay)
  }

  /// The card after a review rated `rating` at `now`, and the review's log entry.
  /// `fuzzSeed` identifies the card when fuzz is on (the same card and review always get the same
  /// interval); it is ignored otherwise.
  public func review(
    _ card: ReviewCard, rating: ReviewRating, at now: Int64, durationMs: Int64? = nil,
    fuzzSeed: UInt64 = 0
  ) -> (card: ReviewCard, log: ReviewLogEntry) {
    var next = card
    let daysSinceLast = card.lastReview.map { Self.wholeDays(from: $0, to: now) }
    let sameDay = daysSinceLast.map { $0 < 1 } ?? false
    var interval: Int64

    switch card.state {
    case .learning, .relearning:
      let steps = card.state == .learning ? learningSteps : relearningSteps
      let step = card.step ?? 0
      if let stability = card.stability, let difficulty = card.difficulty {
        next.stability =
          sameDay
          ? shortTermStability(stability, rating)
          : nextStability(difficulty, stability, retrievability(of: card, at: now), rating)
        next.difficulty = nextDifficulty(difficulty, rating)
      } else {
        next.stability = initialStability(rating)
        next.difficulty = clampDifficulty(initialDifficulty(rating))
      }
      let stability = next.stability ?? Self.minimumStability
      if steps.isEmpty || (step >= steps.count && rating != .again) {
        next.state = .review
        next.step = nil
        interval = intervalDays(stability) * Self.day
      } else {
        switch rating {
        case .again:
          next.step = 0
          interval = steps[0]
        case .hard:
          if step == 0 && steps.count == 1 {
            interval = Self.milliseconds(Double(steps[0]) * 1.5)
          } else if step == 0 {
            interval = Self.milliseconds(Double(steps[0] + steps[1]) / 2)
          } else {
            interval = steps[min(step, steps.count - 1)]
          }
        case .good:
          if step + 1 == steps.count {
            next.state = .review
            next.step = nil
            interval = intervalDays(stability) * Self.day
          } else {
            next.step = step + 1
            interval = steps[min(step + 1, steps.count - 1)]
          }
        case .easy:
          next.state = .review
          next.step = nil
          interval = intervalDays(stability) * Self.day
        }
      }

    case .review:
      let stability = card.stability ?? Self.minimumStability
      let difficulty = card.difficulty ?? clampDifficulty(initialDifficulty(.good))
      next.stability =
        sameDay
        ? shortTermStability(stability, rating)
        : nextStability(difficulty, stability, retrievability(of: card, at: now), rating)
      next.difficulty = nextDifficulty(difficulty, rating)
      if rating == .again {
        next.lapses += 1
        if relearningSteps.isEmpty {
          interval = intervalDays(next.stability ?? stability) * Self.day
        } else {
          next.state = .relearning
          next.step = 0
          interval = relearningSteps[0]
        }
      } else {
        interval = intervalDays(next.stability ?? stability) * Self.day
      }
    }

    if fuzz && next.state == .review {
      interval = fuzzed(interval, seed: fuzzSeed ^ UInt64(truncatingIfNeeded: card.reps))
    }
    next.due = now + interval
    next.lastReview = now
    next.reps += 1
    let log = ReviewLogEntry(
      rating: rating, reviewedAt: now, elapsedDays: daysSinceLast.map { max(0, $0) },
      durationMs: durationMs)
    return (next, log)
  }

  // MARK: The model

  private func initialStability(_ rating: ReviewRating) -> Double {
    max(parameters[rating.rawValue - 1], Self.minimumStability)
  }

  private func initialDifficulty(_ rating: ReviewRating) -> Double {
    parameters[4] - pow(M_E, parameters[5] * Double(rating.rawValue - 1)) + 1
  }

  private func clampDifficulty(_ difficulty: Double) -> Double {
    min(max(difficulty, 1), 10)
  }

  private func nextDifficulty(_ difficulty: Double, _ rating: ReviewRating) -> Double {
    let delta = -(parameters[6] * Double(rating.rawValue - 3))
    let damped = difficulty + (10 - difficulty) * delta / 9
    let reverted = parameters[7] * initialDifficulty(.easy) + (1 - parameters[7]) * damped
    return clampDifficulty(reverted)
  }

  private func shortTermStability(_ stability: Double, _ rating: ReviewRating) -> Double {
    var increase =
      pow(M_E, parameters[17] * (Double(rating.rawValue - 3) + parameters[18]))
      * pow(stability, -parameters[19])
    if rating != .again { increase = max(increase, 1) }
    return max(stability * increase, Self.minimumStability)
  }

  private func nextStability(
    _ difficulty: Double, _ stability: Double, _ retrievability: Double, _ rating: ReviewRating
  ) -> Double {
    let next: Double
    if rating == .again {
      let longTerm =
        parameters[11] * pow(difficulty, -parameters[12])
        * (pow(stability + 1, parameters[13]) - 1)
        * pow(M_E, (1 - retrievability) * parameters[14])
      let shortTerm = stability / pow(M_E, parameters[17] * parameters[18])
      next = min(longTerm, shortTerm)
    } else {
      let hardPenalty = rating == .hard ? parameters[15] : 1
      let easyBonus = rating == .easy ? parameters[16] : 1
      next =
        stability
        * (1 + pow(M_E, parameters[8]) * (11 - difficulty) * pow(stability, -parameters[9])
          * (pow(M_E, (1 - retrievability) * parameters[10]) - 1) * hardPenalty * easyBonus)
    }
    return max(next, Self.minimumStability)
  }

  /// Whole days until retrievability falls to the desired retention, within 1…maximum.
  private func intervalDays(_ stability: Double) -> Int64 {
    let days = (stability / factor) * (pow(desiredRetention, 1 / decay) - 1)
    let rounded = days.isFinite ? days.rounded(.toNearestOrEven) : Double(maximumInterval)
    return Int64(min(max(rounded, 1), Double(maximumInterval)))
  }

  private func fuzzed(_ interval: Int64, seed: UInt64) -> Int64 {
    let days = interval / Self.day
    guard Double(days) >= 2.5 else { return interval }
    var delta = 1.0
    for (start, end, share) in [(2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, Double.infinity, 0.05)] {
      delta += share * max(min(Double(days), end) - start, 0)
    }
    let maximum = min(Int64((Double(days) + delta).rounded(.toNearestOrEven)), Int64(maximumInterval))
    let minimum = min(max(2, Int64((Double(days) - delta).rounded(.toNearestOrEven))), maximum)
    var generator = SplitMix64(seed: seed)
    let drawn = (generator.unit() * Double(maximum - minimum + 1) + Double(minimum)).rounded(.toNearestOrEven)
    return min(Int64(drawn), Int64(maximumInterval)) * Self.day
  }

  // MARK: Time

  /// Whole days between two instants, rounded down as the reference's `timedelta.days` is.
  public static func wholeDays(from start: Int64, to end: Int64) -> Int {
    let difference = end - start
    let days = difference >= 0 ? difference / day : (difference - (day - 1)) / day
    return Int(days)
  }

  private static func milliseconds(_ value: Double) -> Int64 {
    Int64(value.rounded(.toNearestOrEven))
  }
}
