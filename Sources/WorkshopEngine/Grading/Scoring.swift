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

  /// A lesson's score from the points earned and possible per question.
  public static func lessonScore(earned: [Double], possible: [Double], passMark: Double)
    -> LessonScore
  {
    let e = earned.filter(\.isFinite).reduce(0, +)
    let p = possible.filter(\.isFinite).reduce(0, +)
    let share = p > 0 ? min(1, max(0, e / p)) : 1
    return LessonScore(earned: e, possible: p, share: share, passed: share >= passMark - 1e-9)
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
