import Foundation
import Testing

@testable import WorkshopEngine

/// Cards derived from the journal: which answers make a card, with which first rating, and how
/// reviews move it on without touching the lesson.
@Suite struct ReviewDeckTests {
  static let t0: Int64 = 1_796_112_000_000  // 2026-12-01T09:00:00Z
  static let minute: Int64 = 60_000
  static let day = FSRSScheduler.day

  func event(
    _ kind: JournalEvent.Kind, _ lesson: String = "basic", q: String? = nil, at: Int64,
    outcome: Grade.Outcome? = nil, attempt: Int? = nil, hint: Int? = nil, rating: ReviewRating? = nil,
    digest: String? = nil, score: Double? = nil, passed: Bool? = nil, drawn: [String]? = nil
  ) -> JournalEvent {
    JournalEvent(
      at: Timestamp.format(milliseconds: at), kind: kind, course: "c", lesson: lesson, question: q,
      questionDigest: q.map { digest ?? "digest-\($0)" }, outcome: outcome,
      credit: outcome.map { $0 == .correct ? 1 : 0 }, earned: outcome.map { $0 == .correct ? 1 : 0 },
      attempt: attempt, hint: hint, rating: rating?.rawValue, seconds: outcome == nil ? nil : 4,
      score: score, passed: passed, questions: drawn, seed: drawn == nil ? nil : 7)
  }

  func items(_ events: [JournalEvent], course: Course = Fixture.course([Fixture.basic]), now: Int64? = nil)
    -> [ReviewItem]
  {
    ReviewDeck.items(summary: fold(events), courses: [course], learner: nil, now: now ?? Self.t0 + Self.day)
  }

  @Test func firstRatingsFollowTheLessonAnswer() throws {
    let t = Self.t0
    let cards = items([
      event(.lessonStarted, at: t),
      event(.answerSubmitted, q: "q1", at: t + 1000, outcome: .correct, attempt: 1),
      event(.hintShown, q: "q2", at: t + 2000, hint: 1),
      event(.answerSubmitted, q: "q2", at: t + 3000, outcome: .correct, attempt: 1),
      event(.answerSubmitted, q: "q3", at: t + 4000, outcome: .wrong, attempt: 1),
    ])
    let ratings = cards.map { ($0.question.id, $0.log.first?.rating) }
    #expect(ratings.map(\.0) == ["q1", "q2", "q3"])
    #expect(ratings.map(\.1) == [.good, .hard, .again])
    // Lesson answers never give Easy, and a wrong answer stays in learning for a minute.
    let q3 = try #require(cards.last)
    #expect(q3.card.state == .learning)
    #expect(q3.card.due == t + 4000 + Self.minute)
  }

  @Test func aRightAnswerAtTheSecondAttemptIsHard() {
    let t = Self.t0
    let cards = items([
      event(.answerSubmitted, q: "q1", at: t, outcome: .wrong, attempt: 1),
      event(.answerSubmitted, q: "q1", at: t + 5000, outcome: .correct, attempt: 2),
    ])
    #expect(cards.count == 1)
    #expect(cards.first?.log.map(\.rating) == [.hard])
    #expect(cards.first?.log.first?.reviewedAt == t + 5000)
  }

  @Test func skippedAndUnansweredQuestionsMakeNoCards() {
    let cards = items([
      event(.questionShown, q: "q1", at: Self.t0),
      event(.questionSkipped, q: "q2", at: Self.t0 + 1),
    ])
    #expect(cards.isEmpty)
  }

  @Test func reviewsRescheduleWithoutChangingTheLesson() throws {
    let t = Self.t0
    let lessonEvents = [
      event(.answerSubmitted, q: "q1", at: t, outcome: .correct, attempt: 1),
      event(.lessonCompleted, at: t + 1000, score: 1, passed: true),
    ]
    // Good again after the ten-minute step graduates the card; four days later it is forgotten.
    let reviews = [
      event(.reviewAnswered, q: "q1", at: t + 10 * Self.minute, outcome: .correct, attempt: 1, rating: .good),
      event(.reviewAnswered, q: "q1", at: t + 4 * Self.day, outcome: .wrong, attempt: 2, rating: .again),
    ]
    let before = fold(lessonEvents)
    let after = fold(lessonEvents + reviews)
    #expect(before.courses == after.courses)

    let card = try #require(items(lessonEvents + reviews, now: t + 4 * Self.day).first)
    #expect(card.log.map(\.rating) == [.good, .good, .again])
    #expect(card.log.last?.elapsedDays == 3)
    // Again on a graduated card is a lapse and relearns for ten minutes.
    #expect(card.card.state == .relearning)
    #expect(card.card.lapses == 1)
    #expect(card.card.due == t + 4 * Self.day + 10 * Self.minute)

    // Replaying by hand with the scheduler gives the same card.
    let scheduler = FSRSScheduler()
    var manual = scheduler.review(ReviewCard(due: t), rating: .good, at: t).card
    manual = scheduler.review(manual, rating: .good, at: t + 10 * Self.minute).card
    #expect(manual.state == .review)
    manual = scheduler.review(manual, rating: .again, at: t + 4 * Self.day).card
    #expect(manual == card.card)
  }

  @Test func answersWithoutARatingDoNotMoveTheCard() throws {
    let t = Self.t0
    let events = [
      event(.answerSubmitted, q: "q1", at: t, outcome: .correct, attempt: 1),
      event(.reviewAnswered, q: "q1", at: t + Self.day, outcome: .wrong, attempt: 1),
    ]
    let card = try #require(items(events).first)
    #expect(card.log.count == 1)
  }

  @Test func assessmentAnswersJoinOnlyOnceSubmitted() {
    let exam = Fixture.lesson(
      "exam", items: [.question(Fixture.question("e1")), .question(Fixture.question("e2"))], draw: 2)
    let course = Fixture.course([Fixture.basic, exam])
    let t = Self.t0
    let answering = [
      event(.questionsDrawn, "exam", at: t, drawn: ["e1", "e2"]),
      event(.answerSubmitted, "exam", q: "e1", at: t + 1000, outcome: .correct, attempt: 1),
      event(.answerSubmitted, "exam", q: "e2", at: t + 2000, outcome: .wrong, attempt: 1),
    ]
    #expect(items(answering, course: course).isEmpty)
    let submitted = answering + [event(.lessonCompleted, "exam", at: t + 3000, score: 0.5, passed: false)]
    #expect(items(submitted, course: course).map(\.question.id) == ["e1", "e2"])
  }

  @Test func cardsSurviveContentEditsAndFlagThem() throws {
    let t = Self.t0
    let edited = Fixture.lesson("basic", items: [.question(Fixture.question("q1", digest: "new"))])
    let cards = items(
      [event(.answerSubmitted, q: "q1", at: t, outcome: .correct, attempt: 1)], course: Fixture.course([edited]))
    let card = try #require(cards.first)
    #expect(card.contentChanged)
    #expect(card.card.reps == 1)
  }

  @Test func queueAsksTheLeastRememberedFirstAndOnlyWhatIsDue() {
    let t = Self.t0
    let events = [
      event(.answerSubmitted, q: "q1", at: t, outcome: .correct, attempt: 1),
      event(.answerSubmitted, q: "q2", at: t, outcome: .correct, attempt: 2),
      event(.answerSubmitted, q: "q3", at: t, outcome: .correct, attempt: 1),
      event(.reviewAnswered, q: "q3", at: t + 3 * Self.day, outcome: .correct, attempt: 1, rating: .good),
    ]
    let now = t + 4 * Self.day
    let all = items(events, now: now)
    let queue = ReviewDeck.queue(all, now: now)
    #expect(queue.map(\.question.id) == ["q2", "q1"])
    #expect(zip(queue, queue.dropFirst()).allSatisfy { $0.retrievability <= $1.retrievability })
    #expect(ReviewDeck.dueToday(all, now: now, timeZone: TimeZone(identifier: "UTC")!) == 2)
  }

  @Test func retentionComesFromTheLearnerThenTheCourse() {
    var policy = Policy()
    policy.reviewRetention = 0.8
    let lesson = Fixture.lesson("basic", items: [.question(Fixture.question("q1"))], policy: policy)
    #expect(ReviewDeck.scheduler(for: lesson, learner: nil).desiredRetention == 0.8)
    #expect(ReviewDeck.scheduler(for: lesson, learner: ReviewSettings(retention: 0.95)).desiredRetention == 0.95)
    #expect(ReviewDeck.scheduler(for: Fixture.basic, learner: nil).desiredRetention == 0.9)
    #expect(!ReviewDeck.scheduler(for: Fixture.basic, learner: nil).fuzz)
    #expect(ReviewDeck.scheduler(for: Fixture.basic, learner: ReviewSettings(fuzz: true)).fuzz)
  }

  @Test func checkpointKeepsTheCards() throws {
    let t = Self.t0
    let summary = fold([
      event(.answerSubmitted, q: "q1", at: t, outcome: .correct, attempt: 1),
      event(.reviewAnswered, q: "q1", at: t + Self.day, outcome: .wrong, attempt: 1, rating: .again),
    ])
    #expect(summary.reviewCardCount == 1)
    let decoded = try #require(JournalSummary(binary: summary.binaryEncoded()))
    #expect(decoded == summary)
  }

  @Test func reviewEventsRoundTripThroughTheJournalCodec() throws {
    let e = event(.reviewAnswered, q: "q1", at: Self.t0, outcome: .correct, attempt: 1, rating: .good)
    let line = try JournalCodec.encode(e)
    #expect(String(decoding: line, as: UTF8.self).contains("\"kind\":\"review-answered\""))
    #expect(String(decoding: line, as: UTF8.self).contains("\"rating\":3"))
    #expect(JournalCodec.decode(line) == e)
    #expect(try JSONDecoder().decode(JournalEvent.self, from: Data(line)) == e)
  }

  /// The schedule folded as the journal is read is a shortcut for replaying the card's ratings:
  /// over random histories (lapses, same-day reviews, irregular gaps, a later lesson attempt),
  /// both give the same card, and a lesson that schedules differently is replayed.
  @Test func theFoldedScheduleIsTheReplayedOne() throws {
    var generator = SplitMix64(seed: 20_261_130)
    let ratings: [ReviewRating] = [.again, .hard, .good, .easy]
    for round in 0..<200 {
      var t = Self.t0 + Int64(round) * Self.day
      var events = [event(.answerSubmitted, q: "q1", at: t, outcome: round % 3 == 0 ? .wrong : .correct, attempt: 1)]
      if round % 5 == 0 {
        t += 3_000
        events.append(event(.answerSubmitted, q: "q1", at: t, outcome: .correct, attempt: 2))
      }
      for _ in 0..<Int.random(in: 0...8, using: &generator) {
        let gaps: [Int64] = [30_000, Self.minute * 12, Self.day / 3, Self.day, Self.day * 9, Self.day * 70]
        t += gaps.randomElement(using: &generator)!
        events.append(
          event(.reviewAnswered, q: "q1", at: t, outcome: .correct, attempt: 1,
            rating: ratings.randomElement(using: &generator)!))
      }
      let summary = fold(events)
      let record = try #require(summary.reviewCard(course: "c", lesson: "basic", question: "q1"))
      let replayed = try #require(ReviewDeck.schedule(record, scheduler: .standard, fuzzSeed: 0))
      #expect(record.schedule == replayed.card, "round \(round)")
      let decoded = try #require(JournalSummary(binary: summary.binaryEncoded()))
      #expect(decoded.reviewCard(course: "c", lesson: "basic", question: "q1")?.schedule == replayed.card)

      let now = t + Self.day
      let standard = ReviewDeck.items(summary: summary, courses: [Fixture.course([Fixture.basic])], learner: nil, now: now)
      #expect(standard.first?.card == replayed.card)
      let stricter = FSRSScheduler(desiredRetention: 0.97)
      let custom = ReviewDeck.items(
        summary: summary, courses: [Fixture.course([Fixture.basic])], learner: ReviewSettings(retention: 0.97), now: now)
      #expect(custom.first?.card == ReviewDeck.schedule(record, scheduler: stricter, fuzzSeed: 0)?.card)
    }
  }
}
