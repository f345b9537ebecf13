public enum Scoring {
  /// Points earned for a graded answer: points × credit × the attempt's credit multiplier, less
  /// points × hint cost for each hint shown, kept within 0…points.
  public static func earned(
    points: Double, credit: Double, attempt: Int, hintsShown: Int, policy: Policy
  ) -> Double {
    guard points.isFinite, points > 0, credit.isFinite else { return 0 }
    let clampedCredit = min(1, max(0, credit))
    let hints = Double(max(0, hintsShown))
    let hintCost = policy.hintCost.isFinite ? max(0, policy.hintCost) : 0
    let raw =
      points * clampedCredit * policy.creditMultiplier(attempt: attempt) - points * hintCost * hints
    guard raw.isFinite else { return 0 }
    return min(points, max(0, raw))
  }

  /// The points a question counts after another answer: the best answer counts, so a worse
  /// retry never lowers a score (docs/records.md). `previous` is nil before the first answer.
  public static func counted(previous: Double?, answer: Double) -> Double {
    let answer = answer.isFinite ? answer : 0
    guard let previous, previous.isFinite else { return answer }
    return max(previous, answer)
  }

  /// The points a question counts given all its answers in one attempt.
  public static func counted(answers: some Sequence<Double>) -> Double {
    answers.reduce(nil as Double?) { counted(previous: $0, answer: $1) } ?? 0
  }

  /// Share of the possible points earned, 0…1; 1 when there was nothing to earn.
  public static func share(earned: Double, possible: Double) -> Double {
    guard earned.isFinite, possible.isFinite, possible > 0 else { return 1 }
    return min(1, max(0, earned / possible))
  }

  /// Whether a share reaches the pass mark; the tolerance keeps 0.7 from missing 0.7 by a rounding.
  public static func passes(share: Double, passMark: Double) -> Bool {
    share + 1e-9 >= passMark
  }

  /// A lesson's score from the points counted and possible per question.
  public static func lessonScore(earned: [Double], possible: [Double], passMark: Double)
    -> LessonScore
  {
    let e = earned.filter(\.isFinite).reduce(0, +)
    let p = possible.filter(\.isFinite).reduce(0, +)
    let share = share(earned: e, possible: p)
    return LessonScore(earned: e, possible: p, share: share, passed: passes(share: share, passMark: passMark))
  }
}

public struct LessonScore: Sendable, Hashable, Codable {
  public var earned: Double
  public var possible: Double
  /// Share of the possible points earned, 0…1; 1 when there was nothing to earn.
  public var share: Double
  public var passed: Bool

  public init(earned: Double, possible: Double, share: Double, passed: Bool) {
    self.earned = earned
    self.possible = possible
    self.share = share
    self.passed = passed
  }
}
