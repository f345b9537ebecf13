import CReadline
import ArgumentParser
import Foundation
import WorkshopEngine
import WorkshopRecords
import WorkshopServer
import WorkshopTerminal

/// `workshop serve`: run a live session for a room, from this terminal and a browser page.
struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Run a live, instructor-led session of a course for learners on this network.",
    discussion: """
      Prints a join code, the address learners give to `workshop join`, and the address of the \
      instructor's page (it carries a secret token: keep it to yourself). Binds to 127.0.0.1 \
      unless --host says otherwise (e.g. --host 0.0.0.0 for the room's network).

      Every accepted answer is saved before it is acknowledged. Running the same command again \
      after a crash resumes the unfinished session of the course with everything intact.
      """
  )

  @OptionGroup var location: LocationOptions

  @Option(name: .long, help: ArgumentHelp("The course to run.", valueName: "id"))
  var course: String

  @Option(name: .long, help: ArgumentHelp("Address to listen on.", valueName: "address"))
  var host = "127.0.0.1"

  @Option(name: .long, help: ArgumentHelp("Port to listen on (0: any free port).", valueName: "n"))
  var port = 8080

  @Option(name: .long, help: ArgumentHelp("Instructor policy file (YAML) that overrides the course policy.", valueName: "file"))
  var policy: String?

  @Option(name: .long, help: ArgumentHelp("Private key that signs the records (default: $WORKSHOP_KEY, else ~/.workshop/instructor.key).", valueName: "file"))
  var key: String?

  @Option(name: .long, help: ArgumentHelp("Folder of session logs, rosters and records (default: ./sessions).", valueName: "dir"))
  var sessions = "sessions"

  @Flag(name: .long, help: "Start a new session even if an unfinished one of this course exists.")
  var new = false

  @Option(name: .long, help: ArgumentHelp("Most learners in the room.", valueName: "n"))
  var maxLearners = 1_000

  @Flag(name: .long, help: "Read no commands from the terminal (for scripts; stop with Ctrl-C or SIGTERM).")
  var noConsole = false

  func run() throws {
    guard !noConsole, TerminalInfo().stdinIsTTY else {
      try runBlocking { try await serve() }
      return
    }
    // On a terminal the console uses readline, which runs on the main queue: the server runs
    // beside it and the process ends when the server stops.
    ServeTerminal.enable()
    let command = self
    Task.detached {
      var status: Int32 = 0
      do { try await command.serve() } catch {
        ServeConsole.line("workshop: \(error)")
        status = 1
      }
      DispatchQueue.main.async {
        MainActor.assumeIsolated { ServeTerminal.stop() }
        Foundation.exit(status)
      }
    }
    dispatchMain()
  }

  func serve() async throws {
    let (library, diagnostics) = LessonLoader.load(root: location.lessonsRoot)
    guard let course = library.course(id: course) else {
      for d in diagnostics where d.severity == .error { FileHandle.standardError.write(Data((d.description + "\n").utf8)) }
      let known = library.courses.map(\.id).joined(separator: ", ")
      throw ValidationError("no course `\(self.course)` in \(location.lessonsRoot)" + (known.isEmpty ? "" : " (courses: \(known))"))
    }
    var settings = SessionSettings()
    if let policy {
      guard let text = try? String(contentsOfFile: policy, encoding: .utf8) else {
        throw ValidationError("cannot read the policy file \(policy)")
      }
      do { settings = try SessionSettings.parse(yaml: text) } catch {
        throw ValidationError("\(policy): \(error)")
      }
    }
    let keyPath = key ?? KeysCommand.defaultPath
    let signingKey: InstructorKey
    do { signingKey = try InstructorKey.load(privateKeyPath: keyPath) } catch {
      throw ValidationError("\(error)\nRecords are signed with the instructor's key: run `workshop keys generate` first.")
    }
    var limits = SessionLimits()
    limits.maxParticipants = maxLearners
    limits.maxConnections = maxLearners + 50

    let directory = new ? nil : SessionDirectory.unfinished(in: sessions, course: course.id)
    let dir = directory ?? SessionDirectory.fresh(in: sessions, course: course.id)
    let options = LiveHost.Options(
      course: course, settings: settings, limits: limits, directory: dir, key: signingKey, checker: EngineChecking())
    let (sessionHost, resumed, warnings) = try await LiveHost.open(options)
    for w in warnings { print("warning: \(w)") }
    await sessionHost.startTimer()

    let address = host
    let server = LiveServer.start(
      host: sessionHost, address: address, port: port, limits: limits,
      onServerRunning: { port in
        await Banner.print(
          host: sessionHost, address: address, port: port, directory: dir, resumed: resumed,
          console: !noConsole)
      })
    let announcements = await sessionHost.announcements()
    let printer = Task {
      for await line in announcements { ServeConsole.line("· " + line) }
    }
    if noConsole {
      try? await server.finished()
    } else {
      await ServeConsole(host: sessionHost).run(until: server)
      try? await server.stop()
    }
    printer.cancel()
    await sessionHost.stop()
  }
}

/// Where sessions live: one folder per session under `--sessions`.
enum SessionDirectory {
  static func fresh(in root: String, course: String) -> String {
    let stamp = JournalEvent.timestamp().prefix(19).replacingOccurrences(of: ":", with: "")
      .replacingOccurrences(of: "-", with: "")
    return (root as NSString).appendingPathComponent("\(course)-\(stamp)".lowercased())
  }

  /// The newest session of `course` whose log has no `ended` line.
  static func unfinished(in root: String, course: String) -> String? {
    let fm = FileManager.default
    let names = ((try? fm.contentsOfDirectory(atPath: root)) ?? []).filter { $0.hasPrefix(course + "-") }.sorted()
    for name in names.reversed() {
      let dir = (root as NSString).appendingPathComponent(name)
      guard let text = try? String(contentsOfFile: dir + "/session.jsonl", encoding: .utf8), !text.isEmpty else { continue }
      if text.contains(#""kind":"ended""#) { continue }
      return dir
    }
    return nil
  }
}

enum Banner {
  static func print(
    host: LiveHost, address: String, port: Int, directory: String, resumed: Bool, console: Bool
  ) async {
    let code = await host.joinCode
    let token = await host.instructorToken
    let title = await host.room.course.title
    let shown = address == "0.0.0.0" || address == "::" ? (LocalAddress.best() ?? "THIS-MACHINE") : address
    let hostPart = shown.contains(":") ? "[\(shown)]" : shown
    ServeConsole.line(
      """
      \(resumed ? "Resumed" : "Started") live session: \(title)
        Join code:    \(code)
        Learners:     workshop join \(hostPart):\(port) --code \(code) --name "Your Name"
        Instructor:   http://\(hostPart):\(port)/host?token=\(token)
        Session:      \(directory)
      """ + (console ? "\nType `help` for commands." : "\nStop with Ctrl-C."))
  }
}

/// A non-loopback IPv4 address of this machine, to tell learners when listening on all addresses.
enum LocalAddress {
  static func best() -> String? {
    var list: UnsafeMutablePointer<ifaddrs>?
    guard getifaddrs(&list) == 0, let first = list else { return nil }
    defer { freeifaddrs(list) }
    var cursor: UnsafeMutablePointer<ifaddrs>? = first
    while let p = cursor {
      defer { cursor = p.pointee.ifa_next }
      guard let addr = p.pointee.ifa_addr, addr.pointee.sa_family == UInt8(AF_INET) || Int32(addr.pointee.sa_family) == AF_INET
      else { continue }
      var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
      guard getnameinfo(addr, socklen_t(MemoryLayout<sockaddr_in>.size), &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0
      else { continue }
      let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      if !text.hasPrefix("127.") { return text }
    }
    return nil
  }
}

/// The serve terminal: reads instructor commands line by line and prints what happens.
struct ServeConsole {
  let host: LiveHost
  static let lock = NSLock()

  static func line(_ text: String) {
    if ServeTerminal.enabled {
      // Above the instructor's half-typed command, in the order the lines were written.
      DispatchQueue.main.async { MainActor.assumeIsolated { ServeTerminal.print(text) } }
      return
    }
    lock.withLock {
      FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
  }

  static let words = [
    "open", "lessons", "next", "prev", "go", "question", "close", "reveal", "chart", "show", "leaderboard",
    "lock", "unlock", "remove", "pace", "instructor", "student", "who", "status", "end", "quit", "help",
  ]

  static let help = """
    Commands:
      open LESSON        open a lesson (lessons: `lessons`)
      next | prev | go N move the room to the next/previous/Nth item
      question [SECONDS] open (or reopen) the current question, with a timer
      close              close the current question
      reveal             show the right answer and the explanation to the room
      chart              the answers so far, as a bar chart (here only)
      show               show the chart to the room (counts only, no names)
      leaderboard        show the top five to the room (if the policy turns it on)
      lock | unlock      stop or allow new joins
      remove ID          remove a participant (ids: `who`)
      pace instructor|student
      who                participants, connected or not, and their scores
      status             where the room is
      end                end the session and write the roster and signed records
      quit               stop the server (an unfinished session can be resumed)
    """

  func run(until server: LiveServer.Running) async {
    let lines = AsyncStream<String> { continuation in
      if ServeTerminal.enabled {
        DispatchQueue.main.async { MainActor.assumeIsolated { ServeTerminal.start(continuation) } }
        return
      }
      let thread = Thread {
        while let line = readLine() { continuation.yield(line) }
        continuation.finish()
      }
      thread.start()
    }
    for await raw in lines {
      let words = raw.split(separator: " ").map(String.init)
      guard let verb = words.first?.lowercased() else { continue }
      let arg = words.dropFirst().first
      if verb == "quit" || verb == "exit" { return }
      await perform(verb, arg)
    }
    // No more input (stdin closed): keep serving until stopped.
    try? await server.finished()
  }

  func perform(_ verb: String, _ arg: String?) async {
    func send(_ c: InstructorCommand) async {
      for r in await host.command(c) { ServeConsole.line("! " + r) }
    }
    switch verb {
    case "help", "?": ServeConsole.line(Self.help)
    case "open": await send(InstructorCommand(.openLesson, lesson: arg))
    case "lessons":
      for l in await host.room.course.lessons { ServeConsole.line("  \(l.id) — \(l.title)") }
    case "next", "n": await send(InstructorCommand(.next)); await status()
    case "prev", "previous", "p": await send(InstructorCommand(.previous)); await status()
    case "go": await send(InstructorCommand(.go, index: arg.flatMap(Int.init).map { $0 - 1 })); await status()
    case "question", "open-question": await send(InstructorCommand(.openQuestion, seconds: arg.flatMap(Int.init)))
    case "close": await send(InstructorCommand(.closeQuestion))
    case "reveal": await send(InstructorCommand(.reveal)); await chart()
    case "chart": await chart()
    case "show": await send(InstructorCommand(.showDistribution)); await chart()
    case "leaderboard": await send(InstructorCommand(.showLeaderboard))
    case "lock": await send(InstructorCommand(.lock))
    case "unlock": await send(InstructorCommand(.unlock))
    case "remove": await send(InstructorCommand(.remove, participant: arg))
    case "pace": await send(InstructorCommand(.pace, pacing: arg.flatMap(Pacing.init(rawValue:))))
    case "who": await who()
    case "status": await status()
    case "end":
      await send(InstructorCommand(.end))
      let dir = await host.directory
      ServeConsole.line("Roster: \(dir)/roster.csv and roster.html; signed records: \(dir)/records/")
      ServeConsole.line("Learners who reconnect still receive their record. Type `quit` to stop the server.")
    default: ServeConsole.line("unknown command `\(verb)`; type `help`")
    }
  }

  func status() async {
    let v = await host.view()
    guard let item = v.item else {
      ServeConsole.line("No lesson open. Lessons: " + v.lessons.map(\.id).joined(separator: ", "))
      return
    }
    var line = "[\(v.index + 1)/\(v.count)] \(item.kind == "page" ? "Page: " + item.title : "Question \(item.title)")"
    if let s = item.status { line += " (\(s))" }
    ServeConsole.line(line)
    if let prompt = item.prompt { ServeConsole.line("  " + prompt.replacingOccurrences(of: "\n", with: "\n  ")) }
  }

  func chart() async {
    let v = await host.view()
    guard v.item?.kind == "question" else { return ServeConsole.line("(the room is not on a question)") }
    let width = Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 80
    ServeConsole.line("\(v.answeredCount) of \(v.people.filter { !$0.removed }.count) answered")
    for l in TextChart.render(v.buckets, width: width) { ServeConsole.line("  " + l) }
  }

  func who() async {
    let v = await host.view()
    if v.people.isEmpty { return ServeConsole.line("Nobody has joined yet. Join code: \(v.code)") }
    for p in v.people {
      let state = p.removed ? "removed" : (p.connected ? "connected" : "away")
      let shown = v.anonymous ? "\(p.name) (\(p.alias))" : p.name
      ServeConsole.line("  \(p.id)  \(shown)  \(state)  \(formatPoints(p.earned))/\(formatPoints(p.possible))\(p.answered ? "  answered" : "")")
    }
  }

  func formatPoints(_ d: Double) -> String { d == d.rounded() ? String(Int(d)) : String(format: "%.1f", d) }
}


/// The serve console on a terminal: readline (history, TAB completion of commands) with the
/// room's news printed above the line being typed.
@MainActor
enum ServeTerminal {
  nonisolated(unsafe) static var enabled = false
  static var editor: ReadlineEditor?
  static var interrupt: (any DispatchSourceSignal)?

  /// Called once, before any task starts, so `enabled` is never written concurrently.
  nonisolated static func enable() { enabled = true }

  static func start(_ lines: AsyncStream<String>.Continuation) {
    let editor = ReadlineEditor(
      prompt: "serve> ", completer: { _ in ServeConsole.words },
      onLine: { line in
        if let line { lines.yield(line) } else { lines.finish() }
      })
    self.editor = editor
    editor.start(output: workshop_stdout())
    // Ctrl-C stops the server as before, leaving the terminal as readline found it.
    signal(SIGINT, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .main)
    source.setEventHandler {
      MainActor.assumeIsolated { stop() }
      exit(130)
    }
    source.resume()
    interrupt = source
  }

  static func print(_ text: String) {
    if let editor { editor.printAbove(text + "\n") } else { Console.write(text + "\n") }
  }

  static func stop() {
    editor?.stop()
    editor = nil
  }
}
