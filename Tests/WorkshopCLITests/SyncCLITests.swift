import Foundation
import Testing
import WorkshopTestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// `workshop sync` end to end: the built binary sending a learner's statements to a real LRS
/// (Ralph), reading them back, and surviving a dead LRS, a killed LRS and a killed sync.
@Suite(.serialized) struct SyncCLI {
  static func sync(
    _ arguments: [String], in dir: String, endpoint: String, password: String = RalphLRS.password
  ) throws -> ProcessResult {
    try ProcessRunner.run(
      RecordsCLI.binary, ["sync"] + arguments,
      environment: [
        "WORKSHOP_LESSONS": dir + "/lessons", "WORKSHOP_PROGRESS": dir + "/progress",
        "WORKSHOP_LRS_ENDPOINT": endpoint, "WORKSHOP_LRS_USERNAME": RalphLRS.username,
        "WORKSHOP_LRS_PASSWORD": password, "HOME": dir,
      ], currentDirectory: dir)
  }

  /// The learner's statements as `workshop export --format xapi` writes them, by id.
  static func exported(_ dir: String, course: String) throws -> [String: NSDictionary] {
    let run = try RecordsCLI.run(["export", "--learner", "ana-maria", "--course", course, "--format", "xapi"], in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    let array = try #require(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
    return Dictionary(uniqueKeysWithValues: array.map { ($0["id"] as! String, $0 as NSDictionary) })
  }

  /// The stored statements by id, without what the LRS adds, and how often each id was stored.
  static func stored(_ lrs: RalphLRS) throws -> (byID: [String: NSDictionary], counts: [String: Int]) {
    var byID: [String: NSDictionary] = [:]
    var counts: [String: Int] = [:]
    for line in lrs.storedStatements() {
      var s = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      for added in ["stored", "authority", "version"] { s[added] = nil }
      let id = try #require(s["id"] as? String)
      byID[id] = s as NSDictionary
      counts[id, default: 0] += 1
    }
    return (byID, counts)
  }

  static func outbox(_ dir: String) throws -> String {
    let folder = dir + "/progress/.lrs"
    let file = try #require(try FileManager.default.contentsOfDirectory(atPath: folder).first { $0.hasSuffix(".outbox") })
    return folder + "/" + file
  }

  @Test(.enabled(if: RalphLRS.shouldRun, Comment(rawValue: RalphLRS.skipMessage)))
  func statementsArriveCompleteOnceAndReadBack() throws {
    let (dir, course) = try RecordsCLI.workspace(course: "open-innovation-principles")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let lrs = try RalphLRS(folder: dir + "/lrs")
    defer { lrs.stop() }
    let export = try Self.exported(dir, course: course.id)
    #expect(export.count > 20)

    // A wrong password: a clear error naming the cause, the secret nowhere, nothing marked sent.
    let wrong = try Self.sync(
      ["--learner", "ana-maria", "--course", course.id], in: dir, endpoint: lrs.endpoint, password: "not-the-password")
    #expect(wrong.status == 1)
    #expect(wrong.stderr.contains("refused the credentials (HTTP 401"), "\(wrong.stderr)")
    #expect(!(wrong.stdout + wrong.stderr).contains("not-the-password"))
    #expect(lrs.storedStatements().isEmpty)
    let afterRefusal = try String(contentsOfFile: Self.outbox(dir), encoding: .utf8)
    #expect(!afterRefusal.contains("\nA ") && !afterRefusal.hasPrefix("A "))

    let first = try Self.sync(["--learner", "ana-maria", "--course", course.id], in: dir, endpoint: lrs.endpoint)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("\(export.count) sent, 0 already present, 0 refused, 0 left for later"), "\(first.stdout)")
    #expect(!(first.stdout + first.stderr).contains(RalphLRS.password))
    let outbox = try Self.outbox(dir)
    #expect(RecordsCLI.mode(outbox) == 0o600)
    #expect(RecordsCLI.mode(dir + "/progress/.lrs") == 0o700)

    // Complete and equal to the export, statement for statement.
    let (stored, counts) = try Self.stored(lrs)
    #expect(Set(stored.keys) == Set(export.keys))
    #expect(counts.values.allSatisfy { $0 == 1 })
    for (id, statement) in export {
      #expect(stored[id] == statement, "statement \(id) differs from the export")
    }

    // Nothing new: nothing sent.
    let second = try Self.sync(["--learner", "ana-maria", "--course", course.id], in: dir, endpoint: lrs.endpoint)
    #expect(second.status == 0)
    #expect(second.stdout.contains("0 sent, 0 already present, 0 refused, 0 left for later"), "\(second.stdout)")
    #expect(lrs.storedStatements().count == export.count)

    // With the outbox lost, the LRS's own copy is recognised: acknowledged, not duplicated.
    try FileManager.default.removeItem(atPath: dir + "/progress/.lrs")
    let again = try Self.sync(["--all", "--course", course.id], in: dir, endpoint: lrs.endpoint)
    #expect(again.status == 0, "\(again.stderr)")
    #expect(again.stdout.contains("0 sent, \(export.count) already present"), "\(again.stdout)")
    #expect(lrs.storedStatements().count == export.count)

    let check = try Self.sync(["--learner", "ana-maria", "--course", course.id, "--check"], in: dir, endpoint: lrs.endpoint)
    #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    #expect(check.stdout.contains("all \(export.count) statements on the LRS, as recorded"), "\(check.stdout)")
  }

  @Test(.enabled(if: RalphLRS.shouldRun, Comment(rawValue: RalphLRS.skipMessage)))
  func killedSyncAndKilledLRSStillDeliverEachStatementOnce() throws {
    let (dir, course) = try RecordsCLI.workspace(course: "open-innovation-principles")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let lrs = try RalphLRS(folder: dir + "/lrs")
    defer { lrs.stop() }
    let export = try Self.exported(dir, course: course.id)
    let arguments = [
      "sync", "--learner", "ana-maria", "--course", course.id, "--batch-size", "2", "--attempts", "2", "--timeout", "5",
    ]

    // 1. Kill sync itself once the LRS has stored something.
    func startSync() throws -> Process {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: RecordsCLI.binary)
      process.arguments = arguments
      process.currentDirectoryURL = URL(fileURLWithPath: dir)
      var env = ProcessInfo.processInfo.environment
      env["WORKSHOP_LESSONS"] = dir + "/lessons"
      env["WORKSHOP_PROGRESS"] = dir + "/progress"
      env["WORKSHOP_LRS_ENDPOINT"] = lrs.endpoint
      env["WORKSHOP_LRS_USERNAME"] = RalphLRS.username
      env["WORKSHOP_LRS_PASSWORD"] = RalphLRS.password
      env["HOME"] = dir
      process.environment = env
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      return process
    }
    func waitForStored(atLeast n: Int, while process: Process) {
      let deadline = Date().addingTimeInterval(120)
      while Date() < deadline, process.isRunning, lrs.storedStatements().count < n { usleep(5_000) }
    }
    let killedSync = try startSync()
    waitForStored(atLeast: 1, while: killedSync)
    kill(killedSync.processIdentifier, SIGKILL)
    killedSync.waitUntilExit()

    // 2. Kill the LRS in the middle of the next run's batches.
    let before = lrs.storedStatements().count
    let interrupted = try startSync()
    waitForStored(atLeast: before + 2, while: interrupted)
    lrs.stop()
    interrupted.waitUntilExit()
    let storedWhenKilled = lrs.storedStatements().count
    if storedWhenKilled < export.count {
      #expect(interrupted.terminationStatus == 1, "a sync that could not finish must say so")
      let outbox = try String(contentsOfFile: Self.outbox(dir), encoding: .utf8)
      #expect(outbox.contains("Q "), "the unsent statements stay queued")
    }

    // 3. The LRS is back: one more run completes, and every statement is there exactly once.
    lrs.dropTornWrite()
    try lrs.start()
    // Default timeouts and retries here: a loaded machine may make the fresh LRS slow to answer.
    let finish = try Self.sync(
      ["--learner", "ana-maria", "--course", course.id, "--batch-size", "2"], in: dir, endpoint: lrs.endpoint)
    #expect(finish.status == 0, "\(finish.stdout)\(finish.stderr)")
    #expect(finish.stdout.contains("0 left for later"))
    let (stored, counts) = try Self.stored(lrs)
    #expect(Set(stored.keys) == Set(export.keys))
    #expect(counts.filter { $0.value != 1 }.isEmpty, "stored more than once: \(counts.filter { $0.value != 1 })")
    for (id, statement) in export { #expect(stored[id] == statement) }
  }

  @Test func lrsDownKeepsEverythingQueuedAndSaysSo() throws {
    let (dir, course) = try RecordsCLI.workspace()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let closed = "http://127.0.0.1:\(try RalphLRS.freePort())/xAPI/"
    let export = try Self.exported(dir, course: course.id)
    let run = try Self.sync(
      ["--learner", "ana-maria", "--course", course.id, "--attempts", "2", "--timeout", "3"], in: dir, endpoint: closed,
      password: "secret-not-shown")
    #expect(run.status == 1)
    #expect(run.stderr.contains("did not answer"), "\(run.stderr)")
    #expect(run.stderr.contains("\(export.count) statements left are kept in the outbox"), "\(run.stderr)")
    #expect(!run.stderr.contains("secret-not-shown"))
    let outbox = try String(contentsOfFile: Self.outbox(dir), encoding: .utf8)
    let queued = outbox.split(separator: "\n").filter { $0.hasPrefix("Q ") }
    #expect(queued.count == export.count)
    #expect(!outbox.contains("\nA ") && !outbox.hasPrefix("A "))
  }

  @Test func settingsProblemsAreClearAndSecretsAreNotFlags() throws {
    let (dir, course) = try RecordsCLI.workspace()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let none = try ProcessRunner.run(
      RecordsCLI.binary, ["sync", "--learner", "ana-maria", "--course", course.id],
      environment: ["WORKSHOP_PROGRESS": dir + "/progress", "WORKSHOP_LESSONS": dir + "/lessons", "HOME": dir],
      currentDirectory: dir)
    #expect(none.status == 64)
    #expect(none.stderr.contains("no LRS endpoint"), "\(none.stderr)")
    let flag = try Self.sync(
      ["--learner", "ana-maria", "--course", course.id, "--password", "x"], in: dir, endpoint: "http://127.0.0.1:1/xAPI/")
    #expect(flag.status != 0 && flag.stderr.contains("--password"))
    let embedded = try Self.sync(
      ["--learner", "ana-maria", "--course", course.id], in: dir, endpoint: "http://user:pw@127.0.0.1:1/xAPI/")
    #expect(embedded.status == 64 && embedded.stderr.contains("not in the endpoint URL"))
    #expect(!embedded.stderr.contains("pw@"))
  }
}
