#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension LessonAttempt {
  public enum FinishStep: Sendable {
    /// Questions are still open: the attempt moved to the first of them.
    case stillOpen(count: Int, ShowStep)
    case finished(score: LessonScore, seconds: Double, journaling: Journaling)
    /// Exam mode: every question has been seen; the learner may go back to any of them, and
    /// `submit` hands the answers in. `unanswered` and `flagged` are 1-based question numbers.
    case awaitingSubmission(unanswered: [Int], flagged: [Int])
  }

  /// Ends the attempt and scores it. `seconds`: active time in this attempt, as the journal
  /// measures it across sessions. In exam mode nothing is scored before the learner submits.
  public mutating func finish(seconds: Double) -> FinishStep {
    if holdsAnswers, questions.contains(where: { !isDone($0) }) {
      revisiting = true
      return .awaitingSubmission(unanswered: unansweredNumbers, flagged: flaggedNumbers)
    }
    let open = questions.filter { !isDone($0) }
    if !open.isEmpty, let i = firstOpen() {
      index = i
      revisiting = true
      return .stillOpen(count: open.count, show())
    }
    return complete(seconds: seconds, journaling: Journaling())
  }

  /// Scores the attempt and records its end after `journaling` (the submitted answers).
  mutating func complete(seconds: Double, journaling before: Journaling) -> FinishStep {
    let score = self.score
    var e = event(.lessonCompleted)
    e.seconds = seconds.rounded()
    e.score = score.share
    e.passed = score.passed
    var journaling = before
    journaling.append(e)
    result = score
    return .finished(score: score, seconds: seconds, journaling: journaling)
  }
}
