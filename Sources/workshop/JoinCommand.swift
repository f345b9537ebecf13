import ArgumentParser
import Foundation
import WorkshopEngine
import WorkshopServer

/// `workshop join HOST:PORT --code CODE --name NAME`: take part in an instructor's live session.
struct JoinCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "join",
    abstract: "Join an instructor's live session on this network.",
    discussion: """
      The instructor sets the pace: questions open, close and are revealed from the front of \
      the room. Type your answer at the prompt (a letter, several letters, true/false, a word \
      or a number, as the question asks); `hint`, `skip`, `next`, `back` and `quit` also work. \
      If the connection drops, workshop reconnects by itself and nothing is lost; running the \
      same command again also picks up where you were. At the end your signed record is saved \
      in your progress folder.
      """
  )

  @OptionGroup var location: LocationOptions

  @Argument(help: ArgumentHelp("The address the instructor gave, e.g. 192.168.1.20:8080.", valueName: "host:port"))
  var address: String

  @Option(name: .long, help: ArgumentHelp("The join code.", valueName: "code"))
  var code: String

  @Option(name: .long, help: ArgumentHelp("Your name, as the instructor will see it.", valueName: "name"))
  var name: String

  func validate() throws {
    guard address.contains(":"), !address.contains("/") else {
      throw ValidationError("give the address as HOST:PORT, e.g. 127.0.0.1:8080")
    }
    if case .failure(let problem) = NameRules.validate(name, maxLength: 40) { throw ValidationError(problem.message) }
  }

  func run() throws {
    try runBlocking { try await join() }
  }

  func join() async throws {
    let slug = NameRules.slug(name) ?? "learner"
    let folder = (location.progressRoot as NSString).appendingPathComponent(slug)
    let saved = SavedSeat.load(folder: folder)
    let url = "ws://\(address)/ws/learn"
    let token = (saved?.address == address && saved?.code == code) ? saved?.token : nil
    let screen = LearnerScreen()
    let learner = LiveLearner(url: url, code: code, name: name, token: token) { event in
      screen.show(event, folder: folder, address: address, code: code)
    }
    if token != nil { screen.say("Rejoining the session at \(address)…") } else { screen.say("Joining \(address)…") }
    let session = Task { await learner.run() }
    let input = Task {
      for await line in StandardInput.lines() {
        let text = line.trimmingCharacters(in: .whitespaces)
        switch text.lowercased() {
        case "": continue
        case "quit", "exit":
          screen.say("Left the session. Run the same command to come back.")
          await learner.stop()
          return
        case "hint": await learner.send(.hint)
        case "skip": await learner.send(.skip)
        case "next": await learner.send(.next)
        case "back", "previous": await learner.send(.previous)
        default:
          if await !learner.answer(text) { screen.say("There is no question to answer right now.") }
        }
      }
    }
    await session.value
    input.cancel()
  }
}

/// The token of the seat this learner holds in a session, so a new `workshop join` resumes it.
struct SavedSeat: Codable {
  var address: String
  var code: String
  var token: String
  var session: String?

  static func path(_ folder: String) -> String { (folder as NSString).appendingPathComponent("live-session.json") }

  static func load(folder: String) -> SavedSeat? {
    guard let data = FileManager.default.contents(atPath: path(folder)) else { return nil }
    return try? JSONDecoder().decode(SavedSeat.self, from: data)
  }

  func save(folder: String) {
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    guard let data = try? JSONEncoder().encode(self) else { return }
    _ = FileManager.default.createFile(atPath: Self.path(folder), contents: data, attributes: [.posixPermissions: 0o600])
  }
}

/// Lines typed by the learner, read on a thread of their own so messages can arrive meanwhile.
enum StandardInput {
  static func lines() -> AsyncStream<String> {
    AsyncStream { continuation in
      let thread = Thread {
        while let line = readLine() { continuation.yield(line) }
        continuation.finish()
      }
      thread.start()
    }
  }
}

/// What the learner sees: items, acknowledgements, reveals, the end.
final class LearnerScreen: @unchecked Sendable {
  let lock = NSLock()

  func say(_ text: String) {
    lock.withLock { FileHandle.standardOutput.write(Data((text + "\n").utf8)) }
  }

  func show(_ event: LiveLearner.Event, folder: String, address: String, code: String) {
    switch event {
    case .reconnecting: say("(connection lost — reconnecting…)")
    case .finished(let why): say("— \(why)")
    case .message(let m): show(m, folder: folder, address: address, code: code)
    }
  }

  func show(_ m: LearnerMessage, folder: String, address: String, code: String) {
    switch m.type {
    case .welcome:
      if let token = m.token {
        SavedSeat(address: address, code: code, token: token, session: m.session).save(folder: folder)
      }
      say("Welcome, \(m.name ?? "learner") — \(m.courseTitle ?? "live session"). The \(m.pacing == .student ? "pace is yours" : "instructor sets the pace").")
    case .item:
      guard let item = m.item else { return }
      say(render(item))
    case .ack:
      var line = "✓ Answer received"
      if let outcome = m.outcome { line = outcome == .correct ? "✓ Right" : (outcome == .partial ? "◐ Partly right" : "✗ Not right") }
      if let left = m.attemptsLeft, left > 0, m.outcome != .correct { line += " — \(left) more attempt\(left == 1 ? "" : "s")" }
      say(line)
      for f in m.feedback ?? [] { say("  " + f) }
      if let e = m.explanation { say("  " + e) }
    case .rejected: say("! \(m.text ?? "not accepted")")
    case .closed: say("The question is closed.")
    case .reveal:
      say("Answer: \(m.text ?? "")" + (m.outcome.map { $0 == .correct ? "  (you were right)" : "  (yours: \($0.rawValue))" } ?? ""))
      if let e = m.explanation, !e.isEmpty { say("  " + e) }
    case .distribution:
      say("How the room answered:")
      for line in TextChart.render(m.buckets ?? [], width: 72, markRight: true) { say("  " + line) }
    case .hint: say("Hint \(m.attempt ?? 1): \(m.text ?? "")")
    case .leaderboard: for l in m.lines ?? [] { say("  " + l) }
    case .removed: say("The instructor removed you from the session.")
    case .ended:
      var line = "The session has ended."
      if let s = m.score { line += " Your score: \(Int((s * 100).rounded()))%" + (m.passed == true ? " — passed." : ".") }
      say(line)
      if let record = m.record {
        let dir = (folder as NSString).appendingPathComponent("records")
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = (dir as NSString).appendingPathComponent("live-\(m.participant ?? "record")-\(SavedSeat.load(folder: folder)?.session ?? "session").json")
        _ = FileManager.default.createFile(atPath: path, contents: Data(record.utf8), attributes: [.posixPermissions: 0o600])
        say("Your signed record: \(path)")
      }
      try? FileManager.default.removeItem(atPath: SavedSeat.path(folder))
    case .error: say("! \(m.text ?? "error")")
    case .pong: break
    }
  }

  func render(_ item: ItemView) -> String {
    var out = "\n[\(item.lessonTitle) · \(item.index + 1)/\(item.count)]"
    if let title = item.pageTitle {
      out += " \(title)\n\n" + Self.plain(item.markdown ?? "")
      return out
    }
    guard let q = item.question else { return out }
    out += "\n\n" + q.prompt.trimmingCharacters(in: .whitespacesAndNewlines) + "\n"
    for (i, c) in (q.choices ?? []).enumerated() { out += "  \(Self.letter(i))) \(c)\n" }
    for (i, c) in (q.items ?? []).enumerated() { out += "  \(i + 1). \(c)\n" }
    if let left = q.left, let right = q.right {
      for i in 0..<max(left.count, right.count) {
        let l = i < left.count ? "\(Self.letter(i))) \(left[i])" : ""
        let r = i < right.count ? "\(i + 1). \(right[i])" : ""
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
    if let yours = item.yourAnswer { out += "\nYour answer: \(yours)" }
    return out
  }

  static func letter(_ i: Int) -> String { i < 26 ? String(UnicodeScalar(UInt8(97 + i))) : "#\(i + 1)" }

  /// Markdown shown as plain text until the terminal renderer is used here.
  static func plain(_ markdown: String) -> String {
    markdown.split(separator: "\n", omittingEmptySubsequences: false)
      .map { $0.hasPrefix("## ") ? String($0.dropFirst(3)).uppercased() : String($0) }
      .joined(separator: "\n")
  }
}

/// Runs async work from a synchronous command, keeping the main thread free of it.
func runBlocking(_ body: @escaping @Sendable () async throws -> Void) throws {
  final class Box: @unchecked Sendable { var error: (any Error)? }
  let box = Box()
  let done = DispatchSemaphore(value: 0)
  Task.detached {
    do { try await body() } catch { box.error = error }
    done.signal()
  }
  done.wait()
  if let error = box.error { throw error }
}
