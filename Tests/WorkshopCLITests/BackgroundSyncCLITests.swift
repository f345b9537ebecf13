import Foundation
import Testing
import WorkshopTestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// `workshop start … --sync` end to end: the built binary with piped input sends the learner's
/// statements to a real LRS (Ralph) while the session goes on, and an LRS that is down changes
/// nothing for the learner: the statements wait in the outbox for `workshop sync`.
@Suite(.serialized) struct BackgroundSyncCLI {
  static let lesson = ["start", "first-steps", "--learner", "Ana", "--sync"]
  /// Both questions of the fixture's first lesson, answered right, then the lesson's end.
  static let firstAnswer = ["", "b"]
  static let rest = ["", "", "=next", ""]

  static func environment(_ f: SessionFixture, endpoint: String, password: String = RalphLRS.password) -> [String: String] {
    [
      "WORKSHOP_LRS_ENDPOINT": endpoint, "WORKSHOP_LRS_USERNAME": RalphLRS.username, "WORKSHOP_LRS_PASSWORD": password,
      "HOME": f.folder.path,
    ]
  }

  /// The learner's statements as `workshop export --format xapi` writes them: their ids.
  static func exportedIDs(_ f: SessionFixture) throws -> Set<String> {
    let run = try f.run(["export", "--learner", "ana", "--course", "fixture-course", "--format", "xapi"])
    #expect(run.status == 0, "\(run.stderr)")
    let array = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
    return Set(array.compactMap { $0["id"] as? String })
  }

  /// How often the LRS stored each statement id.
  static func storedCounts(_ lrs: RalphLRS) -> [String: Int] {
    var counts: [String: Int] = [:]
    for line in lrs.storedStatements() {
      guard let s = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
        let id = s["id"] as? String
      else { continue }
      counts[id, default: 0] += 1
    }
    return counts
  }

  /// Whether something has been queued for the LRS yet; for polling, so it records no issue.
  static func hasOutbox(_ f: SessionFixture) -> Bool {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: f.progress + "/.lrs")) ?? []
    return names.contains { name in
      name.hasSuffix(".outbox")
        && ((try? String(contentsOfFile: f.progress + "/.lrs/" + name, encoding: .utf8)) ?? "").hasPrefix("Q ")
    }
  }

  static func outboxLines(_ f: SessionFixture) throws -> [Substring] {
    let folder = f.progress + "/.lrs"
    let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder).first { $0.hasSuffix(".outbox") })
    return try String(contentsOfFile: folder + "/" + name, encoding: .utf8).split(separator: "\n")
  }

  @Test(.enabled(if: RalphLRS.shouldRun, Comment(rawValue: RalphLRS.skipMessage)))
  func statementsReachTheLRSWhileTheLearnerIsStillWorking() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let lrs = try RalphLRS(folder: f.folder.file("lrs"))
    defer { lrs.stop() }

    // The session keeps running (its input stays open) after the first answer…
    let session = try RunningSession(f, endpoint: lrs.endpoint)
    let process = session.process
    session.type(Self.firstAnswer)

    // …and its answer arrives at the LRS meanwhile, not only when the session ends.
    let deadline = Date().addingTimeInterval(120)
    while Date() < deadline, process.isRunning, lrs.storedStatements().isEmpty { usleep(20_000) }
    #expect(process.isRunning, "the session is still open")
    let whileWorking = Self.storedCounts(lrs)
    #expect(whileWorking.count == 1, "the first answer's statement, sent before the session ended")

    session.type(Self.rest)
    let (stdout, stderr) = try session.finish()
    #expect(process.terminationStatus == 0, "\(stderr)")
    #expect(stdout.contains("Score: 2 of 2 points (100%)."))
    #expect(!stdout.contains("workshop:"), "nothing about sending mixes into the session's output")

    // By the end, every statement the records make is on the LRS, each exactly once. (On a
    // loaded machine the last round may not finish in the time the session's end allows: then
    // the session says so, and `workshop sync` sends the rest.)
    let export = try Self.exportedIDs(f)
    #expect(export.count >= 3)
    #expect(whileWorking.keys.allSatisfy { export.contains($0) })
    let atExit = Self.storedCounts(lrs)
    if stderr.isEmpty {
      #expect(Set(atExit.keys) == export)
    } else {
      #expect(stderr.contains("wait in the outbox; `workshop sync` sends them"), "\(stderr)")
      #expect(stderr.split(separator: "\n").count == 1, "one calm line: \(stderr)")
    }
    let after = try f.run(
      ["sync", "--learner", "ana", "--course", "fixture-course"], environment: Self.environment(f, endpoint: lrs.endpoint))
    #expect(after.status == 0, "\(after.stderr)")
    #expect(after.stdout.contains(": \(export.count - atExit.count) sent,"), "\(after.stdout)")
    let counts = Self.storedCounts(lrs)
    #expect(Set(counts.keys) == export)
    #expect(counts.values.allSatisfy { $0 == 1 }, "stored more than once: \(counts.filter { $0.value != 1 })")
  }

  @Test(.enabled(if: RalphLRS.shouldRun, Comment(rawValue: RalphLRS.skipMessage)))
  func anLRSThatIsDownChangesNothingForTheLearnerAndSyncSendsLater() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let port = try RalphLRS.freePort()
    let down = "http://127.0.0.1:\(port)/xAPI/"
    let secret = "secret-\(UInt32.random(in: 0...UInt32.max))"

    let run = try f.run(
      Self.lesson, input: Self.firstAnswer + Self.rest, environment: Self.environment(f, endpoint: down, password: secret))
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("Correct."))
    #expect(run.stdout.contains("Score: 2 of 2 points (100%)."))
    #expect(!run.stdout.contains("workshop:"), "the session's own output is unchanged")
    #expect(!(run.stdout + run.stderr).contains(secret))
    let notices = run.stderr.split(separator: "\n")
    #expect(notices.count <= 2, "at most a notice and the closing line: \(run.stderr)")
    #expect(run.stderr.contains("wait in the outbox; `workshop sync` sends them"), "\(run.stderr)")
    let answers = try f.journal().filter { $0.kind == .answerSubmitted }
    #expect(answers.count == 2, "the journal is complete")

    // Everything the records make is queued, nothing acknowledged.
    let export = try Self.exportedIDs(f)
    let lines = try Self.outboxLines(f)
    let queued = Set(lines.filter { $0.hasPrefix("Q ") }.map { String($0.split(separator: " ")[1]) })
    #expect(queued == export)
    #expect(!lines.contains { $0.hasPrefix("A ") })

    // The LRS comes up on that address; `workshop sync` sends each statement exactly once.
    let lrs = try RalphLRS(folder: f.folder.file("lrs"), port: port)
    defer { lrs.stop() }
    let sync = try f.run(
      ["sync", "--learner", "ana", "--course", "fixture-course"], environment: Self.environment(f, endpoint: down))
    #expect(sync.status == 0, "\(sync.stderr)")
    #expect(sync.stdout.contains(": \(export.count) sent, 0 already present, 0 refused, 0 left for later"), "\(sync.stdout)")
    let counts = Self.storedCounts(lrs)
    #expect(Set(counts.keys) == export)
    #expect(counts.values.allSatisfy { $0 == 1 })
    let second = try f.run(
      ["sync", "--learner", "ana", "--course", "fixture-course"], environment: Self.environment(f, endpoint: down))
    #expect(second.stdout.contains(": 0 sent,"), "\(second.stdout)")
    #expect(lrs.storedStatements().count == export.count)
  }

  /// A `--sync` session with nothing listening at the endpoint, after its first answer: the
  /// sending runs in workshop-live, a child of the session, never in the session itself, and once
  /// that answer's statements are queued (the LRS being down, they stay queued) the session is
  /// surely under way. Returns the session and its companion's pid.
  static func sessionWithCompanion(_ f: SessionFixture) throws -> (RunningSession, pid_t) {
    let down = "http://127.0.0.1:\(try RalphLRS.freePort())/xAPI/"
    let session = try RunningSession(f, endpoint: down)
    session.type(firstAnswer)
    var companion: pid_t?
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline, companion == nil || !hasOutbox(f) {
      companion = children(of: session.process.processIdentifier).first { $0.name == "workshop-live" }?.pid
      usleep(20_000)
    }
    return (session, try #require(companion, "a workshop-live child is running"))
  }

  @Test("killing the session ends its companion too, and its answers stay queued for `workshop sync`")
  func aKilledSessionLeavesNoCompanionBehind() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let (session, child) = try Self.sessionWithCompanion(f)
    #expect(session.process.isRunning, "the session is still open")

    kill(session.process.processIdentifier, SIGKILL)
    _ = try? session.finish()
    let gone = Date().addingTimeInterval(60)
    while Date() < gone, Self.isRunning(child) { usleep(20_000) }
    #expect(!Self.isRunning(child), "the companion exits once its session is gone")

    // Everything the session had saved is in the outbox for `workshop sync`.
    let export = try Self.exportedIDs(f)
    #expect(!export.isEmpty)
    let queued = Set(try Self.outboxLines(f).filter { $0.hasPrefix("Q ") }.map { String($0.split(separator: " ")[1]) })
    #expect(queued == export)
  }

  @Test("a companion that stops during the session is reaped at once, and the learner is told")
  func aStoppedCompanionIsReaped() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let (session, child) = try Self.sessionWithCompanion(f)

    kill(child, SIGKILL)
    // Reaped: not even a zombie entry is left while the session goes on.
    let gone = Date().addingTimeInterval(30)
    while Date() < gone, Self.status(child) != nil { usleep(20_000) }
    #expect(Self.status(child) == nil, "the session reaps its companion")
    #expect(session.process.isRunning, "the session is still open")

    // Piped, as here, notices go to standard error; in a terminal, above the prompt.
    let (_, err) = try session.finish()
    #expect(err.contains("sending to the LRS has stopped"), "\(err)")
  }

  /// A `workshop start … --sync` run whose input stays open until the test closes it.
  final class RunningSession: @unchecked Sendable {
    let process = Process()
    let input = Pipe()
    private let output = Pipe()
    private let errors = Pipe()
    private var out = Data()
    private var err = Data()
    private let readers = DispatchGroup()

    init(_ f: SessionFixture, endpoint: String) throws {
      process.executableURL = URL(fileURLWithPath: try BuiltProducts.workshop())
      process.arguments = BackgroundSyncCLI.lesson + ["--lessons", f.lessons, "--progress", f.progress]
      var env = ProcessInfo.processInfo.environment
      for key in ["WORKSHOP_LEARNER", "WORKSHOP_LESSONS", "WORKSHOP_PROGRESS", "WORKSHOP_NOW", "WORKSHOP_LRS_TOKEN"] {
        env[key] = nil
      }
      env.merge(BackgroundSyncCLI.environment(f, endpoint: endpoint).merging(["WORKSHOP_CACHE": f.cache]) { a, _ in a }) {
        _, new in new
      }
      process.environment = env
      process.standardInput = input
      process.standardOutput = output
      process.standardError = errors
      try process.run()
      DispatchQueue.global().async(group: readers) { self.out = self.output.fileHandleForReading.readDataToEndOfFile() }
      DispatchQueue.global().async(group: readers) { self.err = self.errors.fileHandleForReading.readDataToEndOfFile() }
    }

    func type(_ lines: [String]) {
      input.fileHandleForWriting.write(Data(lines.map { $0 + "\n" }.joined().utf8))
    }

    /// Closes the input and waits for the session to end: its standard output and error.
    func finish() throws -> (String, String) {
      try input.fileHandleForWriting.close()
      process.waitUntilExit()
      readers.wait()
      return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
  }

  /// The processes whose parent is `parent`, from /proc.
  static func children(of parent: pid_t) -> [(pid: pid_t, name: String)] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { entry in
      guard let pid = pid_t(entry), let stat = status(pid), stat.parent == parent else { return nil }
      return (pid, stat.name)
    }
  }

  /// Name, state and parent of a process from /proc/PID/stat; nil once it has gone.
  static func status(_ pid: pid_t) -> (name: String, state: Character, parent: pid_t)? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")")
    else { return nil }
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 2, let state = fields[0].first, let parent = pid_t(fields[1]) else { return nil }
    return (String(text[text.index(after: open)..<close]), state, parent)
  }

  /// Running or asleep; a zombie waiting for a parent to reap it has ended.
  static func isRunning(_ pid: pid_t) -> Bool {
    guard let state = status(pid)?.state else { return false }
    return state != "Z" && state != "X"
  }

  @Test func syncWithoutSettingsStopsBeforeTheSessionStarts() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let run = try f.run(Self.lesson, input: Self.firstAnswer, environment: ["HOME": f.folder.path])
    #expect(run.status == 64)
    #expect(run.stderr.contains("--sync: no LRS endpoint"), "\(run.stderr)")
    #expect(!run.stdout.contains("First Steps"), "no lesson was shown")
    #expect(!FileManager.default.fileExists(atPath: f.progress + "/ana/journal.jsonl"))
  }
}
