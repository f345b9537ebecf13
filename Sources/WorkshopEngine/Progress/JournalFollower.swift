/// Work that follows a learner's journal, such as sending statements to a Learning Record Store,
/// and that must never stand between an answer and its feedback. A session tells it after each
/// durable journal write and once more as the session ends; it decides when the work happens.
public protocol JournalFollower: AnyObject, Sendable {
  /// Called once, before the first journal write, with where one-line notices for the learner go.
  func sessionStarted(notify: @escaping @Sendable (String) -> Void)
  /// The learner's journal holds new events, already on disk. Returns at once.
  func journalSaved(learner: LearnerID)
  /// The session is about to exit: a last, bounded chance to finish. Returns a line for the
  /// learner when something is left undone.
  func sessionEnding() -> String?
}
