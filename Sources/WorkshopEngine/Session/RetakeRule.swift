#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Whether a new attempt at a lesson may begin: the one rule every front end asks before it
/// starts a lesson over. An assessment allows `policy.retakes` attempts after the first, each
/// `policy.retakeAfter` seconds after the previous attempt ended; ordinary lessons are practice
/// and can always be taken again.
public enum RetakeRule {
  public enum Decision: Sendable, Hashable {
    /// `retakesLeft`: retakes still allowed after this new attempt; nil when there is no limit.
    case allowed(retakesLeft: Int?)
    /// Every attempt the policy allows has been begun.
    case noneLeft(attempts: Int)
    /// The wait after the last attempt is not over yet.
    case notBefore(Date)

    public var isAllowed: Bool {
      if case .allowed = self { return true }
      return false
    }
  }

  /// `state`: the learner's progress in `lesson` before the new attempt begins.
  public static func newAttempt(at lesson: Lesson, state: LessonState, now: Date) -> Decision {
    guard lesson.kind == .assessment else { return .allowed(retakesLeft: nil) }
    let allowed = 1 + max(0, lesson.policy.retakes)
    // Every attempt begun counts, also one given up with `restart`: otherwise restarting would
    // be a way round the limit.
    let begun = max(0, state.attempt)
    guard begun > 0 else { return .allowed(retakesLeft: allowed - 1) }
    if begun >= allowed { return .noneLeft(attempts: allowed) }
    if lesson.policy.retakeAfter > 0, let last = state.completions.last, let ms = Timestamp.parse(last.at) {
      let until = Date(timeIntervalSince1970: Double(ms) / 1000 + lesson.policy.retakeAfter)
      if now < until { return .notBefore(until) }
    }
    return .allowed(retakesLeft: allowed - begun - 1)
  }
}

/// How a lesson opens for a learner, decided from their progress: the session renders it.
public enum LessonOpening: Sendable, Hashable {
  /// A first attempt, or a new one after an attempt that was not passed.
  case begin(retakesLeft: Int?)
  /// The attempt in progress goes on where it stopped.
  case resume
  /// The latest attempt is over (passed, or not passed with no retake allowed now): its pages
  /// and the learner's answers are shown as they were, and nothing is recorded. `retake` says
  /// whether `restart` may begin a new attempt.
  case review(retake: RetakeRule.Decision)

  public static func decide(lesson: Lesson, state: LessonState, now: Date) -> LessonOpening {
    switch state.status {
    case .notStarted:
      return .begin(retakesLeft: RetakeRule.newAttempt(at: lesson, state: state, now: now).retakesLeft)
    case .inProgress:
      return .resume
    case .passed, .notPassed:
      // Restarted, with nothing done yet in the new attempt: the last result still shows, but
      // the new attempt is the one to go on with.
      if state.resumeItemID != nil, state.completions.last?.attempt != state.attempt { return .resume }
      let retake = RetakeRule.newAttempt(at: lesson, state: state, now: now)
      if case .notPassed = state.status, case .allowed(let left) = retake { return .begin(retakesLeft: left) }
      return .review(retake: retake)
    }
  }
}

extension RetakeRule.Decision {
  var retakesLeft: Int? {
    if case .allowed(let left) = self { return left }
    return nil
  }
}
