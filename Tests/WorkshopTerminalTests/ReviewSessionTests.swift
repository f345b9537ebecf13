import Foundation
import Testing
import WorkshopEngine
@testable import WorkshopTerminal

/// The review session inside the controller: it journals only review answers, rates them with
/// the lesson's rule, and leaves the lesson as it was.
@Suite struct ReviewSessionTests {
  /// The driver's clock reads this; the lesson was answered three days before.
  static let now: Int64 = 1_800_000_000_000
  static let answeredAt = now - 3 * FSRSScheduler.day

  func summaryWithAnsweredLesson() -> JournalSummary {
    var summary = JournalSummary()
    let at = Timestamp.format(milliseconds: Self.answeredAt)
    for (question, digest) in [("pick-one", "d-single"), ("say-next", "d-short")] {
      summary.apply(
        JournalEvent(
          at: at, kind: .answerSubmitted, course: "sample", lesson: "basics", question: question,
          questionDigest: digest, outcome: .correct, credit: 1, earned: 1, attempt: 1, seconds: 3))
    }
    return summary
  }

  func letter(for question: Question, reps: Int) -> String {
    let p = ReviewDeck.presentation(for: question, learner: "ana", review: reps)
    return Presentation.letter(p.displayIndex(canonical: 1) ?? 0)
  }

  @Test func aHintedRightAnswerIsRatedHardAndOnlyReviewEventsAreJournaled() throws {
    var d = SessionDriver()
    let launch = ReviewLaunch(courseID: nil, lessonID: nil, cards: 20, seconds: 600)
    let summary = summaryWithAnsweredLesson()
    let opening = d.record(
      d.controller.start(learner: try SampleCourse.learner(), summary: summary, review: launch))
    #expect(opening.contains("2 cards are due."))
    #expect(opening.contains("Which licence **forbids** nothing?") || opening.contains("Which licence forbids nothing?"))
    d.send("hint")
    #expect(d.transcript.contains("Think of MIT."))
    d.send(letter(for: SampleCourse.single, reps: 1))
    #expect(d.transcript.contains("Correct."))
    d.send("")
    d.send("=next")
    d.send("")
    #expect(d.transcript.contains("Review finished."))
    #expect(d.kinds == [.sessionStarted, .reviewHintShown, .reviewAnswered, .reviewAnswered])
    #expect(d.events.compactMap(\.rating) == [2, 3])
    #expect(d.events.filter { $0.kind == .reviewAnswered }.allSatisfy { $0.earned == nil })
  }

  @Test func aWrongAnswerAtTheLastAttemptIsRatedAgainAndShowsTheAnswer() throws {
    var d = SessionDriver()
    let launch = ReviewLaunch(courseID: nil, lessonID: nil, cards: 1, seconds: 600)
    _ = d.record(
      d.controller.start(learner: try SampleCourse.learner(), summary: summaryWithAnsweredLesson(), review: launch))
    let right = letter(for: SampleCourse.single, reps: 1)
    let wrong = ["a", "b", "c"].first { $0 != right }!
    d.send(wrong)
    #expect(d.transcript.contains("Try again"))
    d.send(wrong)
    #expect(d.transcript.contains("The right answer:"))
    #expect(d.events.filter { $0.kind == .reviewAnswered }.map(\.rating) == [nil, 1])
    // One card was asked for: the session ends after it.
    d.send("")
    #expect(d.transcript.contains("Review finished."))
    #expect(d.transcript.contains("You reviewed 1 card and remembered 0."))
  }
}
