import Foundation
import WorkshopEngine
import WorkshopServer
import WorkshopTerminal

/// The instructor's commands at the `serve> ` prompt, and what they print.
struct ServeConsole {
  let host: LiveHost

  static let words = [
    "open", "lessons", "next", "prev", "go", "question", "close", "reveal", "chart", "show", "leaderboard",
    "lock", "unlock", "remove", "pace", "instructor", "student", "who", "status", "end", "quit", "help",
  ]

  /// What TAB completes to: the commands, and the course's lesson ids (for `open`).
  static func completionWords(lessonIDs: [String]) -> [String] { words + lessonIDs }

  static let help = """
    Commands:
      lessons            the course's lessons, numbered
      open LESSON        open a lesson, by id or number (TAB completes ids)
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
      end                end the session (asks first; `end yes` does not)
      quit               stop the server (an unfinished session can be resumed)
    """

  /// Handles commands until `quit` (true) or the end of `lines` (false).
  func run(lines: AsyncStream<String>) async -> Bool {
    var confirmingEnd = false
    for await raw in lines {
      let words = raw.split(separator: " ").map(String.init)
      guard let verb = words.first?.lowercased() else { continue }
      let arg = words.dropFirst().first
      if confirmingEnd {
        confirmingEnd = false
        if verb == "yes" || verb == "y" {
          await end()
          continue
        }
        say("The session goes on.")
        if verb == "no" || verb == "n" { continue }
      }
      if verb == "quit" || verb == "exit" { return true }
      if verb == "end" && arg?.lowercased() != "yes" {
        if await host.room.ended {
          say("! the session has ended")
        } else {
          await askToEnd()
          confirmingEnd = true
        }
        continue
      }
      await perform(verb, arg)
    }
    return false
  }

  func say(_ text: String) { ServeSession.say(text) }

  /// What ending does, before it is done: it cannot be undone.
  func askToEnd() async {
    let dir = await host.directory
    let view = await host.view()
    let connected = view.connectedCount
    let learners =
      connected == 1
      ? "the 1 learner connected receives their record and is disconnected"
      : "the \(connected) learners connected receive their records and are disconnected"
    say(
      "End the session? The roster (roster.csv, roster.html) and each learner's signed record are written to "
        + "\(dir); answers are no longer taken; \(learners). Type `yes` to end it, anything else to go on.")
  }

  func end() async {
    for r in await host.command(InstructorCommand(.end)) { say("! " + r) }
    let dir = await host.directory
    say("Roster: \(dir)/roster.csv and roster.html; signed records: \(dir)/records/")
    say("Learners who reconnect still receive their record. Type `quit` to stop the server.")
  }

  func perform(_ verb: String, _ arg: String?) async {
    /// Whether the command was carried out; a refusal is printed.
    @discardableResult
    func send(_ c: InstructorCommand) async -> Bool {
      let refusals = await host.command(c)
      for r in refusals { say("! " + r) }
      return refusals.isEmpty
    }
    switch verb {
    case "help", "?": say(Self.help)
    case "open": await send(InstructorCommand(.openLesson, lesson: arg))
    case "lessons":
      for (i, l) in await host.room.course.lessons.enumerated() { say("  \(i + 1). \(l.id) — \(clean(l.title))") }
    case "next", "n": await send(InstructorCommand(.next)); await status()
    case "prev", "previous", "p": await send(InstructorCommand(.previous)); await status()
    case "go": await send(InstructorCommand(.go, index: arg.flatMap(Int.init).map { $0 - 1 })); await status()
    case "question", "open-question": await send(InstructorCommand(.openQuestion, seconds: arg.flatMap(Int.init)))
    case "close": await send(InstructorCommand(.closeQuestion))
    case "reveal": if await send(InstructorCommand(.reveal)) { await chart() }
    case "chart": await chart()
    case "show": if await send(InstructorCommand(.showDistribution)) { await chart() }
    case "leaderboard": await send(InstructorCommand(.showLeaderboard))
    case "lock": await send(InstructorCommand(.lock))
    case "unlock": await send(InstructorCommand(.unlock))
    case "remove": await send(InstructorCommand(.remove, participant: arg))
    case "pace": await send(InstructorCommand(.pace, pacing: arg.flatMap(Pacing.init(rawValue:))))
    case "who": await who()
    case "status": await status()
    case "end": await end()
    default: say("unknown command `\(clean(verb))`; type `help`")
    }
  }

  func clean(_ text: String) -> String { Sanitizer.clean(text, keepNewlines: false) }

  func status() async {
    let v = await host.view()
    guard let item = v.item else {
      say("No lesson open. Lessons: " + v.lessons.enumerated().map { "\($0 + 1). \($1.id)" }.joined(separator: ", "))
      return
    }
    var line = "[\(v.index + 1)/\(v.count)] \(item.kind == "page" ? "Page: " + clean(item.title) : "Question \(clean(item.title))")"
    if let s = item.status { line += " (\(s))" }
    say(line)
    if let prompt = item.prompt {
      say("  " + Sanitizer.clean(prompt, keepNewlines: true).replacingOccurrences(of: "\n", with: "\n  "))
    }
  }

  func chart() async {
    let v = await host.view()
    guard v.item?.kind == "question" else { return say("(the room is not on a question)") }
    let width = TerminalInfo().width()
    say("\(v.answeredCount) of \(v.people.filter { !$0.removed }.count) answered")
    for l in TextChart.render(v.buckets, width: width) { say("  " + clean(l)) }
  }

  func who() async {
    let v = await host.view()
    if v.people.isEmpty { return say("Nobody has joined yet. Join code: \(v.code)") }
    // Columns padded by display width, so names in any script line up.
    let rows = v.people.map { p -> [String] in
      let state = p.removed ? "removed" : (p.connected ? "connected" : "away")
      let shown = v.anonymous ? "\(p.name) (\(p.alias))" : p.name
      let answer = p.answered ? "answered" + (p.answer.map { " " + clean($0) } ?? "") : ""
      return [clean(p.id), clean(shown), state, "\(Copy.number(p.earned)) of \(Copy.number(p.possible)) points", answer]
    }
    let widths = (0..<4).map { column in rows.map { DisplayWidth.of($0[column]) }.max() ?? 0 }
    for row in rows {
      let padded = (0..<4).map { row[$0] + String(repeating: " ", count: widths[$0] - DisplayWidth.of(row[$0])) }
      let line = "  " + (padded + [row[4]]).joined(separator: "  ")
      say(String(line.reversed().drop { $0 == " " }.reversed()))
    }
  }
}

/// What `serve` prints once the server listens: how learners join and where the instructor's
/// page is.
enum Banner {
  static func text(host: LiveHost, address: String, port: Int, folder: String, resumed: Bool, console: Bool) async -> String {
    let code = await host.joinCode
    let token = await host.instructorToken
    let title = await host.room.course.title
    let shown = address == "0.0.0.0" || address == "::" ? (LocalAddress.best() ?? "THIS-MACHINE") : address
    let hostPart = shown.contains(":") ? "[\(shown)]" : shown
    return """
      \(resumed ? "Resumed" : "Started") live session: \(Sanitizer.clean(title, keepNewlines: false))
        Join code:    \(code)
        Learners:     workshop join \(hostPart):\(port) --code \(code) --name "Your Name"
        Instructor:   http://\(hostPart):\(port)/host?token=\(token)
        Session:      \(folder)
      """ + (console ? "\nType `help` for commands." : "\nStop with Ctrl-C.")
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
      guard let addr = p.pointee.ifa_addr, Int32(addr.pointee.sa_family) == AF_INET else { continue }
      var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
      guard getnameinfo(addr, socklen_t(MemoryLayout<sockaddr_in>.size), &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0
      else { continue }
      let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      if !text.hasPrefix("127.") { return text }
    }
    return nil
  }
}
