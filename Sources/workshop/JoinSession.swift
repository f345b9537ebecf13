import CReadline
import Dispatch
import Foundation
import WorkshopEngine
import WorkshopRecords
import WorkshopServer
import WorkshopTerminal

/// The learner's side of `workshop join` on the terminal: the REPL's line editor and renderer,
/// the server's messages printed above the prompt, and the learner's own progress journal.
///
/// The server decides grades. A journal event for an answer is written only once the server has
/// acknowledged it, with the outcome, credit and points the server gave; in exam mode, where
/// acknowledgements carry no grade, the answers are journaled at the end from the signed record.
@MainActor
final class JoinSession {
  struct Setup: Sendable {
    var address: String
    var code: String
    var name: String
    /// The learner's progress folder.
    var folder: String
    var plain: Bool
    var noColor: Bool
  }

  static var shared: JoinSession?

  let setup: Setup
  let terminal: TerminalInfo
  let theme: Theme
  var journal: JournalWriter?
  var editor: ReadlineEditor?
  var learner: LiveLearner?
  var signals: TerminalSignals?

  var course: String?
  var item: ItemView?
  var itemShownAt = Date()
  var startedLessons = Set<String>()
  var viewedPages = Set<String>()
  /// Answers sent and not yet acknowledged: submission id -> what was typed and when.
  var pending: [String: (raw: String, seconds: Double)] = [:]
  /// "lesson/question/attempt" of answers already in the journal, and "lesson/question" of skips.
  var journaledAnswers = Set<String>()
  var journaledSkips = Set<String>()
  var leaving = false

  init(setup: Setup, journal: JournalWriter) {
    self.setup = setup
    self.journal = journal
    self.terminal = TerminalInfo()
    self.theme = terminal.theme(plain: setup.plain, noColor: setup.noColor)
  }

  /// Runs until the session is over for this learner; never returns.
  static func run(_ setup: Setup, journal: JournalWriter) -> Never {
    let session = JoinSession(setup: setup, journal: journal)
    shared = session
    session.installSignalHandlers()
    session.save([JournalEvent(kind: .sessionStarted, engine: WorkshopVersion.current)])
    session.connect()
    session.startInput()
    dispatchMain()
  }

  // MARK: - Connection

  func connect() {
    let saved = SavedSeat.load(folder: setup.folder)
    let token = (saved?.address == setup.address && saved?.code == setup.code) ? saved?.token : nil
    let learner = LiveLearner(url: "ws://\(setup.address)/ws/learn", code: setup.code, name: setup.name, token: token) {
      event in
      // The learner's callbacks come from its own executor; everything else happens on main.
      DispatchQueue.main.async { MainActor.assumeIsolated { JoinSession.shared?.handle(event) } }
    }
    self.learner = learner
    show(token != nil ? "Rejoining the session at \(setup.address)…" : "Joining \(setup.address)…")
    Task.detached { await learner.run() }
  }

  func handle(_ event: LiveLearner.Event) {
    switch event {
    case .reconnecting: show(styled("(connection lost — reconnecting…)", .dim))
    case .finished(let why):
      show("Session over: \(clean(why)).")
      leave(status: 0, goodbye: nil)
    case .message(let m): handle(m)
    }
  }

  func handle(_ m: LearnerMessage) {
    switch m.type {
    case .welcome:
      if let token = m.token {
        SavedSeat(address: setup.address, code: setup.code, token: token, session: m.session).save(folder: setup.folder)
      }
      course = m.course ?? course
      let pace = m.pacing == .student ? "the pace is yours" : "the instructor sets the pace"
      show("Welcome, \(clean(m.name ?? "learner")) — \(clean(m.courseTitle ?? "live session")); \(pace).")
    case .item:
      guard let item = m.item else { return }
      let moved = self.item.map { $0.lesson != item.lesson || $0.index != item.index } ?? true
      self.item = item
      if moved { itemShownAt = Date() }
      journalPosition(item)
      // The prompt changes first, so the redraw below the text already shows the new one.
      updatePrompt()
      show(render(item))
    case .ack:
      journalAnswer(m)
      show(ackText(m))
    case .skipped:
      if let lesson = m.lesson, let q = m.question { journalSkip(lesson: lesson, question: q, digest: m.digest) }
      show("Skipped.")
    case .rejected: show(styled("Not accepted: \(clean(m.text ?? "no reason given"))", .failure))
    case .closed:
      if item?.question?.id == m.question { item?.status = .closed }
      updatePrompt()
      show("The question is closed.")
    case .reveal:
      if item?.question?.id == m.question { item?.status = .revealed }
      var text = styled("Answer: ", .bold) + clean(m.text ?? "")
      if let o = m.outcome { text += o == .correct ? " (you were right)" : " (yours was \(o.rawValue))" }
      if let e = m.explanation, !e.isEmpty { text += "\n" + renderer().render(e) }
      updatePrompt()
      show(text)
    case .distribution:
      let lines = TextChart.render(m.buckets ?? [], width: min(terminal.width(), 80) - 2, markRight: true)
      show("How the room answered:\n" + lines.map { "  " + clean($0) }.joined(separator: "\n"))
    case .hint: show(styled("Hint \(m.attempt ?? 1): ", .bold) + clean(m.text ?? ""))
    case .leaderboard: show((m.lines ?? []).map { "  " + clean($0) }.joined(separator: "\n"))
    case .removed:
      show(styled("The instructor removed you from the session.", .failure))
    case .ended: ended(m)
    case .error: show(styled("! \(clean(m.text ?? "error"))", .failure))
    case .pong: break
    }
  }

  // MARK: - Journal

  func save(_ events: [JournalEvent]) {
    for event in events {
      do {
        try journal?.append(event)
      } catch {
        Console.error("workshop: could not save your progress (\(error)).\n")
        leave(status: 1, goodbye: nil)
      }
    }
  }

  func lessonStarted(_ lesson: String, digest: String?) {
    guard let course, !startedLessons.contains(lesson) else { return }
    startedLessons.insert(lesson)
    save([JournalEvent(kind: .lessonStarted, course: course, lesson: lesson, lessonDigest: digest)])
  }

  func journalPosition(_ item: ItemView) {
    guard let course else { return }
    lessonStarted(item.lesson, digest: item.lessonDigest)
    if let page = item.pageID, viewedPages.insert(item.lesson + "/" + page).inserted {
      save([JournalEvent(kind: .pageViewed, course: course, lesson: item.lesson, page: page)])
    }
  }

  func journalAnswer(_ m: LearnerMessage) {
    guard let submission = m.submission, let sent = pending.removeValue(forKey: submission) else { return }
    // Exam mode: the grade is not known yet; the record at the end has it.
    guard let course, let lesson = m.lesson, let question = m.question, let outcome = m.outcome,
      let response = m.response, let attempt = m.attempt
    else { return }
    guard journaledAnswers.insert("\(lesson)/\(question)/\(attempt)").inserted else { return }
    lessonStarted(lesson, digest: item?.lessonDigest)
    save([
      JournalEvent(
        kind: .answerSubmitted, course: course, lesson: lesson, question: question, questionDigest: m.digest,
        raw: sent.raw, response: response, outcome: outcome, credit: m.credit ?? 0, earned: m.earned ?? 0,
        attempt: attempt, seconds: sent.seconds)
    ])
  }

  func journalSkip(lesson: String, question: String, digest: String?) {
    guard let course, journaledSkips.insert(lesson + "/" + question).inserted else { return }
    lessonStarted(lesson, digest: item?.lessonDigest)
    save([JournalEvent(kind: .questionSkipped, course: course, lesson: lesson, question: question, questionDigest: digest)])
  }

  /// The end: the signed record fills in what the acknowledgements did not say (exam-mode
  /// grades, questions left unanswered) and closes each lesson run with its result.
  func ended(_ m: LearnerMessage) {
    var line = "The session has ended."
    if let s = m.score { line += " Your score: \(Int((s * 100).rounded()))%" + (m.passed == true ? " — passed." : ".") }
    show(styled(line, .bold))
    guard let text = m.record else { return }
    let dir = (setup.folder as NSString).appendingPathComponent("records")
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    let session = SavedSeat.load(folder: setup.folder)?.session ?? "session"
    let path = (dir as NSString).appendingPathComponent("live-\(m.participant ?? "record")-\(session).json")
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
    show("Your signed record: \(path)")
    try? FileManager.default.removeItem(atPath: SavedSeat.path(setup.folder))
    guard let json = try? JSONParser.parse(text), let record = try? WorkshopRecords.CompletionRecord(json: json) else { return }
    let course = self.course ?? record.course.id
    self.course = course
    for lesson in record.lessons {
      guard let attempt = lesson.attempts.last else { continue }
      lessonStarted(lesson.id, digest: attempt.lessonDigest)
      for r in attempt.responses where journaledAnswers.insert("\(lesson.id)/\(r.question)/\(r.attempt)").inserted {
        save([
          JournalEvent(
            kind: .answerSubmitted, course: course, lesson: lesson.id, question: r.question,
            questionDigest: r.questionDigest, raw: r.raw, response: r.response, outcome: r.outcome, credit: r.credit,
            earned: r.earned, attempt: r.attempt, seconds: r.seconds)
        ])
      }
      for q in attempt.skipped {
        let answered = attempt.responses.contains { $0.question == q }
        if !answered { journalSkip(lesson: lesson.id, question: q, digest: nil) }
      }
      if attempt.completedAt != nil, let score = attempt.score {
        save([
          JournalEvent(
            kind: .lessonCompleted, course: course, lesson: lesson.id, lessonDigest: attempt.lessonDigest,
            seconds: attempt.seconds, score: score, passed: attempt.passed ?? false)
        ])
      }
    }
  }

  // MARK: - Input

  static let commands = ["hint", "skip", "next", "back", "help", "quit"]

  func startInput() {
    if terminal.stdinIsTTY {
      let editor = ReadlineEditor(
        prompt: "> ",
        completer: { _ in JoinSession.shared?.completionWords() ?? [] },
        onLine: { line in JoinSession.shared?.receive(line) })
      self.editor = editor
      editor.useHistory(path: setup.folder + "/history")
      editor.start(
        output: terminal.stdoutIsTTY ? workshop_stdout() : workshop_stderr(),
        quiet: theme.plain || terminal.variable("TERM") == "dumb")
      updatePrompt()
    } else {
      // Piped input: plain lines, no readline, no prompt.
      DispatchQueue.global().async {
        while let line = readLine(strippingNewline: true) {
          DispatchQueue.main.async { MainActor.assumeIsolated { JoinSession.shared?.receive(line) } }
        }
        DispatchQueue.main.async { MainActor.assumeIsolated { JoinSession.shared?.receive(nil) } }
      }
    }
  }

  func completionWords() -> [String] {
    var words = Self.commands
    if let q = item?.question, item?.status == .open {
      let count = q.choices?.count ?? q.left?.count ?? 0
      words += (0..<count).map(Self.letter)
    }
    return words
  }

  func updatePrompt() {
    editor?.setPrompt(item?.question != nil && item?.status == .open ? "answer> " : "> ")
  }

  func receive(_ line: String?) {
    guard let line else {
      // readline leaves the cursor after the prompt on Ctrl-D.
      if editor != nil { Console.write("\n") }
      leave(status: 0, goodbye: "Left the session. Run the same command to come back.")
    }
    let text = line.trimmingCharacters(in: .whitespaces)
    guard let learner else { return }
    let word = text.hasPrefix(":") ? String(text.dropFirst()).lowercased() : text.lowercased()
    switch word {
    case "": return
    case "quit", "exit": leave(status: 0, goodbye: "Left the session. Run the same command to come back.")
    case "help":
      show("Type your answer when a question is open. Commands: hint, skip, next, back (when the pace is yours), quit.")
    case "hint": Task { await learner.send(.hint) }
    case "skip": Task { await learner.send(.skip) }
    case "next": Task { await learner.send(.next) }
    case "back", "previous": Task { await learner.send(.previous) }
    default:
      guard item?.question != nil else {
        show("There is no question to answer right now.")
        return
      }
      // As in the REPL, a leading `=` marks an answer that is also a command word.
      let answer = text.hasPrefix("=") ? String(text.dropFirst()) : text
      let submission = UUID().uuidString.lowercased()
      pending[submission] = (answer, Date().timeIntervalSince(itemShownAt))
      Task {
        if await !learner.answer(answer, submission: submission) {
          DispatchQueue.main.async {
            MainActor.assumeIsolated {
              JoinSession.shared?.pending[submission] = nil
              JoinSession.shared?.show("There is no question to answer right now.")
            }
          }
        }
      }
    }
  }

  func leave(status: Int32, goodbye: String?) -> Never {
    if !leaving, let goodbye { show(goodbye) }
    leaving = true
    let learner = self.learner
    Task.detached { await learner?.stop() }
    editor?.stop()
    editor = nil
    if let journal {
      try? journal.append(JournalEvent(kind: .sessionEnded))
      journal.close()
    }
    journal = nil
    exit(status)
  }

  // MARK: - Signals

  func installSignalHandlers() {
    signals = TerminalSignals(
      // Ctrl-C throws away the line being typed; with no line editor it leaves.
      interrupt: {
        guard let session = JoinSession.shared else { return }
        if let editor = session.editor { editor.cancelLine() } else { session.leave(status: 0, goodbye: nil) }
      },
      end: { JoinSession.shared?.leave(status: 0, goodbye: nil) },
      resize: { JoinSession.shared?.editor?.resized() })
  }

  // MARK: - Output

  /// Above the prompt when there is one, so the line being typed survives.
  func show(_ text: String) {
    // Server text arrives as long lines; wrapped here by words, at the width of the moment.
    let fitted = TextWrap.fit(text, width: min(terminal.width(), 80))
    if let editor {
      editor.printAbove(fitted.hasSuffix("\n") ? fitted : fitted + "\n")
    } else {
      Console.write(fitted.hasSuffix("\n") ? fitted : fitted + "\n")
    }
  }

  func clean(_ text: String) -> String { Sanitizer.clean(text, keepNewlines: false) }

  func styled(_ text: String, _ style: TextStyle) -> String { theme.apply(style, to: text) }

  func renderer() -> MarkdownRenderer { MarkdownRenderer(theme: theme, width: min(terminal.width(), 80)) }

  static func letter(_ i: Int) -> String { i < 26 ? String(UnicodeScalar(UInt8(97 + i))) : "#\(i + 1)" }

  func ackText(_ m: LearnerMessage) -> String {
    var line: String
    switch m.outcome {
    case .correct?: line = styled(theme.plain ? "Correct." : "✓ Correct.", .success)
    case .partial?: line = styled(theme.plain ? "Partly right." : "◐ Partly right.", .failure)
    case .wrong?: line = styled(theme.plain ? "Not quite." : "✗ Not quite.", .failure)
    case nil: line = "Answer saved."
    }
    if let left = m.attemptsLeft, left > 0, m.outcome != .correct, m.outcome != nil {
      line += " \(left) more attempt\(left == 1 ? "" : "s")."
    }
    for f in m.feedback ?? [] { line += "\n  " + clean(f) }
    if let e = m.explanation, !e.isEmpty { line += "\n" + renderer().render(e) }
    return line
  }

  func render(_ item: ItemView) -> String {
    let md = renderer()
    var out = "\n" + styled("\(clean(item.lessonTitle)) — \(item.index + 1) of \(item.count)", .dim) + "\n"
    if item.pageTitle != nil {
      return out + md.render(item.markdown ?? "")
    }
    guard let q = item.question else { return out }
    out += md.render(q.prompt) + "\n"
    for (i, c) in (q.choices ?? []).enumerated() {
      out += theme.plain ? "Choice \(Self.letter(i).uppercased()): \(clean(c))\n" : "  \(Self.letter(i))) \(clean(c))\n"
    }
    for (i, c) in (q.items ?? []).enumerated() { out += "  \(i + 1). \(clean(c))\n" }
    if let left = q.left, let right = q.right {
      for i in 0..<max(left.count, right.count) {
        let l = i < left.count ? "\(Self.letter(i))) \(clean(left[i]))" : ""
        let r = i < right.count ? "\(i + 1). \(clean(right[i]))" : ""
        out += "  " + l.padding(toLength: 32, withPad: " ", startingAt: 0) + r + "\n"
      }
    }
    switch item.status {
    case .open:
      out += q.kind == .multiple ? "Pick all that apply (e.g. a, c)." : "Type your answer."
      if let d = item.deadline {
        let left = max(0, Int((Double(d) / 1000 - Date().timeIntervalSince1970).rounded()))
        out += " \(left) s to answer."
      }
    case .closed: out += "(closed)"
    case .revealed: out += "(answer revealed)"
    case .reading: out += "(waiting for the instructor to open it)"
    }
    if let yours = item.yourAnswer { out += "\nYour answer: \(clean(yours))" }
    return out
  }
}
