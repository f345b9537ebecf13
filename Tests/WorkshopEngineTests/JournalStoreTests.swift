import Foundation
import Testing

@testable import WorkshopEngine

/// A fresh folder per test, removed afterwards.
final class TempDir {
  let path: String
  init() {
    path = NSTemporaryDirectory() + "workshop-journal-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(atPath: path) }
}

func mode(_ path: String) -> Int {
  ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int) ?? -1
}

func answer(_ n: Int, lesson: String = "l1", question: String? = nil, digest: String = "qd",
            outcome: Grade.Outcome = .correct, at: String? = nil) -> JournalEvent {
  JournalEvent(
    at: at ?? JournalEvent.timestamp(), kind: .answerSubmitted, course: "c", lesson: lesson,
    question: question ?? "q\(n)", questionDigest: digest, raw: "b", response: .choices([1]),
    outcome: outcome, credit: outcome == .correct ? 1 : 0, earned: outcome == .correct ? 1 : 0,
    attempt: 1, seconds: 3.5)
}

@Suite struct JournalStoreTests {
  @Test func learnerIDsAreValidatedSlugs() throws {
    #expect(LearnerID.slug(fromName: "Ana María")?.rawValue == "ana-maria")
    #expect(LearnerID.slug(fromName: "  Jörg  O'Neil!! ")?.rawValue == "jorg-o-neil")
    #expect(LearnerID.slug(fromName: "Søren Kierkegaard")?.rawValue == "soren-kierkegaard")
    #expect(LearnerID.slug(fromName: "../..") == nil)
    #expect(LearnerID.slug(fromName: "") == nil)
    for bad in ["../etc", "a/b", ".hidden", "", "-x", "Ana", String(repeating: "a", count: 65)] {
      #expect(throws: LearnerError.self) { try LearnerID(validating: bad) }
    }
    #expect(try LearnerID(validating: "ana_2-b").rawValue == "ana_2-b")
  }

  @Test func foldersAre0700AndFiles0600() throws {
    let tmp = TempDir()
    let old = umask(0)  // the modes must not depend on the umask
    defer { umask(old) }
    let store = ProgressStore(root: tmp.path + "/progress")
    let profile = try store.createProfile(name: "Ana María")
    #expect(profile.id.rawValue == "ana-maria")
    #expect(store.profile(profile.id)?.name == "Ana María")
    #expect(try store.createProfile(name: "Ana María") == profile)
    let writer = try store.openJournal(profile.id)
    try writer.append(answer(1))
    writer.close()
    let dir = store.directory(for: profile.id)
    #expect(mode(dir) == 0o700)
    for file in ["profile.json", "journal.jsonl", "checkpoint.json", "lock"] {
      #expect(mode(dir + "/" + file) == 0o600, "\(file)")
    }
    #expect(store.learners() == [profile.id])
  }

  @Test func secondWriterIsRefusedWithAClearMessage() throws {
    let tmp = TempDir()
    let store = ProgressStore(root: tmp.path)
    let id = try LearnerID(validating: "ana")
    let first = try store.openJournal(id)
    do {
      _ = try store.openJournal(id)
      Issue.record("a second writer must be refused")
    } catch let error as JournalError {
      #expect(error == .locked(learner: "ana", pid: getpid()))
      #expect(
        error.description
          == "ana's progress is open in another workshop session (pid \(getpid())). Close it there first.")
    }
    // Readers do not need the lock.
    try first.append(answer(1))
    #expect(try store.summary(id).summary.eventCount == 1)
    first.close()
    let again = try store.openJournal(id)
    again.close()
  }

  @Test(arguments: [1, 7, 40, 77])
  func tornTailIsSetAsideAndEarlierEventsKept(cut: Int) throws {
    let tmp = TempDir()
    let store = ProgressStore(root: tmp.path)
    let id = try LearnerID(validating: "ana")
    let writer = try store.openJournal(id)
    let events = (1...5).map { answer($0) }
    for e in events { try writer.append(e) }
    writer.close()
    // Simulate a power cut halfway through a sixth line.
    let path = store.journalPath(for: id)
    var line = try JournalCodec.encode(answer(6))
    line.append(0x0A)
    let partial = Array(line.prefix(min(cut, line.count - 1)))
    let handle = try #require(FileHandle(forWritingAtPath: path))
    handle.seekToEndOfFile()
    handle.write(Data(partial))
    handle.closeFile()

    let read = try JournalReader.read(path: path)
    #expect(read.events == events)
    #expect(read.warnings.count == 1)
    #expect(read.warnings.first?.contains("set aside") == true)
    let summary = try store.summary(id)
    #expect(summary.summary.eventCount == 5)
    #expect(summary.warnings.count == 1)

    // A writer moves the torn bytes into a side file, keeping them, and appends cleanly.
    let next = try store.openJournal(id)
    let side = try #require(next.tornFilePath)
    #expect(FileManager.default.contents(atPath: side) == Data(partial))
    #expect(mode(side) == 0o600)
    // What the reader saw, and where the writer put the bytes it set aside.
    #expect(next.warnings.count == 2)
    #expect(next.warnings.last?.contains(side) == true)
    try next.append(answer(7))
    next.close()
    let after = try JournalReader.read(path: path)
    #expect(after.warnings.isEmpty)
    #expect(after.events.map(\.id) == events.map(\.id) + [after.events.last!.id])
    #expect(after.events.count == 6)
  }

  @Test func invalidLastCompleteLineIsSetAside() throws {
    let tmp = TempDir()
    let path = tmp.path + "/journal.jsonl"
    let good = answer(1)
    var bytes = try JournalCodec.encode(good) + [0x0A]
    bytes += Array("{\"id\":\"x\",\"at\":\0\0\0\n".utf8)
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    let read = try JournalReader.read(path: path)
    #expect(read.events == [good])
    #expect(read.warnings.count == 1)
    #expect(read.warnings[0].contains("line 2"))
  }

  @Test func garbageLineInTheMiddleIsSkipped() throws {
    let tmp = TempDir()
    let path = tmp.path + "/journal.jsonl"
    let a = answer(1), b = answer(2), c = answer(3)
    var bytes = try JournalCodec.encode(a) + [0x0A]
    bytes += Array("this is not json\n".utf8)
    bytes += try JournalCodec.encode(b) + [0x0A] + JournalCodec.encode(c) + [0x0A]
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    let read = try JournalReader.read(path: path)
    #expect(read.events == [a, b, c])
    #expect(read.warnings == ["journal.jsonl line 2: not a valid event; skipped."])
  }

  @Test func missingJournalReadsEmpty() throws {
    let tmp = TempDir()
    let read = try JournalReader.read(path: tmp.path + "/nope.jsonl")
    #expect(read.events.isEmpty && read.warnings.isEmpty)
  }

  @Test func replayEqualsTheLiveSummary() throws {
    let tmp = TempDir()
    let store = ProgressStore(root: tmp.path)
    let id = try LearnerID(validating: "bo")
    let writer = try store.openJournal(id)
    var live = JournalSummary()
    var rng = SystemRandomNumberGenerator()
    let base: Int64 = 1_800_000_000_000
    for n in 0..<1_200 {
      let at = Timestamp.format(milliseconds: base + Int64(n) * Int64.random(in: 1_000...400_000, using: &rng))
      let lesson = "l\(n % 4)"
      let e: JournalEvent
      switch n % 9 {
      case 0: e = JournalEvent(at: at, kind: .sessionStarted, engine: "1.0")
      case 1: e = JournalEvent(at: at, kind: .lessonStarted, course: "c", lesson: lesson, lessonDigest: "ld")
      case 2: e = JournalEvent(at: at, kind: .pageViewed, course: "c", lesson: lesson, page: "p\(n % 3)")
      case 3: e = JournalEvent(at: at, kind: .hintShown, course: "c", lesson: lesson, question: "q\(n % 5)", questionDigest: "qd", hint: 1)
      case 4: e = JournalEvent(at: at, kind: .questionSkipped, course: "c", lesson: lesson, question: "q\(n % 5)", questionDigest: "qd")
      case 5: e = JournalEvent(at: at, kind: .lessonCompleted, course: "c", lesson: lesson, seconds: 60, score: 0.8, passed: true)
      case 6: e = JournalEvent(at: at, kind: .lessonRestarted, course: "c", lesson: lesson)
      case 7: e = JournalEvent(at: at, kind: .questionsDrawn, course: "c", lesson: lesson, questions: ["q1", "q2"], seed: UInt64.random(in: 0...UInt64.max, using: &rng))
      default: e = answer(n, lesson: lesson, question: "q\(n % 5)", outcome: n % 2 == 0 ? .wrong : .correct, at: at)
      }
      try writer.append(e)
      live.apply(e)
      #expect(writer.summary == live)
    }
    writer.close()
    let reread = try store.loadSummary(id)
    #expect(reread.summary == live)
    // Without the checkpoint, a full replay gives the same fold.
    try FileManager.default.removeItem(atPath: store.checkpointPath(for: id))
    let full = try store.loadSummary(id)
    #expect(!full.usedCheckpoint && full.replayedEvents == 1_200)
    #expect(full.summary == live)
    #expect(live.totalSeconds > 0)
    #expect(live.courses["c"]?.lessons["l0"]?.completions.isEmpty == false)
  }

  @Test func checkpointIsUsedWhenValidAndRebuiltWhenTheJournalChanged() throws {
    let tmp = TempDir()
    let store = ProgressStore(root: tmp.path)
    let id = try LearnerID(validating: "cy")
    var writer = try store.openJournal(id)
    for n in 1...20 { try writer.append(answer(n)) }
    writer.close()

    let first = try store.loadSummary(id)
    #expect(first.usedCheckpoint && first.replayedEvents == 0)
    #expect(first.summary.eventCount == 20)

    // Appending after the checkpoint (a crash before close): only the new bytes are replayed.
    writer = try store.openJournal(id)
    try writer.append(answer(21))
    try writer.append(answer(22))
    let path = store.journalPath(for: id)
    let midway = try store.loadSummary(id)
    #expect(midway.usedCheckpoint && midway.replayedEvents == 2 && midway.summary.eventCount == 22)
    writer.close()

    // The journal edited near its end: the checkpoint no longer matches, so rebuild.
    var text = try String(contentsOfFile: path, encoding: .utf8)
    text = text.replacingOccurrences(of: "\"raw\":\"b\"", with: "\"raw\":\"c\"")
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    let edited = try store.loadSummary(id)
    #expect(!edited.usedCheckpoint && edited.replayedEvents == 22)
    #expect(edited.summary.courses["c"]?.lessons["l1"]?.questions["q1"]?.raw == "c")

    // A shorter journal than the checkpoint covers: rebuild too.
    let lines = text.split(separator: "\n").prefix(5).joined(separator: "\n") + "\n"
    try lines.write(toFile: path, atomically: false, encoding: .utf8)
    let shorter = try store.loadSummary(id)
    #expect(!shorter.usedCheckpoint && shorter.summary.eventCount == 5)
  }

  @Test func aReaderThatReplayedALotLeavesACheckpoint() throws {
    let tmp = TempDir()
    let store = ProgressStore(root: tmp.path)
    let id = try LearnerID(validating: "ed")
    let writer = try store.openJournal(id)
    let count = LoadedJournal.readerCheckpointThreshold + 10
    for n in 1...count { try writer.append(answer(n)) }
    writer.close()
    try FileManager.default.removeItem(atPath: store.checkpointPath(for: id))
    let first = try store.loadSummary(id)
    #expect(!first.usedCheckpoint && first.replayedEvents == count)
    let second = try store.loadSummary(id)
    #expect(second.usedCheckpoint && second.replayedEvents == 0)
    #expect(second.summary == first.summary)
  }

  @Test func writerCheckpointsEveryIntervalEvents() throws {
    let tmp = TempDir()
    let store = ProgressStore(root: tmp.path)
    let id = try LearnerID(validating: "di")
    let writer = try store.openJournal(id)
    for n in 1...(JournalWriter.checkpointInterval + 3) { try writer.append(answer(n)) }
    // Still open (as after a crash): the checkpoint written on the way spares most of the replay.
    let loaded = try store.loadSummary(id)
    #expect(loaded.usedCheckpoint && loaded.replayedEvents == 3)
    #expect(loaded.summary == writer.summary)
    writer.close()
  }
}

@Suite struct JournalCheckpointFormatTests {
  @Test func binarySummaryRoundTrips() throws {
    var summary = JournalSummary()
    var rng = SystemRandomNumberGenerator()
    for _ in 0..<400 {
      var e = JournalCodecTests.randomEvent(&rng)
      e.course = ["c", "d"].randomElement(using: &rng)
      e.lesson = ["l1", "l2", "l3"].randomElement(using: &rng)
      summary.apply(e)
    }
    let bytes = summary.binaryEncoded()
    #expect(JournalSummary(binary: bytes) == summary)
    #expect(JournalSummary(binary: Array(bytes.dropLast())) == nil)
    #expect(JournalSummary(binary: bytes + [0]) == nil)
  }
}
