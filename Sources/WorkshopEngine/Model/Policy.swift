/// How a lesson is run and scored. Set in `course.yaml`, overridable per lesson in front matter
/// (and, for live sessions, by an instructor's policy file).
public struct Policy: Sendable, Hashable, Codable {
  public enum Mode: String, Sendable, Hashable, Codable {
    /// Feedback straight after each answer.
    case learn
    /// No feedback until the end of the lesson; one attempt per question.
    case exam
  }

  public var mode: Mode
  /// Attempts allowed per question (exam mode always allows one).
  public var attempts: Int
  /// Share of the points awarded for a right answer at attempt 1, 2, …; the last value repeats.
  public var creditPerAttempt: [Double]
  /// Share of a question's points taken off for each hint shown.
  public var hintCost: Double
  public var hintsAllowed: Bool
  public var skipAllowed: Bool
  /// Share of the lesson's points needed to pass, 0…1.
  public var passMark: Double
  /// Whether choices (and ordering items, matching columns) are shown in a per-learner order.
  public var shuffle: Bool
  /// The probability of recall `workshop review` schedules this course's cards for; nil keeps
  /// the scheduler's default (0.9). A learner's own setting wins over it.
  public var reviewRetention: Double?
  /// How many times a course's assessment may be taken again after the first attempt
  /// (`RetakeRule`). Ordinary lessons can always be taken again.
  public var retakes: Int
  /// Seconds to wait after an assessment attempt ends before the next may begin.
  public var retakeAfter: Double

  public init(
    mode: Mode = .learn, attempts: Int = 2, creditPerAttempt: [Double] = [1.0, 0.5],
    hintCost: Double = 0, hintsAllowed: Bool = true, skipAllowed: Bool = true,
    passMark: Double = 0.7, shuffle: Bool = true, reviewRetention: Double? = nil,
    retakes: Int = 2, retakeAfter: Double = 0
  ) {
    self.mode = mode
    self.attempts = attempts
    self.creditPerAttempt = creditPerAttempt
    self.hintCost = hintCost
    self.hintsAllowed = hintsAllowed
    self.skipAllowed = skipAllowed
    self.passMark = passMark
    self.shuffle = shuffle
    self.reviewRetention = reviewRetention
    self.retakes = retakes
    self.retakeAfter = retakeAfter
  }

  public static let `default` = Policy()

  /// Attempts actually allowed: exam mode allows one whatever `attempts` says.
  public var effectiveAttempts: Int { mode == .exam ? 1 : max(1, attempts) }

  /// Credit multiplier for a right answer at the given 1-based attempt.
  public func creditMultiplier(attempt: Int) -> Double {
    guard !creditPerAttempt.isEmpty else { return 1 }
    let index = min(max(attempt, 1), creditPerAttempt.count) - 1
    return creditPerAttempt[index]
  }
}
