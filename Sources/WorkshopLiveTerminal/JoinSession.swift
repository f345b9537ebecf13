import Dispatch
import Foundation
import WorkshopEngine
import WorkshopRecords
import WorkshopServer
import WorkshopTerminal

/// How `workshop join` was asked to run.
public struct JoinLaunch: Sendable {
  public var address: String
  public var code: String
  public var name: String
  /// The learner id or name in the progress folder; nil uses `name`.
  public var learner: String?
  public var progressRoot: String
  public var plain: Bool
  public var noColor: Bool

  public init(
    address: String, code: String, name: String, learner: String?, progressRoot: String, plain: Bool, noColor: Bool
  ) {
    self.address = address
    self.code = code
    self.name = name
    self.learner = learner
    self.progressRoot = progressRoot
    self.plain = plain
    self.noColor = noColor
  }
}

/// The learner's side of `workshop join` on the terminal: the REPL's host loop, line grammar and
/// verdicts, the server's messages printed above the prompt, and the learner's own journal.
///
/// The server decides grades. A journal event for an answer is written only once the server has
/// acknowledged it, with the outcome, credit and points the server gave; in exam mode, where
/// acknowledgements carry no grade, the answers are journaled at the end from the signed record.
@MainActor
public final class JoinSession {
  static var shared: JoinSession?

  let launch: JoinLaunch
  /// The learner's progress folder.
  let folder: String
  let terminal: TerminalInfo
  let theme: Theme
  var journal: JournalWriter?
  var loop: TerminalLoop?
  var learner: LiveLearner?

  var course: String?
  /// Who moves through the lesson: the instructor, or each learner (then Enter moves on).
  var pacing: Pacing = .instructor
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
  /// What was shown last about the session ending or being refused, so it is not said twice.
  var endShown = false
  var lastError: String?
  /// Whether the server let this learner in, and whether input ended before it did.
  var welcomed = false
  var inputEnded = false

  init(launch: JoinLaunch, folder: String, journal: JournalWriter, terminal: TerminalInfo) {
    self.launch = launch
    self.folder = folder
    self.journal = journal
    self.terminal = terminal
    self.theme = terminal.theme(plain: launch.plain, noColor: launch.noColor)
  }

  /// Opens the learner's journal, joins, and runs until the session is over for this learner;
  /// never returns. Exits 1 with the reason when the journal cannot be opened.
  public static func run(_ launch: JoinLaunch) -> Never {
    let store = ProgressStore(root: launch.progressRoot)
    let journal: JournalWriter
    let folder: String
    do {
      let profile = try store.openOrCreateProfile(launch.learner ?? launch.name)
      journal = try store.openJournal(profile.id)
      folder = store.directory(for: profile.id)
    } catch let error as JournalError {
      if case .locked = error {
        Console.error("workshop: \(error)\n\(LiveCopy.journalLocked)\n")
      } else {
        Console.error("workshop: cannot open your progress journal: \(error)\n")
      }
      exit(1)
    } catch {
      Console.error("workshop: \(error)\n")
      exit(1)
    }
    let session = JoinSession(launch: launch, folder: folder, journal: journal, terminal: TerminalInfo())
    shared = session
    let loop = TerminalLoop(
      terminal: session.terminal, prompt: "> ", quiet: session.theme.plain,
      handlers: TerminalLoop.Handlers(
        line: { line in JoinSession.shared?.receive(line) },
        completions: { JoinSession.shared?.completionWords() ?? [] },
        end: { JoinSession.shared?.leave(status: 0, goodbye: nil) }))
    session.loop = loop
    loop.installSignals()
    session.save([JournalEvent(kind: .sessionStarted, engine: WorkshopVersion.current)])
    session.connect()
    loop.useHistory(path: folder + "/history")
    loop.startInput()
    MainQueue.run()
  }

  // MARK: - Connection

  func connect() {
    let saved = SavedSeat.load(folder: folder)
    let token = (saved?.address == launch.address && saved?.code == launch.code) ? saved?.token : nil
    let learner = LiveLearner(
      url: "ws://\(launch.address)/ws/learn", code: launch.code, name: launch.name, token: token
    ) { event in
      // The learner's callbacks come from its own executor; everything else happens on main.
      DispatchQueue.main.async { MainActor.assumeIsolated { JoinSession.shared?.handle(event) } }
    }
    self.learner = learner
    show(token != nil ? LiveCopy.rejoining(launch.address) : LiveCopy.joining(launch.address))
    Task.detached { await learner.run() }
  }

  func handle(_ event: LiveLearner.Event) {
    switch event {
    case .reconnecting: show(styled(LiveCopy.reconnecting, .dim))
    case .finished(let why):
      // The message that ended the session (the end, a removal, a refusal) was shown already.
      if !endShown && why != lastError { show(LiveCopy.sessionOver(clean(why))) }
      // Never let in (a wrong code, a full or locked room, no server): a failure for scripts.
      leave(status: welcomed ? 0 : 1, goodbye: nil)
    case .message(let m): handle(m)
    }
  }

  func handle(_ m: LearnerMessage) {
    if m.type == .ended || m.type == .removed { endShown = true }
    if m.type == .error { lastError = m.text }
    switch m.type {
    case .welcome:
      welcomed = true
      if inputEnded { leave(status: 0, goodbye: LiveCopy.left) }
      if let token = m.token {
        SavedSeat(address: launch.address, code: launch.code, token: token, session: m.session).save(folder: folder)
      }
      course = m.course ?? course
      pacing = m.pacing ?? pacing
      show(LiveCopy.welcome(clean(m.name ?? "learner"), clean(m.courseTitle ?? "live session"), studentPaced: m.pacing == .student))
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
      // A question with no attempts left takes no more answers: Enter may move on.
      if m.attemptsLeft == 0, item?.question?.id == m.question, item?.status == .open {
        item?.status = .closed
        updatePrompt()
      }
      var text = ackText(m)
      if pacing == .student, m.attemptsLeft == 0 { text += "\n" + LiveCopy.enterMovesOn }
      show(text)
    case .skipped:
      if let lesson = m.lesson, let q = m.question { journalSkip(lesson: lesson, question: q, digest: m.digest) }
      show(LiveCopy.skipped)
    case .rejected: show(styled(LiveCopy.notAccepted(clean(m.text ?? "no reason given")), .failure))
    case .closed:
      if item?.question?.id == m.question { item?.status = .closed }
      updatePrompt()
      show(LiveCopy.questionClosed)
    case .reveal:
      if item?.question?.id == m.question { item?.status = .revealed }
      var text = styled("Answer: ", .bold) + clean(m.text ?? "")
      if let o = m.outcome { text += o == .correct ? " (you were right)" : " (yours was \(Copy.outcomeWord(o).dropLast()))" }
      if let e = m.explanation, !e.isEmpty { text += "\n" + renderer().render(e) }
      updatePrompt()
      show(text)
    case .distribution:
      let lines = TextChart.render(m.buckets ?? [], width: min(terminal.width(), 80) - 2, markRight: true)
      show(LiveCopy.howTheRoomAnswered + "\n" + lines.map { "  " + clean($0) }.joined(separator: "\n"))
    case .hint: show(styled("Hint \(m.attempt ?? 1): ", .bold) + clean(m.text ?? ""))
    case .leaderboard: show((m.lines ?? []).map { "  " + clean($0) }.joined(separator: "\n"))
    case .removed: show(styled(LiveCopy.removed, .failure))
    case .ended: ended(m)
    case .error: show(styled("! \(clean(m.text ?? "error"))", .failure))
    case .pong: break
    case .paced:
      pacing = m.pacing ?? pacing
      show(styled(pacing == .student ? LiveCopy.paceIsYours : LiveCopy.paceIsInstructors, .bold))
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
    var line = LiveCopy.sessionEnded
    if let s = m.score { line += " " + LiveCopy.yourScore(Copy.percent(s), passed: m.passed == true) }
    show(styled(line, .bold))
    guard let text = m.record else { return }
    let dir = (folder as NSString).appendingPathComponent("records")
    let session = SavedSeat.load(folder: folder)?.session ?? "session"
    let path = (dir as NSString).appendingPathComponent("live-\(m.participant ?? "record")-\(session).json")
    do {
      try FileManager.default.createDirectory(
        atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      try RecordFiles.writePrivate(text, to: path)
      show(LiveCopy.recordSaved(path))
    } catch {
      // The record is also kept by the instructor; the journal below still gets every answer.
      Console.error("workshop: could not save your signed record to \(path): \(error)\n")
    }
    try? FileManager.default.removeItem(atPath: SavedSeat.path(folder))
    guard let json = try? JSONParser.parse(text), let record = try? CompletionRecord(json: json) else { return }
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

  /// The REPL's commands that mean something in a live session.
  static let commands: [Command] = [.hint, .skip, .next, .back, .repeat, .help, .quit]

  func completionWords() -> [String] {
    var words = Self.commands.map(\.rawValue)
    if let q = item?.question, item?.status == .open {
      let count = q.choices?.count ?? q.left?.count ?? 0
      words += (0..<count).map(Presentation.letter)
    }
    return words
  }

  func updatePrompt() {
    loop?.setPrompt(item?.question != nil && item?.status == .open ? "answer> " : "> ")
  }

  /// One line, read with the REPL's grammar (`LineInput.classify`): a command word, with or
  /// without a colon, is a command; anything else is an answer, `=` escaping a command word.
  func receive(_ line: String?) {
    guard let line else {
      // Piped input can end before the server has answered: wait for the welcome or the
      // refusal, so a wrong code or a missing server is reported, not "Left the session".
      guard welcomed else {
        inputEnded = true
        return
      }
      leave(status: 0, goodbye: LiveCopy.left)
    }
    guard let learner else { return }
    switch LineInput.classify(line) {
    case .empty:
      // As in the REPL, Enter moves on when the pace is yours and there is nothing to answer.
      if pacing == .student, item != nil, !(item?.question != nil && item?.status == .open) {
        Task { await learner.send(.next) }
      }
    case .unknownCommand(let word): show(Copy.unknownCommand(clean(word)))
    case .command(let command):
      switch command {
      case .quit: leave(status: 0, goodbye: LiveCopy.left)
      case .help: show(LiveCopy.help)
      case .hint: Task { await learner.send(.hint) }
      case .skip: Task { await learner.send(.skip) }
      case .next: Task { await learner.send(.next) }
      case .back: Task { await learner.send(.previous) }
      case .repeat:
        if let item { show(render(item)) } else { show(LiveCopy.nothingYet) }
      case .menu, .progress, .restart: show(LiveCopy.notInLiveSession(command.rawValue))
      }
    case .answer(let answer):
      guard item?.question != nil else { return show(LiveCopy.noQuestion) }
      let submission = UUID().uuidString.lowercased()
      pending[submission] = (answer, Date().timeIntervalSince(itemShownAt))
      Task {
        if await !learner.answer(answer, submission: submission) {
          DispatchQueue.main.async {
            MainActor.assumeIsolated {
              JoinSession.shared?.pending[submission] = nil
              JoinSession.shared?.show(LiveCopy.noQuestion)
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
    loop?.stop()
    if let journal {
      try? journal.append(JournalEvent(kind: .sessionEnded))
      journal.close()
    }
    journal = nil
    exit(status)
  }

  // MARK: - Output

  /// Above the prompt when there is one, so the line being typed survives.
  func show(_ text: String) {
    // Server text arrives as long lines; wrapped here by words, at the width of the moment.
    let fitted = TextWrap.fit(text, width: min(terminal.width(), 80))
    if let loop { loop.show(fitted) } else { Console.write(fitted.hasSuffix("\n") ? fitted : fitted + "\n") }
  }

  func clean(_ text: String) -> String { Sanitizer.clean(text, keepNewlines: false) }

  func styled(_ text: String, _ style: TextStyle) -> String { theme.apply(style, to: text) }

  func renderer() -> MarkdownRenderer { MarkdownRenderer(theme: theme, width: min(terminal.width(), 80)) }

  func ackText(_ m: LearnerMessage) -> String {
    guard let outcome = m.outcome else { return Copy.answerSaved }
    var line = FeedbackText(theme: theme).verdict(outcome)
    if let left = m.attemptsLeft, left > 0, outcome != .correct {
      line += " " + LiveCopy.attemptsLeft(left)
    }
    for f in m.feedback ?? [] { line += "\n  " + clean(f) }
    if let e = m.explanation, !e.isEmpty { line += "\n" + renderer().render(e) }
    return line
  }

  /// Choices are labelled as in the REPL (`Copy.letter`), and typed in either case.
  func render(_ item: ItemView) -> String {
    let md = renderer()
    var out = "\n" + styled("\(clean(item.lessonTitle)) — \(item.index + 1) of \(item.count)", .dim) + "\n"
    if item.pageTitle != nil {
      return out + md.render(item.markdown ?? "")
    }
    guard let q = item.question else { return out }
    out += md.render(q.prompt) + "\n"
    for (i, c) in (q.choices ?? []).enumerated() {
      out += theme.plain ? "Choice \(Copy.letter(i)): \(clean(c))\n" : "  \(Copy.letter(i)). \(clean(c))\n"
    }
    for (i, c) in (q.items ?? []).enumerated() { out += "  \(i + 1). \(clean(c))\n" }
    if let left = q.left, let right = q.right {
      for i in 0..<max(left.count, right.count) {
        let l = i < left.count ? "\(Presentation.letter(i)). \(clean(left[i]))" : ""
        let r = i < right.count ? "\(i + 1). \(clean(right[i]))" : ""
        out += "  " + l.padding(toLength: 32, withPad: " ", startingAt: 0) + r + "\n"
      }
    }
    switch item.status {
    case .open:
      out += Copy.instruction(q.kind)
      if let d = item.deadline {
        out += " " + LiveCopy.secondsLeft(max(0, Int((Double(d) / 1000 - Date().timeIntervalSince1970).rounded())))
      }
    case .closed: out += "(closed)"
    case .revealed: out += "(answer revealed)"
    case .reading: out += "(waiting for the instructor to open it)"
    }
    if let yours = item.yourAnswer { out += "\n" + Copy.youAnswered(clean(yours)) }
    return out
  }
}
