import Foundation
import Testing
import WorkshopEngine
import WorkshopTestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// A program whose standard input is fed line by line while its output is watched.
final class FedProcess: @unchecked Sendable {
  let process = Process()
  let input = Pipe()
  let lock = NSLock()
  var buffer = ""

  init(_ arguments: [String], environment: [String: String] = [:]) throws {
    process.executableURL = URL(fileURLWithPath: try BuiltProducts.workshop())
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for key in ["WORKSHOP_LEARNER", "WORKSHOP_LESSONS", "WORKSHOP_PROGRESS", "NO_COLOR", "COLUMNS", "WORKSHOP_KEY"] {
      env[key] = nil
    }
    env.merge(environment) { _, new in new }
    process.environment = env
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = output
    output.fileHandleForReading.readabilityHandler = { [weak self] handle in
      let data = handle.availableData
      guard let self, !data.isEmpty else { return }
      self.lock.withLock { self.buffer += String(decoding: data, as: UTF8.self) }
    }
    try process.run()
  }

  deinit {
    // A test that failed half-way must not leave a server or a learner running.
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
  }

  var output: String { lock.withLock { buffer } }

  func send(_ line: String) {
    input.fileHandleForWriting.write(Data((line + "\n").utf8))
  }

  /// Waits until `text` has appeared `count` times in the output.
  @discardableResult
  func waitFor(_ text: String, count: Int = 1, timeout: Double = 20) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if output.components(separatedBy: text).count - 1 >= count { return true }
      Thread.sleep(forTimeInterval: 0.05)
    }
    return false
  }

  func waitForExit(timeout: Double = 20) -> Int32? {
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    return process.isRunning ? nil : process.terminationStatus
  }

  func stop() {
    if process.isRunning { process.terminate() }
    _ = waitForExit(timeout: 5)
  }
}

/// `workshop serve` and `workshop join` as separate processes on loopback.
@Suite(.serialized) struct LiveJoinTests {
  struct Room {
    let fixture: SessionFixture
    let serve: FedProcess
    let address: String
    let code: String
    var key: String { fixture.folder.file("keys/instructor.key") }
    var environment: [String: String] { ["WORKSHOP_CACHE": fixture.cache] }

    func joinArguments(_ name: String) -> [String] {
      ["join", address, "--code", code, "--name", name, "--lessons", fixture.lessons, "--progress", fixture.progress]
    }

    func stop() {
      serve.send("quit")
      serve.stop()
      fixture.remove()
    }
  }

  func startRoom(
    _ fixture: SessionFixture? = nil, extraArguments: [String] = [], environment: [String: String] = [:]
  ) throws -> Room {
    let f = try fixture ?? SessionFixture()
    let keys = try ProcessRunner.run(try BuiltProducts.workshop(), ["keys", "generate", "--key", f.folder.file("keys/instructor.key")])
    #expect(keys.status == 0, "\(keys.stderr)")
    let serve = try FedProcess(
      [
        "serve", "--course", "fixture-course", "--port", "0", "--key", f.folder.file("keys/instructor.key"),
        "--sessions", f.folder.file("sessions"), "--lessons", f.lessons, "--progress", f.progress,
      ] + extraArguments, environment: environment.merging(["WORKSHOP_CACHE": f.cache]) { a, _ in a })
    guard serve.waitFor("Type `help`") else {
      serve.stop()
      throw SupportError("serve did not start: \(serve.output)")
    }
    let text = serve.output
    let code = try #require(text.firstMatch(of: /Join code:\s+(\d+)/)?.1)
    let address = try #require(text.firstMatch(of: /workshop join (\S+) --code/)?.1)
    return Room(fixture: f, serve: serve, address: String(address), code: String(code))
  }

  @Test("join over piped input writes the learner's own journal and gets a signed standard record")
  func pipedJoinWritesTheJournal() throws {
    let room = try startRoom()
    defer { room.stop() }
    let f = room.fixture
    let join = try FedProcess(room.joinArguments("Ana"), environment: room.environment)
    defer { join.stop() }
    #expect(join.waitFor("Welcome, Ana"), "\(join.output)")
    #expect(room.serve.waitFor("Ana joined"))

    room.serve.send("open first-steps")
    #expect(join.waitFor("1 of 4"), "\(join.output)")
    room.serve.send("next")
    #expect(join.waitFor("Which licence allows any use?"))
    // The REPL's wording and line grammar: a colon word that is no command is never an answer,
    // and the REPL's own-session commands are refused with a reason.
    #expect(join.waitFor("Type the letter of your answer."), "\(join.output)")
    join.send(":foo")
    #expect(join.waitFor("':foo' is not a command"), "\(join.output)")
    join.send("menu")
    #expect(join.waitFor("'menu' works in your own sessions, not in a live one"), "\(join.output)")
    join.send("b")
    #expect(join.waitFor("Correct."), "\(join.output)")
    room.serve.send("next")
    room.serve.send("next")
    #expect(join.waitFor("Which command moves on?"))
    join.send("=next")
    #expect(join.waitFor("Correct.", count: 2), "\(join.output)")
    room.serve.send("end")
    #expect(room.serve.waitFor("Type `yes` to end it"), "\(room.serve.output)")
    room.serve.send("yes")
    #expect(join.waitFor("The session has ended."), "\(join.output)")
    #expect(join.waitForExit() == 0)

    let events = try f.journal("ana")
    let kinds = events.map(\.kind)
    #expect(kinds.first == .sessionStarted && kinds.last == .sessionEnded)
    #expect(events.contains { $0.kind == .lessonStarted && $0.lesson == "first-steps" && $0.course == "fixture-course" })
    #expect(events.filter { $0.kind == .pageViewed }.compactMap(\.page).count == 2)
    let answers = events.filter { $0.kind == .answerSubmitted }
    #expect(answers.map(\.question) == ["pick-permissive", "say-next"])
    #expect(answers.allSatisfy { $0.outcome == .correct && $0.credit == 1 && $0.earned == 1 && $0.attempt == 1 })
    #expect(answers.first?.raw == "b" && answers.first?.response == .choices([1]))
    let completed = try #require(events.first { $0.kind == .lessonCompleted })
    #expect(completed.score == 1 && completed.passed == true)

    let progress = try f.run(["progress", "--learner", "ana"], environment: room.environment)
    #expect(progress.status == 0)
    #expect(progress.stdout.contains("First Steps"), "\(progress.stdout)")
    #expect(progress.stdout.contains("passed"), "\(progress.stdout)")

    // The record the learner received is the standard one, signed by the instructor's key.
    let records = try FileManager.default.contentsOfDirectory(atPath: f.progress + "/ana/records")
    let record = f.progress + "/ana/records/" + (try #require(records.first))
    let verified = try f.run(["verify", record, "--key", room.key + ".pub"], environment: room.environment)
    #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    #expect(verified.stdout.contains("signature: valid, by the key given"))
    let other = f.folder.file("keys/other.key")
    _ = try ProcessRunner.run(try BuiltProducts.workshop(), ["keys", "generate", "--key", other])
    let wrong = try f.run(["verify", record, "--key", other + ".pub"], environment: room.environment)
    #expect(wrong.status == 1)
    #expect(wrong.stdout.contains("signature: INVALID"), "\(wrong.stdout)")
  }

  @Test(
    "serve --sync sends the session's records to the LRS when the session ends, once",
    .enabled(if: RalphLRS.shouldRun, Comment(rawValue: RalphLRS.skipMessage)))
  func serveSyncSendsTheRecords() throws {
    let f = try SessionFixture()
    let lrs = try RalphLRS(folder: f.folder.file("lrs"))
    defer { lrs.stop() }
    let lrsEnvironment = [
      "WORKSHOP_LRS_ENDPOINT": lrs.endpoint, "WORKSHOP_LRS_USERNAME": RalphLRS.username,
      "WORKSHOP_LRS_PASSWORD": RalphLRS.password, "HOME": f.folder.path,
    ]
    let room = try startRoom(f, extraArguments: ["--sync"], environment: lrsEnvironment)
    // Not room.stop(): serve has exited by then, and its input is closed.
    defer {
      room.serve.stop()
      f.remove()
    }
    let join = try FedProcess(room.joinArguments("Ana"), environment: room.environment)
    defer { join.stop() }
    #expect(join.waitFor("Welcome, Ana"), "\(join.output)")
    room.serve.send("open first-steps")
    room.serve.send("next")
    #expect(join.waitFor("Which licence allows any use?"), "\(join.output)")
    join.send("b")
    #expect(join.waitFor("Correct."), "\(join.output)")
    #expect(lrs.storedStatements().isEmpty, "nothing is sent before the session ends")
    room.serve.send("end")
    room.serve.send("yes")
    #expect(join.waitFor("The session has ended."), "\(join.output)")
    room.serve.send("quit")
    #expect(room.serve.waitFor("LRS "), "\(room.serve.output)")
    #expect(room.serve.waitForExit() == 0, "\(room.serve.output)")
    #expect(!room.serve.output.contains(RalphLRS.password))

    let stored = lrs.storedStatements()
    #expect(!stored.isEmpty, "\(room.serve.output)")
    // Sending the same records again adds nothing: each statement is on the LRS once.
    let sessions = f.folder.file("sessions")
    let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: sessions).first)
    let again = try ProcessRunner.run(
      try BuiltProducts.workshop(), ["sync", "--records", "\(sessions)/\(folder)/records", "--lessons", f.lessons],
      environment: lrsEnvironment.merging(["WORKSHOP_CACHE": f.cache]) { a, _ in a })
    #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
    #expect(lrs.storedStatements().count == stored.count, "\(again.stdout)")
  }

  @Test("the serve console: open by number, pace student keeps the learner's place and says so, end asks first")
  func instructorConsole() throws {
    let room = try startRoom()
    defer { room.stop() }
    let join = try FedProcess(room.joinArguments("Ana"), environment: room.environment)
    defer { join.stop() }
    #expect(join.waitFor("Welcome, Ana"), "\(join.output)")

    room.serve.send("lessons")
    #expect(room.serve.waitFor("2. second-lesson — Second Lesson"), "\(room.serve.output)")
    room.serve.send("open secnd-lesson")
    #expect(room.serve.waitFor("did you mean `second-lesson`?"), "\(room.serve.output)")
    room.serve.send("open 1")
    #expect(room.serve.waitFor("Lesson first-steps"), "\(room.serve.output)")
    #expect(join.waitFor("1 of 4"), "\(join.output)")
    room.serve.send("next")
    #expect(join.waitFor("Which licence allows any use?"), "\(join.output)")

    // Handing over the pace: the learner is told, stays on the question and can still answer it.
    room.serve.send("pace student")
    #expect(join.waitFor("The instructor has given you the pace"), "\(join.output)")
    #expect(room.serve.waitFor("each learner goes on from where the room was"), "\(room.serve.output)")
    #expect(join.waitFor("First Steps — 2 of 4", count: 2), "the question is shown again, not page 1: \(join.output)")
    join.send("b")
    #expect(join.waitFor("Correct."), "\(join.output)")
    #expect(!join.output.contains("There is no question to answer right now."), "\(join.output)")

    // `end` says what it will do and waits for a yes; anything else leaves the session running.
    room.serve.send("end")
    #expect(room.serve.waitFor("Type `yes` to end it"), "\(room.serve.output)")
    #expect(room.serve.output.contains("roster.csv"))
    #expect(room.serve.output.contains("1 learner connected receives their record and is disconnected"), "\(room.serve.output)")
    room.serve.send("no")
    #expect(room.serve.waitFor("The session goes on."), "\(room.serve.output)")
    room.serve.send("who")
    #expect(room.serve.waitFor("ana  Ana  connected"), "\(room.serve.output)")
    #expect(!join.output.contains("The session has ended."))
    room.serve.send("end")
    room.serve.send("yes")
    #expect(join.waitFor("The session has ended."), "\(join.output)")
    #expect(join.waitForExit() == 0)
    #expect(!join.output.contains("Session over"), "the end is said once: \(join.output)")
    #expect(room.serve.waitFor("Roster: "), "\(room.serve.output)")

    // The roster names the authored letter (B is the permissive licence in the lesson file).
    let sessions = room.fixture.folder.file("sessions")
    let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: sessions).first)
    let csv = try String(contentsOfFile: "\(sessions)/\(folder)/roster.csv", encoding: .utf8)
    #expect(csv.hasPrefix("session_id,question_no,question_id,participant,answer_as_authored,"), "\(csv)")
    #expect(csv.contains(",pick-permissive,ana,B,true,"), "\(csv)")
  }

  @Test("a join refused over piped input says why once and fails; with no server, too")
  func refusedPipedJoin() throws {
    let room = try startRoom()
    defer { room.stop() }
    let wrong = room.code == "000000" ? "111111" : "000000"
    let arguments = ["join", room.address, "--code", wrong, "--name", "Eve"]
    let refused = try room.fixture.run(arguments, environment: room.environment)
    let said = refused.stdout + refused.stderr
    #expect(refused.status == 1, "\(said)")
    #expect(said.components(separatedBy: "wrong join code").count == 2, "said once: \(said)")
    #expect(!said.contains("Left the session"), "\(said)")

    // A port nobody listens on: the listening socket is closed before the join.
    let closed = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var size = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(closed, $0, size) == 0 && getsockname(closed, $0, &size) == 0 }
    }
    let port = Int(UInt16(bigEndian: address.sin_port))
    close(closed)
    let nobody = try room.fixture.run(
      ["join", "127.0.0.1:\(port)", "--code", room.code, "--name", "Eve"], environment: room.environment)
    #expect(nobody.status == 1, "\(nobody.stdout)\(nobody.stderr)")
    #expect((nobody.stdout + nobody.stderr).contains("could not join"), "\(nobody.stdout)\(nobody.stderr)")
  }

  @Test("TAB completes lesson ids after `open` in the serve console")
  func serveConsoleCompletesLessonIDs() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let key = f.folder.file("keys/instructor.key")
    _ = try ProcessRunner.run(try BuiltProducts.workshop(), ["keys", "generate", "--key", key])
    let t = try PseudoTerminal(
      try BuiltProducts.workshop(),
      [
        "serve", "--course", "fixture-course", "--port", "0", "--key", key, "--sessions", f.folder.file("sessions"),
        "--lessons", f.lessons, "--progress", f.progress,
      ], environment: ["WORKSHOP_CACHE": f.cache])
    t.prompt = "serve> "
    #expect(t.waitFor("serve> "), "\(t.output)")
    let mark = t.mark
    t.send("open sec\t\r", midLine: true)
    #expect(t.waitFor("Lesson second-lesson", after: mark), "\(t.output[mark...])")
    t.send("quit\r")
    #expect(t.waitForExit() == 0, "\(t.output)")
  }

  @Test("a server message appears above a partly typed line, which survives")
  func messageAbovePartlyTypedLine() throws {
    let room = try startRoom()
    defer { room.stop() }
    let t = try PseudoTerminal(
      try BuiltProducts.workshop(), room.joinArguments("Ana"), environment: room.environment)
    #expect(t.waitFor("Welcome, Ana"))
    room.serve.send("open first-steps")
    room.serve.send("next")
    #expect(t.waitFor("Which licence allows any use?"))
    #expect(t.waitFor("answer> "))
    var mark = t.mark
    t.send("hel", midLine: true)
    #expect(t.waitFor("hel", after: mark))
    mark = t.mark
    room.serve.send("close")
    #expect(t.waitFor("The question is closed.", after: mark), "\(t.output)")
    // The prompt and the half-typed word are drawn again below the message.
    let closed = try #require(t.output[mark...].range(of: "The question is closed."))
    #expect(t.waitFor("hel", after: closed.upperBound), "\(t.output[mark...])")
    mark = t.mark
    t.send("p\r", midLine: true)
    #expect(t.waitFor("Commands: hint, skip", after: mark), "\(t.output[mark...])")
    t.send("\u{04}")
    #expect(t.waitForExit() == 0, "\(t.output[mark...])")
    let events = try room.fixture.journal("ana")
    #expect(events.last?.kind == .sessionEnded)
  }

  @Test("SIGTERM stops serve gracefully while its console waits, and the session resumes")
  func serveStopsOnSigterm() throws {
    let room = try startRoom()
    // Not `room.stop()`: its `quit` would go to a server that is no longer there.
    defer {
      room.serve.stop()
      room.fixture.remove()
    }
    room.serve.send("open first-steps")
    #expect(room.serve.waitFor("Lesson first-steps"), "\(room.serve.output)")
    room.serve.process.terminate()
    #expect(room.serve.waitForExit() == 0, "\(room.serve.output)")
    #expect(!room.serve.output.contains("error"), "\(room.serve.output)")

    let again = try FedProcess(
      [
        "serve", "--course", "fixture-course", "--port", "0", "--key", room.key,
        "--sessions", room.fixture.folder.file("sessions"), "--lessons", room.fixture.lessons,
      ], environment: room.environment)
    defer { again.stop() }
    #expect(again.waitFor("Resumed live session"), "\(again.output)")
    again.send("quit")
    #expect(again.waitForExit() == 0)
  }

  @Test("a second terminal for the same learner is refused with a clear message")
  func lockedJournal() throws {
    let room = try startRoom()
    defer { room.stop() }
    let first = try FedProcess(room.joinArguments("Ana"), environment: room.environment)
    defer { first.stop() }
    #expect(first.waitFor("Welcome, Ana"))
    let second = try room.fixture.run(Array(room.joinArguments("Ana").dropLast(4)), environment: room.environment)
    #expect(second.status == 1)
    #expect(second.stderr.contains("another workshop session"), "\(second.stderr)")
  }
}
