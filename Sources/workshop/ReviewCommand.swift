import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopCommandLine
import WorkshopEngine
import WorkshopTerminal

struct ReviewCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "review",
    abstract: "Practise the questions you have answered, when each is about to be forgotten.",
    discussion: """
      Every question answered in a lesson becomes a review card, scheduled with FSRS-6: a card
      comes back just before you would likely forget it, later each time you remember it.
      Without --list this opens a review session of the cards due now (least well remembered
      first). See docs/review.md.
      """)

  @OptionGroup var location: LocationOptions
  @OptionGroup var session: SessionFlags

  @Flag(name: .long, help: "List every card with its schedule instead of reviewing.")
  var list = false

  @Flag(name: .long, help: "With --list: print JSON.")
  var json = false

  @Option(name: .long, help: ArgumentHelp("Only this course's cards.", valueName: "course-id"))
  var course: String?

  @Option(name: .long, help: ArgumentHelp("Only this lesson's cards.", valueName: "lesson-id"))
  var lesson: String?

  @Option(
    name: .long,
    help: ArgumentHelp("Most cards in one session (default \(ReviewDeck.defaultSessionCards)).", valueName: "n"))
  var cards: Int?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Longest session in minutes (default \(Int(ReviewDeck.defaultSessionSeconds / 60))).", valueName: "m"))
  var minutes: Double?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Save your desired retention, the chance of remembering a card when it comes back "
        + "(\(ReviewSettings.retentionRange.lowerBound)–\(ReviewSettings.retentionRange.upperBound); default 0.9).",
      valueName: "share"))
  var retention: Double?

  @Option(name: .long, help: ArgumentHelp("Save whether intervals are spread a little (on or off).", valueName: "on|off"))
  var fuzz: String?

  func validate() throws {
    if json && !list { throw ValidationError("--json goes with --list.") }
    if let cards, cards < 1 { throw ValidationError("--cards must be 1 or more.") }
    if let minutes, !(minutes > 0 && minutes.isFinite) { throw ValidationError("--minutes must be more than 0.") }
    if let retention, !ReviewSettings.retentionRange.contains(retention) {
      throw ValidationError(
        "--retention must be between \(ReviewSettings.retentionRange.lowerBound) and "
          + "\(ReviewSettings.retentionRange.upperBound), for example 0.9.")
    }
    if let fuzz, !["on", "off"].contains(fuzz) { throw ValidationError("--fuzz takes on or off.") }
  }

  func run() throws {
    if retention != nil || fuzz != nil {
      try saveSettings()
      if !list { return }
    }
    if list {
      try printList()
      return
    }
    var launch = try session.launch(location)
    launch.review = ReviewLaunch(
      courseID: course, lessonID: lesson, cards: cards ?? ReviewDeck.defaultSessionCards,
      seconds: minutes.map { $0 * 60 } ?? ReviewDeck.defaultSessionSeconds)
    MainActor.assumeIsolated { SessionHost.run(launch) }
  }

  private func learnerID(_ store: ProgressStore) throws -> LearnerID {
    guard let text = session.learner ?? environment("WORKSHOP_LEARNER"), !text.isEmpty else {
      throw ValidationError("Say whose cards: --learner NAME (or set WORKSHOP_LEARNER).")
    }
    guard let id = store.resolveLearner(text) else {
      throw ValidationError("'\(text)' is not a usable learner name.")
    }
    return id
  }

  private func saveSettings() throws {
    let store = ProgressStore(root: location.progressRoot)
    let id = try learnerID(store)
    var settings = store.profile(id)?.review ?? ReviewSettings()
    if let retention { settings.retention = retention }
    if let fuzz { settings.fuzz = fuzz == "on" }
    _ = try store.saveReviewSettings(settings, for: id)
    let retentionText = settings.retention.map { "\($0)" } ?? "the course's (0.9 unless it sets one)"
    Output.note("Saved for \(id): retention \(retentionText), fuzz \(settings.fuzz == true ? "on" : "off").")
  }

  private func printList() throws {
    let (library, diagnostics) = LessonLoader.loadCached(root: location.lessonsRoot)
    let store = ProgressStore(root: location.progressRoot)
    let id = try learnerID(store)
    let loaded = try store.summary(id)
    for warning in loaded.warnings { Output.note("warning: \(warning)") }
    let errors = diagnostics.filter { $0.severity == .error }.count
    if errors > 0 {
      Output.note("\(errors) problem(s) in \(location.lessonsRoot); run `workshop lint` for details.")
    }
    if let course, library.course(id: course) == nil {
      throw ValidationError("No course '\(course)' in \(location.lessonsRoot); see `workshop list`.")
    }
    if let lesson, !library.courses.contains(where: { $0.lesson(id: lesson) != nil }) {
      throw ValidationError("No lesson '\(lesson)' in \(location.lessonsRoot); see `workshop list`.")
    }
    let now = WorkshopClock.nowMilliseconds()
    let items = ReviewDeck.items(
      summary: loaded.summary, courses: library.courses, learner: store.profile(id)?.review, now: now,
      courseID: course, lessonID: lesson)

    if json {
      try Output.json(
        ReviewListJSON(
          learner: id.rawValue, now: Timestamp.format(milliseconds: now),
          due: ReviewDeck.queue(items, now: now).count, dueToday: ReviewDeck.dueToday(items, now: now),
          cards: items.map { ReviewListJSON.Card($0, now: now) }))
      return
    }
    if items.isEmpty {
      print("No review cards yet: every question you answer in a lesson becomes one.")
      return
    }
    var rows: [[String]] = [["Question", "Lesson", "State", "Due", "Stability", "Difficulty", "Recall now"]]
    for item in items {
      rows.append([
        item.question.id + (item.contentChanged ? " (edited)" : ""), item.lesson.id, item.card.state.name,
        item.isDue(at: now) ? "now" : Self.dueText(item.card.due, now: now),
        NumberText.fixed(item.card.stability ?? 0, digits: 2) + "d", NumberText.fixed(item.card.difficulty ?? 0, digits: 2),
        Output.percent(item.retrievability),
      ])
    }
    let due = ReviewDeck.queue(items, now: now).count
    print("\(items.count) card(s), \(due) due now.")
    print(Output.table(rows, rightAligned: [4, 5, 6], indent: 2), terminator: "")
  }

  /// Due times in the learner's own words: minutes and hours today, else the local date.
  static func dueText(_ due: Int64, now: Int64) -> String {
    let minutes = Int((Double(due - now) / 60_000).rounded(.up))
    if minutes < 60 { return "in \(minutes)m" }
    if due < ReviewDeck.endOfDay(now) { return "in \(Int((Double(minutes) / 60).rounded()))h" }
    return LocalTime.dateText(due)
  }
}

struct ReviewListJSON: Encodable {
  struct Card: Encodable {
    var course: String
    var lesson: String
    var question: String
    var prompt: String
    var state: String
    var step: Int?
    var due: String
    var dueNow: Bool
    var stability: Double?
    var difficulty: Double?
    var retrievability: Double
    var lastReview: String?
    var reps: Int
    var lapses: Int
    var contentChanged: Bool
    var log: [LogEntry]

    init(_ item: ReviewItem, now: Int64) {
      course = item.courseID
      lesson = item.lesson.id
      question = item.question.id
      prompt = item.question.prompt
      state = item.card.state.name
      step = item.card.step
      due = Timestamp.format(milliseconds: item.card.due)
      dueNow = item.isDue(at: now)
      stability = item.card.stability
      difficulty = item.card.difficulty
      retrievability = item.retrievability
      lastReview = item.card.lastReview.map(Timestamp.format(milliseconds:))
      reps = item.card.reps
      lapses = item.card.lapses
      contentChanged = item.contentChanged
      log = item.log.map(LogEntry.init)
    }
  }
  struct LogEntry: Encodable {
    var rating: String
    var at: String
    var elapsedDays: Int?
    var durationMs: Int64?

    init(_ entry: ReviewLogEntry) {
      rating = entry.rating.name
      at = Timestamp.format(milliseconds: entry.reviewedAt)
      elapsedDays = entry.elapsedDays
      durationMs = entry.durationMs
    }
  }
  var learner: String
  var now: String
  var due: Int
  var dueToday: Int
  var cards: [Card]
}
