import WorkshopEngine

/// Where a learner stands on one question in the lesson's current attempt.
struct AnswerRecord: Sendable, Hashable {
  var attempts = 0
  var hints = 0
  var skipped = false
  var outcome: Grade.Outcome? = nil
  /// Best points earned so far.
  var earned = 0.0
  var response: Response? = nil
  var feedback: [String] = []

  func isDone(policy: Policy) -> Bool {
    skipped || outcome == .correct || attempts >= policy.effectiveAttempts
  }
}

/// The engine's derived lesson state, reduced to what the session needs to resume a lesson.
///
/// This is the one place that reads `LessonState`'s details, so a change in how progress is
/// derived touches only this file.
struct LessonProgress: Sendable {
  var status: LessonState.Status = .notStarted
  var resumeItemID: String? = nil
  var records: [String: AnswerRecord] = [:]
  var drawn: [String]? = nil
  /// Attempts begun so far (starts and restarts); 0 when never started.
  var attempt = 0

  init(state: LessonState?) {
    guard let state else { return }
    status = state.status
    resumeItemID = state.resumeItemID
    drawn = state.drawn
    attempt = state.attempt
    for (id, q) in state.questions {
      records[id] = AnswerRecord(
        attempts: q.attempts, hints: q.hints, skipped: q.skipped, outcome: q.outcome,
        earned: q.earned, response: q.response)
    }
  }

  var isInProgress: Bool {
    if case .inProgress = status { return true }
    return false
  }
}
