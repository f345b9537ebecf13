import Foundation
import WorkshopEngine

/// Opening the review queue against what `workshop list` costs, for a learner with 5,000 cards
/// (250 lessons × 20 questions, every question answered) and a 100,000-event journal.
enum ReviewBenchmarks {
  static let lessons = 250
  static let questionsPerLesson = 20
  static let events = 100_000

  static func run(binary: String?, scratch: String) throws {
    let pack = scratch + "/review-pack"
    try SyntheticPack.write(to: pack, lessons: lessons, questions: questionsPerLesson)
    let store = ProgressStore(root: scratch + "/review-progress")
    let learner = try LearnerID(validating: "reviewer")
    try writeJournal(store: store, learner: learner)
    _ = try store.loadSummary(learner)  // the checkpoint the learner's last session leaves
    let library = LessonLoader.load(root: pack).library

    var cards = 0
    var due = 0
    let now = Int64(1_800_000_000_000) + 200 * FSRSScheduler.day
    let queue = best(of: 15) {
      let summary = try store.summary(learner).summary
      let items = ReviewDeck.items(summary: summary, courses: library.courses, learner: nil, now: now)
      cards = items.count
      due = ReviewDeck.queue(items, now: now).count
    }
    let list = best(of: 15) {
      let summary = try store.summary(learner).summary
      for course in library.courses { _ = ProgressDeriver.state(of: course, summary: summary) }
    }
    let loadOnly = best(of: 15) { _ = try store.summary(learner).summary }
    let summaryOnce = try store.summary(learner).summary
    var itemsOnce: [ReviewItem] = []
    let deckOnly = best(of: 15) {
      itemsOnce = ReviewDeck.items(summary: summaryOnce, courses: library.courses, learner: nil, now: now)
    }
    let queueOnly = best(of: 15) { _ = ReviewDeck.queue(itemsOnce, now: now) }
    let stateOnly = best(of: 15) {
      for course in library.courses { _ = ProgressDeriver.state(of: course, summary: summaryOnce) }
    }
    // Both open by loading the same summary; what differs is the deck and its order against
    // the lessons' states.
    report(
      "  of which: summary / deck / order / states",
      String(
        format: "%.2f / %.2f / %.2f / %.2f ms", loadOnly * 1000, deckOnly * 1000, queueOnly * 1000, stateOnly * 1000),
      target: "deck + order ≤ states")
    report(
      "review queue, \(cards) cards, 100,000 events", String(format: "%.1f ms (%d due)", queue * 1000, due),
      target: "≤ list")
    report("  list's work on the same learner", String(format: "%.1f ms", list * 1000), target: "-")

    guard let binary else { return }
    let base = ["--lessons", pack, "--progress", store.root, "--learner", learner.rawValue]
    let environment = ["WORKSHOP_NOW": Timestamp.format(milliseconds: now)]
    let listTimes = ProcessTiming.run([binary, "list"] + base, environment: environment, runs: 20)
    let reviewTimes = ProcessTiming.run(
      [binary, "review", "--list", "--json"] + base, environment: environment, runs: 20)
    report(
      "workshop list, same learner, whole process",
      String(format: "%.1f ms median", ProcessTiming.median(listTimes)), target: "-")
    report(
      "workshop review --list --json, whole process",
      String(format: "%.1f ms median", ProcessTiming.median(reviewTimes)), target: "-")
  }

  /// Best wall time of `runs` runs, in seconds.
  static func best(of runs: Int, _ body: () throws -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<runs {
      let t = (try? seconds(body)) ?? .infinity
      best = min(best, t)
    }
    return best
  }

  /// Every question answered once, a review of each card about a week, a month and three months
  /// later, and page views and shown questions making up the rest.
  static func writeJournal(store: ProgressStore, learner: LearnerID) throws {
    _ = try store.createProfile(name: learner.rawValue)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(events * 300)
    var ms: Int64 = 1_800_000_000_000
    var written = 0
    let digest = String(repeating: "cd", count: 32)
    func append(_ event: JournalEvent) throws {
      bytes += try JournalCodec.encode(event) + [0x0A]
      written += 1
    }
    let cards = lessons * questionsPerLesson
    let reviewsPerCard = 3
    let filler = max(0, events - cards * (1 + reviewsPerCard))
    let fillerPerCard = filler / cards
    for n in 0..<cards {
      let lesson = "lesson-\(n / questionsPerLesson)"
      let question = "q-\(n % questionsPerLesson)"
      for f in 0..<fillerPerCard {
        ms += 1_500
        try append(
          f % 2 == 0
            ? JournalEvent(
              at: Timestamp.format(milliseconds: ms), kind: .pageViewed, course: "synthetic", lesson: lesson,
              page: "page-\(n % 4)")
            : JournalEvent(
              at: Timestamp.format(milliseconds: ms), kind: .questionShown, course: "synthetic", lesson: lesson,
              question: question, questionDigest: digest))
      }
      ms += 9_000
      try append(
        JournalEvent(
          at: Timestamp.format(milliseconds: ms), kind: .answerSubmitted, course: "synthetic", lesson: lesson,
          question: question, questionDigest: digest, raw: "b", response: .choices([1]),
          outcome: n % 4 == 0 ? .wrong : .correct, credit: 1, earned: 1, attempt: 1, seconds: 9))
    }
    for round in 1...reviewsPerCard {
      ms += Int64(round * round) * 7 * FSRSScheduler.day
      for n in 0..<cards {
        ms += 4_000
        try append(
          JournalEvent(
            at: Timestamp.format(milliseconds: ms), kind: .reviewAnswered, course: "synthetic",
            lesson: "lesson-\(n / questionsPerLesson)", question: "q-\(n % questionsPerLesson)",
            questionDigest: digest, raw: "b", response: .choices([1]), outcome: .correct, credit: 1,
            attempt: 1, rating: n % 7 == 0 ? 1 : 3, seconds: 4))
      }
    }
    while written < events {
      ms += 1_000
      try append(JournalEvent(at: Timestamp.format(milliseconds: ms), kind: .sessionStarted, engine: "bench"))
    }
    guard FileManager.default.createFile(atPath: store.journalPath(for: learner), contents: Data(bytes)) else {
      throw CocoaError(.fileWriteUnknown)
    }
  }
}
