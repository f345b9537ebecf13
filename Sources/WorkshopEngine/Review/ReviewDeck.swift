#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A learner's choices for `workshop review`, kept in their profile.
public struct ReviewSettings: Sendable, Codable, Hashable {
  /// Desired retentions outside this range make intervals either tiny or years long.
  public static let retentionRange = 0.5...0.99

  /// Probability of recall to schedule for; nil: the course's policy, else 0.9.
  public var retention: Double?
  /// Spread intervals a little so that cards learned together are not always due together.
  public var fuzz: Bool?

  public init(retention: Double? = nil, fuzz: Bool? = nil) {
    self.retention = retention
    self.fuzz = fuzz
  }
}

/// One card as the learner meets it: the question as it is now and its schedule.
public struct ReviewItem: Sendable {
  public var courseID: String
  public var lesson: Lesson
  public var question: Question
  public var record: ReviewCardRecord
  public var card: ReviewCard
  /// Probability of recall at the moment the deck was built.
  public var retrievability: Double
  /// The question was edited since it was last answered; the schedule carries on.
  public var contentChanged: Bool
  public var scheduler: FSRSScheduler

  public var key: String {
    ReviewCardRecord.key(course: courseID, lesson: lesson.id, question: question.id)
  }

  public func isDue(at now: Int64) -> Bool { card.due <= now }

  /// Every review of the card so far, the lesson answer that introduced it first; worked out
  /// when asked, since opening the queue needs only the schedule.
  public var log: [ReviewLogEntry] {
    let seed = scheduler.fuzz ? ReviewDeck.fuzzSeed(course: courseID, lesson: lesson.id, question: question.id) : 0
    return ReviewDeck.schedule(record, scheduler: scheduler, fuzzSeed: seed)?.log ?? []
  }
}

/// Review cards derived from the journal: every question answered in a lesson becomes a card,
/// rated from that answer and rescheduled by each review since. This is the one place that
/// decides which cards exist, how each is scheduled and in which order they are asked.
public enum ReviewDeck {
  /// The default session: at most this many cards…
  public static let defaultSessionCards = 20
  /// …or this much time, whichever comes first.
  public static let defaultSessionSeconds: Double = 10 * 60

  /// The scheduler for a lesson's cards: the learner's retention, else the lesson's (course's)
  /// policy, else the default; fuzz only when the learner turned it on.
  public static func scheduler(for lesson: Lesson, learner: ReviewSettings?) -> FSRSScheduler {
    let candidates = [learner?.retention, lesson.policy.reviewRetention]
    let retention =
      candidates.compactMap { $0 }.first { ReviewSettings.retentionRange.contains($0) }
      ?? FSRSScheduler.defaultDesiredRetention
    return FSRSScheduler(desiredRetention: retention, fuzz: learner?.fuzz ?? false)
  }

  /// The per-card seed that makes fuzz reproducible.
  public static func fuzzSeed(course: String, lesson: String, question: String) -> UInt64 {
    Shuffler.seed("review", course, lesson, question)
  }

  /// An assessment's answers are not final (nor shown as right or wrong) until it is submitted.
  public static func holdsAnswersUntilSubmitted(_ lesson: Lesson) -> Bool {
    lesson.kind == .assessment || lesson.draw != nil || lesson.policy.mode == .exam
  }

  /// The card's schedule and review log from its journal record; nil when it has no usable
  /// first answer yet.
  public static func schedule(
    _ record: ReviewCardRecord, scheduler: FSRSScheduler, fuzzSeed: UInt64
  ) -> (card: ReviewCard, log: [ReviewLogEntry])? {
    var log: [ReviewLogEntry] = []
    guard let card = replay(record, scheduler: scheduler, fuzzSeed: fuzzSeed, log: { log.append($0) }) else {
      return nil
    }
    return (card, log)
  }

  /// The card's schedule after every rating in its record, each step's log entry handed to `log`.
  static func replay(
    _ record: ReviewCardRecord, scheduler: FSRSScheduler, fuzzSeed: UInt64,
    log: (ReviewLogEntry) -> Void = { _ in }
  ) -> ReviewCard? {
    guard let introduction = record.introduction else { return nil }
    let (introduced, first) = scheduler.review(
      ReviewCard(due: introduction.at), rating: introduction.rating, at: introduction.at,
      durationMs: introduction.durationMs, fuzzSeed: fuzzSeed)
    var card = introduced
    log(first)
    for review in record.reviews {
      let step = scheduler.review(
        card, rating: review.rating, at: review.at, durationMs: review.durationMs, fuzzSeed: fuzzSeed)
      card = step.card
      log(step.log)
    }
    return card
  }

  /// Every card of the given courses, in course, lesson and question order. `courseID` and
  /// `lessonID` narrow it. Cards for questions no longer in the content are left out (their
  /// history stays in the journal and returns with the question).
  public static func items(
    summary: JournalSummary, courses: [Course], learner: ReviewSettings?, now: Int64,
    courseID: String? = nil, lessonID: String? = nil
  ) -> [ReviewItem] {
    guard !summary.reviewCards.isEmpty else { return [] }
    var items: [ReviewItem] = []
    // Items are large: growing the array by doubling would copy them many times over.
    items.reserveCapacity(courseID == nil && lessonID == nil ? summary.reviewCardCount : 0)
    for course in courses where courseID == nil || course.id == courseID {
      guard let courseCards = summary.reviewCards[course.id] else { continue }
      for lesson in course.lessons where lessonID == nil || lesson.id == lessonID {
        guard let cards = courseCards[lesson.id] else { continue }
        let held = holdsAnswersUntilSubmitted(lesson)
        let completed =
          held ? Set(summary.lesson(course: course.id, lesson: lesson.id)?.completions.map(\.attempt) ?? []) : []
        let scheduler = Self.scheduler(for: lesson, learner: learner)
        // Cards folded on the standard scheduler as the journal was read need no replay.
        let folded = scheduler.isStandard
        for question in lesson.questions {
          guard let record = cards[question.id], let introduction = record.introduction else { continue }
          if held && record.reviews.isEmpty && !completed.contains(introduction.lessonAttempt) { continue }
          // The seed is a SHA-256 per card: worth it only when fuzz uses it.
          let seed = scheduler.fuzz ? fuzzSeed(course: course.id, lesson: lesson.id, question: question.id) : 0
          guard let card = (folded ? record.schedule : nil) ?? replay(record, scheduler: scheduler, fuzzSeed: seed)
          else { continue }
          items.append(
            ReviewItem(
              courseID: course.id, lesson: lesson, question: question, record: record, card: card,
              retrievability: scheduler.retrievability(of: card, at: now),
              contentChanged: record.digest.map { $0 != question.digest } ?? false, scheduler: scheduler))
        }
      }
    }
    return items
  }

  /// The cards to ask now: those due, the least likely to be remembered first.
  public static func queue(_ items: [ReviewItem], now: Int64) -> [ReviewItem] {
    // Ties (cards reviewed together, alike) keep the content's order, which `items` follows.
    // Indices are sorted rather than the items, which are large to move.
    let due = items.indices.filter { items[$0].isDue(at: now) }
    return due.sorted { a, b in
      let x = items[a]
      let y = items[b]
      if x.retrievability != y.retrievability { return x.retrievability < y.retrievability }
      if x.card.due != y.card.due { return x.card.due < y.card.due }
      return a < b
    }.map { items[$0] }
  }

  /// How many cards fall due by the end of the learner's day (local time, or in `timeZone`).
  public static func dueToday(_ items: [ReviewItem], now: Int64, timeZone: TimeZone? = nil) -> Int {
    let end = endOfDay(now, timeZone: timeZone)
    return items.reduce(0) { $0 + ($1.card.due < end ? 1 : 0) }
  }

  /// The first millisecond of the next day: local (the C library's time zone) unless a `timeZone`
  /// is given.
  public static func endOfDay(_ now: Int64, timeZone: TimeZone? = nil) -> Int64 {
    guard let timeZone else { return LocalTime.startOfNextDay(now) }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    let date = Date(timeIntervalSince1970: Double(now) / 1000)
    let start = calendar.startOfDay(for: date)
    let next = calendar.date(byAdding: .day, value: 1, to: start) ?? date.addingTimeInterval(86_400)
    return Int64((next.timeIntervalSince1970 * 1000).rounded(.down))
  }

  /// The rating a review answer earns: the same rule as a lesson answer's.
  public static func rating(outcome: Grade.Outcome?, attempt: Int, hintsShown: Int) -> ReviewRating {
    ReviewCardRecord.rating(outcome: outcome, attempt: attempt, hintsShown: hintsShown)
  }
}

extension ReviewDeck {
  /// Choices in a new order for each review of a card, so that a learner recalls the answer
  /// rather than its position; the same review always shows the same order.
  public static func presentation(for question: Question, learner: String, review: Int) -> Presentation {
    Shuffler.presentation(for: question, learner: learner + "\u{0}review\u{0}\(review)", shuffle: true)
  }
}
