#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

/// Display settings for a session; `width` may change between lines (window resized).
public struct SessionOptions: Sendable {
  public var theme: Theme
  public var width: Int
  public init(theme: Theme, width: Int) {
    self.theme = theme
    self.width = width
  }
}

/// Something the session needs done outside itself before it can go on.
public enum SessionRequest: Sendable, Hashable {
  /// Open this learner's journal, then call `learnerReady`.
  case openLearner(LearnerID)
  /// Create a profile with this name, open its journal, then call `learnerReady`.
  case createLearner(name: String)
}

/// What one step of the session produced.
///
/// The caller appends `events` to the journal in order. The first `saveBeforeShowing` of them
/// must be durable *before* `text` is printed: feedback is only shown for an answer (or hint,
/// skip, result) that is already saved. The rest only record where the learner is (a page
/// viewed, a session or lesson begun) and may be written just after printing, so showing a page
/// never waits for the disk.
public struct SessionOutput: Sendable {
  public var text: String = ""
  public var events: [JournalEvent] = []
  public var saveBeforeShowing = 0
  public var request: SessionRequest? = nil
  /// Set when the session is over; the process should exit with this status.
  public var exitStatus: Int32? = nil

  public init() {}

  mutating func say(_ line: String) {
    text += line
    text += "\n"
  }

  mutating func blank() {
    if !text.isEmpty && !text.hasSuffix("\n\n") { text += "\n" }
  }
}

/// The learner's session as a state machine: lines in, rendered text and journal events out.
///
/// It does no I/O of its own, so it can be driven by readline, by piped input or by a test.
public struct SessionController {
  let library: LessonLibrary
  public var options: SessionOptions
  let clock: @Sendable () -> Date

  var learners: [LearnerProfile]
  var learner: LearnerProfile? = nil
  var summary = JournalSummary()
  var mode: Mode = .starting
  /// Lesson to open as soon as the learner is known (`workshop start LESSON`).
  var pendingLesson: String? = nil
  /// `workshop continue`: open the lesson in progress as soon as the learner is known.
  var resumeAtStart = false
  /// `workshop review`: open a review session as soon as the learner is known.
  var pendingReview: ReviewLaunch? = nil
  var menuEntries: [(course: Course, lesson: Lesson)] = []

  enum Mode {
    case starting
    case pickLearner
    case askName
    case waitingForLearner
    case menu
    case lesson(LessonRun)
    case review(ReviewRun)
    case ended
  }

  public init(
    library: LessonLibrary, options: SessionOptions, learners: [LearnerProfile] = [],
    clock: @escaping @Sendable () -> Date = { WorkshopClock.now() }
  ) {
    self.library = library
    self.options = options
    self.learners = learners
    self.clock = clock
    for course in library.courses {
      for lesson in course.lessons { menuEntries.append((course, lesson)) }
    }
  }

  public var width: Int {
    get { options.width }
    set { options.width = newValue }
  }

  var theme: Theme { options.theme }

  // MARK: - Starting

  /// Begins the session. With a known learner (from `--learner` or the environment) the
  /// welcome goes straight to the menu or `lesson`; otherwise the learner is asked who they are.
  public mutating func start(
    learner: LearnerProfile? = nil, summary: JournalSummary? = nil, lesson: String? = nil,
    resume: Bool = false, review: ReviewLaunch? = nil
  ) -> SessionOutput {
    pendingLesson = lesson
    resumeAtStart = resume
    pendingReview = review
    if let learner {
      return learnerReady(learner, summary: summary ?? JournalSummary())
    }
    var out = SessionOutput()
    out.say(style(Copy.welcome, .heading))
    out.blank()
    if learners.isEmpty {
      mode = .askName
      out.say(Copy.askName)
    } else {
      mode = .pickLearner
      showLearners(&out)
    }
    return out
  }

  /// The learner's journal is open: greet them and show where they are.
  public mutating func learnerReady(_ profile: LearnerProfile, summary: JournalSummary)
    -> SessionOutput
  {
    learner = profile
    self.summary = summary
    var out = SessionOutput()
    emit(&out, JournalEvent(at: now(), kind: .sessionStarted, engine: WorkshopVersion.current))
    if let id = pendingLesson, let (course, lesson) = library.lesson(id: id) {
      pendingLesson = nil
      openLesson(course: course, lesson: lesson, out: &out)
      return out
    }
    if let review = pendingReview {
      pendingReview = nil
      openReview(review, out: &out)
      return out
    }
    if resumeAtStart {
      resumeAtStart = false
      continueLearning(&out)
      return out
    }
    let resumable = lastActiveLesson()
    out.say(Copy.hello(clean(profile.name), returning: resumable != nil || hasAnyProgress()))
    out.blank()
    mode = .menu
    showMenu(&out)
    return out
  }

  /// Opening or creating the learner failed (a name that makes no id, a locked journal).
  public mutating func learnerFailed(_ message: String) -> SessionOutput {
    var out = SessionOutput()
    out.say(clean(message))
    if learners.isEmpty {
      mode = .askName
      out.say(Copy.askName)
    } else {
      mode = .pickLearner
      showLearners(&out)
    }
    return out
  }

  // MARK: - Input

  /// One line typed by the learner (without its newline).
  public mutating func handle(line: String) -> SessionOutput {
    var out = SessionOutput()
    switch mode {
    case .starting, .waitingForLearner, .ended:
      break
    case .pickLearner:
      pickLearner(line, &out)
    case .askName:
      let name = clean(line.trimmingWhitespace(), newlines: false)
      if name.isEmpty {
        out.say(Copy.askName)
      } else if case .command(.quit) = LineInput.classify(line) {
        mode = .ended
        out.exitStatus = 0
      } else {
        mode = .waitingForLearner
        out.request = .createLearner(name: name)
      }
    case .menu:
      menuInput(line, &out)
    case .lesson(var run):
      mode = .starting  // the run is moved out while it changes, so it is not copied
      lessonInput(line, run: &run, out: &out)
      if case .starting = mode { mode = .lesson(run) }
    case .review(var run):
      mode = .starting
      reviewInput(line, run: &run, out: &out)
      if case .starting = mode { mode = .review(run) }
    }
    return out
  }

  /// End of input (Ctrl-D on an empty line, or the end of a piped file): save and leave.
  public mutating func endOfInput() -> SessionOutput {
    var out = SessionOutput()
    quit(&out)
    return out
  }

  /// The terminal went away or the process was asked to stop: record the end, say nothing more.
  public mutating func terminate() -> SessionOutput {
    var out = SessionOutput()
    if learner != nil, !isEnded {
      emit(&out, JournalEvent(at: now(), kind: .sessionEnded))
    }
    mode = .ended
    out.exitStatus = 0
    return out
  }

  var isEnded: Bool {
    if case .ended = mode { return true }
    return false
  }

  mutating func quit(_ out: inout SessionOutput) {
    if learner != nil, !isEnded {
      emit(&out, JournalEvent(at: now(), kind: .sessionEnded))
      out.say(Copy.saved)
    }
    mode = .ended
    out.exitStatus = 0
  }

  /// The prompt readline shows; piped input never prints it.
  public var prompt: String { "> " }

  /// Words TAB completes in the current state.
  public var completionWords: [String] {
    let commands = Command.allCases.map(\.rawValue)
    switch mode {
    case .pickLearner:
      return learners.map(\.name) + ["new", "quit"]
    case .menu:
      return ["continue", "review"] + commands + menuEntries.map(\.lesson.id)
    case .lesson(let run):
      // Exam words are offered only where they mean something.
      let exam = (run.attempt.holdsAnswers ? ["flag"] : []) + (run.confirmingSubmit ? ["submit"] : [])
      if case .question(let q) = run.items[run.index], !run.confirmingSubmit {
        let p = run.presentation(q)
        return commands + exam + p.letters(for: q)
      }
      return commands + exam
    case .review(let run):
      if let attempt = run.current { return commands + attempt.presentation.letters(for: attempt.item.question) }
      return commands
    default:
      return commands
    }
  }

  // MARK: - Learners

  mutating func showLearners(_ out: inout SessionOutput) {
    out.say(Copy.whoIsLearning)
    for (i, l) in learners.enumerated() {
      out.say(theme.plain ? "\(i + 1). \(clean(l.name))." : "  \(i + 1). \(clean(l.name))")
    }
    if learners.count == 1 {
      out.say(wrapped(Copy.pickOnlyLearnerHint(clean(learners[0].name, newlines: false))))
    } else {
      out.say(Copy.pickLearnerHint)
    }
  }

  mutating func pickLearner(_ line: String, _ out: inout SessionOutput) {
    let text = line.trimmingWhitespace()
    if text.isEmpty {
      // With one learner on this machine, Enter picks them, as the list says.
      if learners.count == 1 {
        mode = .waitingForLearner
        out.request = .openLearner(learners[0].id)
      } else {
        showLearners(&out)
      }
      return
    }
    switch LineInput.classify(text) {
    case .command(.quit):
      mode = .ended
      out.exitStatus = 0
      return
    case .command(.help):
      out.say(Copy.pickLearnerHint)
      return
    default:
      break
    }
    if text.lowercased() == "new" {
      mode = .askName
      out.say(Copy.askName)
      return
    }
    if let n = Int(text), n >= 1, n <= learners.count {
      mode = .waitingForLearner
      out.request = .openLearner(learners[n - 1].id)
      return
    }
    if let match = learners.first(where: {
      $0.name.lowercased() == text.lowercased() || $0.id.rawValue == text.lowercased()
    }) {
      mode = .waitingForLearner
      out.request = .openLearner(match.id)
      return
    }
    mode = .waitingForLearner
    out.request = .createLearner(name: clean(text, newlines: false))
  }

  // MARK: - Helpers

  func now() -> String { JournalEvent.timestamp(clock()) }

  mutating func emit(_ out: inout SessionOutput, _ event: JournalEvent) {
    summary.apply(event)
    out.events.append(event)
    if event.kind.mustBeDurableBeforeShowing { out.saveBeforeShowing = out.events.count }
  }

  mutating func emit(_ out: inout SessionOutput, _ journaling: Journaling) {
    for event in journaling.all { emit(&out, event) }
  }

  func style(_ text: String, _ s: TextStyle) -> String { theme.apply(s, to: text) }

  func clean(_ text: String, newlines: Bool = true) -> String {
    Sanitizer.clean(text, keepNewlines: newlines)
  }

  /// Markdown from a lesson file, rendered and wrapped.
  func markdown(_ text: String, indent: Int = 0) -> String {
    let r = MarkdownRenderer(theme: theme, width: contentWidth - indent)
    let body = r.render(text)
    guard indent > 0 else { return body }
    let pad = String(repeating: " ", count: indent)
    return body.split(separator: "\n", omittingEmptySubsequences: false)
      .map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
  }

  /// Workshop's own prose, wrapped (it may quote lesson text, which is cleaned by the caller).
  func wrapped(_ text: String, _ s: TextStyle = [], indent: Int = 0) -> String {
    let pad = String(repeating: " ", count: indent)
    let lines = Wrapper.wrap([Span(text, s)], width: contentWidth, first: [Span(pad)], rest: [Span(pad)])
    return lines.map(theme.render).joined(separator: "\n")
  }

  /// Long lines are hard to read: text stops at 80 columns even on a wide terminal.
  var contentWidth: Int { max(20, min(options.width, 80)) }

  func courseState(_ course: Course) -> CourseState {
    ProgressDeriver.state(of: course, summary: summary)
  }

  func progress(course: Course, lesson: Lesson) -> LessonProgress {
    LessonProgress(course: course, lesson: lesson, summary: summary)
  }

  func hasAnyProgress() -> Bool { !summary.courses.isEmpty }

  /// The lesson to pick up: the one in progress that was worked on last.
  func lastActiveLesson() -> (course: Course, lesson: Lesson)? {
    var best: (course: Course, lesson: Lesson, at: String)? = nil
    for course in library.courses {
      for ls in courseState(course).lessons {
        guard case .inProgress = ls.status, let lesson = course.lesson(id: ls.lessonID) else {
          continue
        }
        let at = ls.lastActivity ?? ""
        if best == nil || at > best!.at { best = (course, lesson, at) }
      }
    }
    return best.map { ($0.course, $0.lesson) }
  }
}
