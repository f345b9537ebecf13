import Foundation

extension LessonAttempt {
  public enum FinishStep: Sendable {
    /// Questions are still open: the attempt moved to the first of them.
    case stillOpen(count: Int, ShowStep)
    case finished(score: LessonScore, seconds: Double, journaling: Journaling)
  }

  /// Ends the attempt and scores it. `seconds`: active time in this attempt, as the journal
  /// measures it across sessions.
  public mutating func finish(seconds: Double) -> FinishStep {
    let open = questions.filter { !isDone($0) }
    if !open.isEmpty, let i = firstOpen() {
      index = i
      revisiting = true
      return .stillOpen(count: open.count, show())
    }
    let score = self.score
    var e = event(.lessonCompleted)
    e.seconds = seconds.rounded()
    e.score = score.share
    e.passed = score.passed
    var journaling = Journaling()
    journaling.append(e)
    result = score
    return .finished(score: score, seconds: seconds, journaling: journaling)
  }
}
