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
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try BuiltProducts.workshop())
    process.arguments = Self.lesson + ["--lessons", f.lessons, "--progress", f.progress]
    var env = ProcessInfo.processInfo.environment
    for key in ["WORKSHOP_LEARNER", "WORKSHOP_LESSONS", "WORKSHOP_PROGRESS", "WORKSHOP_NOW", "WORKSHOP_LRS_TOKEN"] {
      env[key] = nil
    }
    env.merge(Self.environment(f, endpoint: lrs.endpoint).merging(["WORKSHOP_CACHE": f.cache]) { a, _ in a }) { _, new in new }
    process.environment = env
    let input = Pipe()
    let output = Pipe()
    let errors = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    final class Collected: @unchecked Sendable { var out = Data(), err = Data() }
    let collected = Collected()
    let readers = DispatchGroup()
    DispatchQueue.global().async(group: readers) { collected.out = output.fileHandleForReading.readDataToEndOfFile() }
    DispatchQueue.global().async(group: readers) { collected.err = errors.fileHandleForReading.readDataToEndOfFile() }
    input.fileHandleForWriting.write(Data(Self.firstAnswer.map { $0 + "\n" }.joined().utf8))

    // …and its answer arrives at the LRS meanwhile, not only when the session ends.
    let deadline = Date().addingTimeInterval(120)
    while Date() < deadline, process.isRunning, lrs.storedStatements().isEmpty { usleep(20_000) }
    #expect(process.isRunning, "the session is still open")
    let whileWorking = Self.storedCounts(lrs)
    #expect(whileWorking.count == 1, "the first answer's statement, sent before the session ended")

    input.fileHandleForWriting.write(Data(Self.rest.map { $0 + "\n" }.joined().utf8))
    try input.fileHandleForWriting.close()
    process.waitUntilExit()
    readers.wait()
    let stdout = String(decoding: collected.out, as: UTF8.self)
    let stderr = String(decoding: collected.err, as: UTF8.self)
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
