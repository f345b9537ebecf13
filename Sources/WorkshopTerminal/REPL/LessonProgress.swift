import WorkshopEngine

/// The engine's derived lesson state, reduced to what the session needs to resume a lesson.
///
/// This is the one place that reads `LessonState` and the journal summary's records, so a
/// change in how progress is derived touches only this file.
struct LessonProgress: Sendable {
  var status: LessonState.Status = .notStarted
  var resumeItemID: String? = nil
  var records: [String: QuestionStanding] = [:]
  /// Question ids drawn for the current attempt of a lesson with `draw`.
  var drawn: [String]? = nil
  /// Attempts begun so far (starts and restarts); 0 when never started.
  var attempt = 0
  /// Active time in the current attempt, in seconds.
  var attemptSeconds = 0.0
  var lastActivity: String? = nil
  var state: LessonState

  init(course: Course, lesson: Lesson, summary: JournalSummary) {
    let record = summary.lesson(course: course.id, lesson: lesson.id)
    let state = ProgressDeriver.state(of: lesson, record: record)
    self.state = state
    status = state.status
    resumeItemID = state.resumeItemID
    attempt = state.attempt
    lastActivity = state.lastActivity
    if lesson.draw != nil, let draw = record?.currentDraw { drawn = draw.questions }
    records = state.answers.mapValues(QuestionStanding.init)
    let earlier = state.completions.reduce(0) { $0 + ($1.seconds ?? 0) }
    attemptSeconds = max(0, state.seconds - earlier)
  }

  /// Questions drawn for attempts before `attempt`: a new draw avoids them where it can.
  func drawnBefore(attempt: Int) -> Set<String> {
    Set(state.draws.filter { $0.attempt < attempt }.flatMap(\.questions))
  }

  var isInProgress: Bool {
    if case .inProgress = status { return true }
    return false
  }
}
