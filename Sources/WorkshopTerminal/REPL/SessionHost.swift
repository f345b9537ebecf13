import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import WorkshopEngine

/// How `workshop` (or `workshop start`) was asked to run a session.
public struct SessionLaunch: Sendable {
  public var lessonsRoot: String
  public var progressRoot: String
  /// From `--learner` or `WORKSHOP_LEARNER`: skips the "who are you" question.
  public var learner: String?
  /// From `workshop start LESSON-ID`.
  public var lesson: String?
  public var plain: Bool
  public var noColor: Bool
  /// Variables to use instead of the process environment; nil reads the environment.
  public var environment: [String: String]?
  /// `workshop continue`: go straight to where the learner left off.
  public var resume = false
  /// `workshop review`: a review session instead of the menu.
  public var review: ReviewLaunch?
  /// `--sync`: told after every journal write, off the answer path (see `JournalFollower`).
  public var follower: (any JournalFollower)?

  public init(
    lessonsRoot: String, progressRoot: String, learner: String? = nil, lesson: String? = nil,
    plain: Bool = false, noColor: Bool = false,
    environment: [String: String]? = nil
  ) {
    self.lessonsRoot = lessonsRoot
    self.progressRoot = progressRoot
    self.learner = learner
    self.lesson = lesson
    self.plain = plain
    self.noColor = noColor
    self.environment = environment
  }
}

/// What `workshop review` asked for.
public struct ReviewLaunch: Sendable, Hashable {
  public var courseID: String?
  public var lessonID: String?
  /// The session ends after this many cards…
  public var cards: Int
  /// …or once this many seconds have passed, whichever comes first.
  public var seconds: Double

  public init(courseID: String?, lessonID: String?, cards: Int, seconds: Double) {
    self.courseID = courseID
    self.lessonID = lessonID
    self.cards = cards
    self.seconds = seconds
  }
}

/// Runs a session against the real world: the terminal or piped input, the journal, signals.
///
/// Answers, hints, skips and results are appended (and fsynced by the writer) before the step's
/// text is printed, so feedback is never shown for an answer that was not saved; position
/// events follow the text (see `SessionOutput`).
@MainActor
public final class SessionHost {
  static var shared: SessionHost?

  var controller: SessionController
  let store: ProgressStore
  let terminal: TerminalInfo
  var journal: JournalWriter?
  var loop: TerminalLoop?
  var follower: (any JournalFollower)?

  init(controller: SessionController, store: ProgressStore, terminal: TerminalInfo) {
    self.controller = controller
    self.store = store
    self.terminal = terminal
  }

  /// Runs the session until the learner leaves; never returns.
  public static func run(_ launch: SessionLaunch) -> Never {
    let terminal = TerminalInfo(environment: launch.environment)
    let theme = terminal.theme(plain: launch.plain, noColor: launch.noColor)
    // The snapshot is checked against every lesson file, so edits are always seen.
    let (library, _) = LessonLoader.loadCached(root: launch.lessonsRoot)
    if let id = launch.lesson, library.lesson(id: id) == nil {
      Console.error(
        "workshop: there is no lesson '\(Sanitizer.clean(id, keepNewlines: false))' in "
          + "'\(launch.lessonsRoot)'; `workshop list` shows the lessons.\n")
      exit(1)
    }
    let store = ProgressStore(root: launch.progressRoot)
    let options = SessionOptions(theme: theme, width: terminal.width())

    var learnerName = launch.learner
    if learnerName == nil, let env = terminal.variable("WORKSHOP_LEARNER"), !env.isEmpty {
      learnerName = env
    }
    let learners = learnerName == nil ? store.learners().compactMap { store.profile($0) } : []
    let host = SessionHost(
      controller: SessionController(library: library, options: options, learners: learners),
      store: store, terminal: terminal)
    shared = host
    host.loop = host.makeLoop()
    host.follower = launch.follower
    launch.follower?.sessionStarted(notify: { text in
      DispatchQueue.main.async { MainActor.assumeIsolated { SessionHost.notice(text) } }
    })

    let first: SessionOutput
    if let learnerName {
      do {
        let profile = try host.resolve(name: learnerName)
        let journal = try store.openJournal(profile.id)
        host.journal = journal
        host.reportJournalWarnings(journal)
        first = host.controller.start(
          learner: profile, summary: journal.summary, lesson: launch.lesson, resume: launch.resume,
          review: launch.review)
      } catch {
        Console.error("workshop: \(Sanitizer.visible(String(describing: error)))\n")
        exit(1)
      }
    } else {
      first = host.controller.start(lesson: launch.lesson, resume: launch.resume, review: launch.review)
    }
    host.deliver(first)
    host.startInput()
    MainQueue.run()
  }

  // MARK: - Input

  /// The loop, with the signals already taken over, so an early Ctrl-C or SIGTERM is handled.
  func makeLoop() -> TerminalLoop {
    let loop = TerminalLoop(
      terminal: terminal, prompt: controller.prompt, quiet: controller.options.theme.plain,
      handlers: TerminalLoop.Handlers(
        line: { line in SessionHost.shared?.receive(line) },
        completions: { SessionHost.shared?.controller.completionWords ?? [] },
        // Ctrl-C clears the line being typed and never ends the session; without a line editor
        // (piped input) there is no line to clear, so it ends the session, as SIGTERM does.
        end: { SessionHost.shared?.terminateSession() }))
    loop.installSignals()
    return loop
  }

  func startInput() {
    guard let loop else { return }
    loop.setPrompt(controller.prompt)
    if journal != nil, let id = controller.learner?.id {
      loop.useHistory(path: store.directory(for: id) + "/history")
    }
    loop.startInput()
  }

  func receive(_ line: String?) {
    controller.width = terminal.width()
    if let line {
      deliver(controller.handle(line: line))
    } else {
      deliver(controller.endOfInput())
    }
  }

  // MARK: - Output and effects

  func deliver(_ output: SessionOutput) {
    var output = output
    while true {
      let split = min(output.saveBeforeShowing, output.events.count)
      save(output.events[..<split])
      if !output.text.isEmpty { show(output.text) }
      save(output.events[split...])
      if let status = output.exitStatus { finish(status: status) }
      guard let request = output.request else { return }
      output = perform(request)
    }
  }

  /// Prints a step's text, through the pager when it is taller than the window.
  func show(_ text: String) {
    if let pager = Pager.choose(terminal: terminal, plain: controller.options.theme.plain),
      pager.isNeeded(for: text)
    {
      pager.show(text)
    } else {
      Console.write(text)
    }
  }

  func save(_ events: ArraySlice<JournalEvent>) {
    guard !events.isEmpty else { return }
    for event in events {
      do {
        try journal?.append(event)
      } catch {
        Console.error(
          "workshop: could not save your progress (\(error)). The last step was not recorded.\n")
        finish(status: 1)
      }
    }
    // Only now, with the events on disk, may anything act on them; the follower returns at once.
    if journal != nil, let id = controller.learner?.id { follower?.journalSaved(learner: id) }
  }

  func perform(_ request: SessionRequest) -> SessionOutput {
    do {
      let profile: LearnerProfile
      switch request {
      case .openLearner(let id):
        guard let p = store.profile(id) else { return controller.learnerFailed(Copy.noProfile) }
        profile = p
      case .createLearner(let name):
        profile = try resolve(name: name)
      }
      let journal = try store.openJournal(profile.id)
      self.journal = journal
      reportJournalWarnings(journal)
      loop?.useHistory(path: store.directory(for: profile.id) + "/history")
      return controller.learnerReady(profile, summary: journal.summary)
    } catch {
      return controller.learnerFailed("\(error)")
    }
  }

  /// What opening the journal found (lines set aside or skipped): said once, on stderr, before
  /// the session starts, so a learner is never left wondering where an answer went.
  func reportJournalWarnings(_ journal: JournalWriter) {
    for warning in journal.warnings {
      Console.error("workshop: warning: \(Sanitizer.visible(warning))\n")
    }
  }

  /// A returning learner by id or name, or a new profile.
  func resolve(name: String) throws -> LearnerProfile {
    try store.openOrCreateProfile(name)
  }

  func finish(status: Int32) -> Never {
    loop?.stop()
    journal?.close()
    journal = nil
    if let line = follower?.sessionEnding() { Console.error("workshop: \(Sanitizer.visible(line))\n") }
    exit(status)
  }

  // MARK: - Signals

  func terminateSession() {
    deliver(controller.terminate())
  }

  /// A one-line status from work in the background: above the prompt on a terminal, on standard
  /// error otherwise, so that piped output stays the session's own.
  static func notice(_ text: String) {
    let line = "workshop: \(Sanitizer.visible(text, keepNewlines: false))\n"
    if let editor = shared?.loop?.editor { editor.printAbove(line) } else { Console.error(line) }
  }

  /// Shows a message above the prompt without disturbing what the learner is typing.
  public static func announce(_ text: String) {
    guard let loop = shared?.loop else { return Console.write(text) }
    if let editor = loop.editor { editor.printAbove(text) } else { Console.write(text) }
  }
}
