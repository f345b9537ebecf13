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

  /// A live session's result over the lesson runs it asked: the points of every question asked,
  /// passed when at least one lesson ran and each one passed. Nothing asked reads as 0%, not as
  /// the "nothing to lose" 100% of a lesson without questions.
  public static func sessionScore(_ lessons: [LessonScore]) -> LessonScore {
    let earned = lessons.reduce(0) { $0 + $1.earned }
    let possible = lessons.reduce(0) { $0 + $1.possible }
    return LessonScore(
      earned: earned, possible: possible, share: possible > 0 ? share(earned: earned, possible: possible) : 0,
      passed: !lessons.isEmpty && lessons.allSatisfy(\.passed))
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

/// What one lesson brings to its course's outcome.
public struct CourseLessonStanding: Sendable, Hashable {
  public var required: Bool
  /// A finished attempt reached the pass mark.
  public var passed: Bool
  /// The best finished attempt; nil while no attempt is finished.
  public var best: BestAttempt?
  /// Active time in the lesson, every attempt.
  public var seconds: Double

  public struct BestAttempt: Sendable, Hashable {
    public var earned: Double
    public var possible: Double
    /// When the attempt ended.
    public var completedAt: String?

    public init(earned: Double, possible: Double, completedAt: String?) {
      self.earned = earned
      self.possible = possible
      self.completedAt = completedAt
    }
  }

  public init(required: Bool, passed: Bool, best: BestAttempt?, seconds: Double) {
    self.required = required
    self.passed = passed
    self.best = best
    self.seconds = seconds
  }
}

/// Whether a whole course is passed, and its score: what the menu, `list`, `progress`, records and
/// `verify` all report.
public struct CourseOutcome: Sendable, Hashable {
  /// Every required lesson passed (a course with no required lesson is never completed).
  public var completed: Bool
  /// Every required lesson has a finished attempt, so the course's result is known.
  public var decided: Bool
  /// Points earned over points possible across the required lessons' best attempts; nil until one
  /// of them is finished.
  public var score: Double?
  public var earned: Double
  public var possible: Double
  /// When the last required lesson's best attempt ended, once decided.
  public var completedAt: String?
  /// Active time over every lesson, required or not.
  public var seconds: Double
}

extension Scoring {
  /// Whether a course is completed: it has required lessons and every one of them is passed.
  /// `lessons` holds each lesson's (required, passed), in any order.
  public static func courseCompleted(_ lessons: some Sequence<(required: Bool, passed: Bool)>) -> Bool {
    var anyRequired = false
    for lesson in lessons where lesson.required {
      guard lesson.passed else { return false }
      anyRequired = true
    }
    return anyRequired
  }

  /// The course's outcome from its lessons' standings (every lesson, in any order).
  public static func courseOutcome(_ lessons: [CourseLessonStanding]) -> CourseOutcome {
    let required = lessons.filter(\.required)
    var earned = 0.0
    var possible = 0.0
    var latest: String?
    var decided = !required.isEmpty
    for lesson in required {
      guard let best = lesson.best else {
        decided = false
        continue
      }
      earned += min(best.earned, best.possible)
      possible += best.possible
      if let at = best.completedAt, latest.map({ at > $0 }) ?? true { latest = at }
    }
    let score = required.contains { $0.best != nil } ? share(earned: earned, possible: possible) : nil
    return CourseOutcome(
      completed: courseCompleted(lessons.lazy.map { ($0.required, $0.passed) }), decided: decided, score: score, earned: earned, possible: possible,
      completedAt: decided ? latest : nil, seconds: lessons.reduce(0) { $0 + $1.seconds })
  }
}
