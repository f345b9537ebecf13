import Foundation
import Testing

@testable import WorkshopEngine

#if canImport(Glibc)
  import Glibc
#endif

/// The durable-write primitive and the journal's format rules: what it refuses to open, what it
/// repairs, what a checkpoint must prove, and how lines are spelled.
@Suite struct DurableFileTests {
  @Test func linksFIFOsDevicesFoldersAndHardLinksAreRefusedBeforeAnyWrite() throws {
    let tmp = TempDir()
    let target = tmp.path + "/target"
    try "keep me\n".write(toFile: target, atomically: false, encoding: .utf8)
    let link = tmp.path + "/link"
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
    let fifo = tmp.path + "/fifo"
    #expect(mkfifo(fifo, 0o600) == 0)
    let hard = tmp.path + "/hard"
    #expect(Glibc.link(target, hard) == 0)
    for path in [link, fifo, "/dev/null", tmp.path, hard] {
      #expect(throws: JournalError.self, "\(path)") {
        _ = try DurableFile.open(path, flags: O_RDWR | O_CREAT | O_APPEND)
      }
    }
    #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me\n")
    do {
      _ = try DurableFile.open(link, flags: O_RDWR | O_CREAT)
    } catch {
      #expect("\(error)".contains("is a symbolic link") && "\(error)".contains("rm "))
    }
  }

  @Test func atomicReplacementReplacesALinkRatherThanWritingThroughIt() throws {
    let tmp = TempDir()
    let target = tmp.path + "/target"
    try "keep me\n".write(toFile: target, atomically: false, encoding: .utf8)
    let path = tmp.path + "/file"
    try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
    try DurableFile.writeAtomically(path, Array("new\n".utf8))
    #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me\n")
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
    #expect(mode(path) == 0o600)
    #expect(try DurableFile.createExclusively(path, Array("again\n".utf8)) == false)
  }

  @Test func aFolderOpenToOthersIsRepairedAndALinkedFolderRefused() throws {
    let tmp = TempDir()
    let folder = tmp.path + "/learner"
    try DurableFile.makeDirectory(folder, mode: 0o700)
    chmod(folder, 0o777)
    try DurableFile.securePrivateFolder(folder)
    #expect(mode(folder) == 0o700)
    let linked = tmp.path + "/linked"
    try FileManager.default.createSymbolicLink(atPath: linked, withDestinationPath: folder)
    #expect(throws: JournalError.self) { try DurableFile.securePrivateFolder(linked) }
  }

  @Test func aFIFOJournalIsRefusedWithoutWaiting() throws {
    let tmp = TempDir()
    let store = ProgressStore(root: tmp.path)
    let id = try LearnerID(validating: "ana")
    try DurableFile.makeDirectory(store.directory(for: id), mode: 0o700)
    #expect(mkfifo(store.journalPath(for: id), 0o600) == 0)
    #expect(throws: JournalError.self) { _ = try store.openJournal(id) }
    #expect(throws: JournalError.self) { _ = try store.summary(id) }
  }

  @Test func anEarlySameLengthEditIsCaughtByTheCheckpoint() throws {
    let tmp = TempDir()
    let store = ProgressStore(root: tmp.path)
    let id = try LearnerID(validating: "cy")
    let writer = try store.openJournal(id)
    // Far more than the last 4 KiB, so the edit is well before any tail window.
    for n in 1...200 { try writer.append(answer(n)) }
    writer.close()
    #expect(try store.loadSummary(id).usedCheckpoint)

    let path = store.journalPath(for: id)
    var text = try String(contentsOfFile: path, encoding: .utf8)
    let firstAnswer = try #require(text.range(of: "\"outcome\":\"correct\""))
    text.replaceSubrange(firstAnswer, with: "\"outcome\":\"partial\"")
    try text.write(toFile: path, atomically: false, encoding: .utf8)

    let edited = try store.loadSummary(id)
    #expect(!edited.usedCheckpoint)
    #expect(edited.summary.courses["c"]?.lessons["l1"]?.questions["q1"]?.lastOutcome == .partial)
  }

  @Test func aCheckpointOverAnUnchangedJournalIsTrustedWithoutHashingIt() throws {
    let tmp = TempDir()
    let store = ProgressStore(root: tmp.path)
    let id = try LearnerID(validating: "cy")
    var writer = try store.openJournal(id)
    for n in 1...50 { try writer.append(answer(n)) }
    writer.close()
    let closed = try store.loadSummary(id)
    #expect(closed.usedCheckpoint && !closed.hashedPrefix && closed.replayedEvents == 0)

    // A crash after more answers: the file moved on, so the prefix is hashed once, and the
    // reader brings the checkpoint up to date so that the next start is free again.
    writer = try store.openJournal(id)
    for n in 51...60 { try writer.append(answer(n)) }
    let crashed = try store.loadSummary(id)
    #expect(crashed.usedCheckpoint && crashed.hashedPrefix && crashed.replayedEvents == 10)
    let next = try store.loadSummary(id)
    #expect(next.usedCheckpoint && !next.hashedPrefix && next.replayedEvents == 0)
    #expect(next.summary == writer.summary)
    writer.close()
  }

  @Test func theDigestCarriedAcrossSessionsCoversEveryByte() throws {
    let tmp = TempDir()
    let store = ProgressStore(root: tmp.path)
    let id = try LearnerID(validating: "cy")
    // Three sessions, so the digest is carried from one checkpoint to the next twice.
    for session in 0..<3 {
      let writer = try store.openJournal(id)
      for n in 1...40 { try writer.append(answer(session * 40 + n)) }
      writer.close()
    }
    let path = store.journalPath(for: id)
    let original = try #require(FileManager.default.contents(atPath: path))

    // A copy of the folder is a new file: the carried digest must match the bytes as they are.
    try FileManager.default.removeItem(atPath: path)
    #expect(FileManager.default.createFile(atPath: path, contents: original))
    let copied = try store.loadSummary(id)
    #expect(copied.usedCheckpoint && copied.hashedPrefix && copied.replayedEvents == 0)
    #expect(copied.summary.eventCount == 120)

    // The same bytes with one changed in the first session's part: refused, replayed in full.
    var text = String(decoding: original, as: UTF8.self)
    let first = try #require(text.range(of: "\"outcome\":\"correct\""))
    text.replaceSubrange(first, with: "\"outcome\":\"partial\"")
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    let edited = try store.loadSummary(id)
    #expect(!edited.usedCheckpoint && edited.replayedEvents == 120)
    #expect(edited.summary.courses["c"]?.lessons["l1"]?.questions["q1"]?.lastOutcome == .partial)
    // The rebuilt checkpoint is trusted from then on.
    let after = try store.loadSummary(id)
    #expect(after.usedCheckpoint && !after.hashedPrefix && after.summary == edited.summary)
  }

  @Test func everyLineCarriesItsVersionAndResponsesHaveOneSpelling() throws {
    let event = answer(1)
    let line = String(decoding: try JournalCodec.encode(event), as: UTF8.self)
    #expect(line.hasPrefix(#"{"v":2,"id":"#))
    #expect(line.contains(#""response":{"choices":[1]}"#))
    #expect(Array(line.utf8).withUnsafeBufferPointer { JournalCodec.decodeFast($0) } == event)
    // Format 1, before `v`, spelled responses the way synthesised Codable did: still read, on
    // both the fast path and the fallback.
    let old = line.replacingOccurrences(of: #"{"v":2,"#, with: "{")
      .replacingOccurrences(of: #"{"choices":[1]}"#, with: #"{"choices":{"_0":[1]}}"#)
    #expect(Array(old.utf8).withUnsafeBufferPointer { JournalCodec.decodeFast($0) } == event)
    #expect(try JSONDecoder().decode(JournalEvent.self, from: Data(old.utf8)) == event)
    #expect(String(decoding: try JSONEncoder().encode(Response.text("Paris")), as: UTF8.self) == #"{"text":"Paris"}"#)
  }

  @Test func eventsFromANewerWorkshopAreKeptAndSkippedNotCut() throws {
    let tmp = TempDir()
    let path = tmp.path + "/journal.jsonl"
    var text = String(decoding: try JournalCodec.encode(answer(1)), as: UTF8.self) + "\n"
    text += #"{"v":3,"id":"n1","at":"2030-01-01T00:00:00.000Z","kind":"answer-submitted","shape":"new"}"# + "\n"
    text += String(decoding: try JournalCodec.encode(answer(2)), as: UTF8.self) + "\n"
    text += #"{"id":"n2","at":"2030-01-01T00:00:00.000Z","kind":"review-scheduled"}"# + "\n"
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    let (events, warnings) = try JournalReader.read(path: path)
    #expect(events.count == 2)
    #expect(warnings.contains { $0.contains("written by a newer workshop") })
    #expect(!warnings.contains { $0.contains("set aside") || $0.contains("not a valid event") })

    let scan = Scan.run(Array(text.utf8), name: "journal.jsonl") { _ in }
    #expect(scan.torn == nil && scan.cleanLength == text.utf8.count && scan.newer == 2)
  }

  @Test func noCheckpointCoversAnEventFromANewerWorkshop() throws {
    let tmp = TempDir()
    let store = ProgressStore(root: tmp.path)
    let id = try LearnerID(validating: "cy")
    var writer = try store.openJournal(id)
    for n in 1...30 { try writer.append(answer(n)) }
    writer.close()
    let newer = #"{"v":9,"id":"n1","at":"2030-01-01T00:00:00.000Z","kind":"teleported","course":"c"}"# + "\n"
    let handle = try #require(FileHandle(forWritingAtPath: store.journalPath(for: id)))
    handle.seekToEndOfFile()
    handle.write(Data(newer.utf8))
    try handle.close()
    // A reader, then a whole session of the writer, then readers again: each still meets it.
    #expect(try store.loadSummary(id).warnings.contains { $0.contains("written by a newer workshop") })
    writer = try store.openJournal(id)
    #expect(writer.warnings.contains { $0.contains("written by a newer workshop") })
    try writer.append(answer(31))
    writer.close()
    for _ in 0..<2 {
      let load = try store.loadSummary(id)
      #expect(load.warnings.contains { $0.contains("written by a newer workshop") })
      #expect(load.summary.eventCount == 31)
    }
  }

  @Test func longNamesKeepAReadablePrefixAndDoNotCollide() throws {
    let base = String(repeating: "a", count: 64)
    let b = try #require(LearnerID.slug(fromName: base + "b"))
    let c = try #require(LearnerID.slug(fromName: base + "c"))
    #expect(b != c)
    #expect(b.rawValue.count == 64 && b.rawValue.hasPrefix(String(repeating: "a", count: 40)))
    #expect(LearnerID.slug(fromName: "Ana María")?.rawValue == "ana-maria")
  }

  @Test func namesWithControlOrInvisibleCharactersAreRefusedAtCreation() throws {
    let tmp = TempDir()
    let store = ProgressStore(root: tmp.path)
    for name in ["\u{1B}[31mred", "ana\tb", "\u{202E}ana", "a\u{200B}b"] {
      #expect(throws: LearnerError.unprintableName) { _ = try store.createProfile(name: name) }
    }
    #expect(try store.createProfile(name: "  Ana María ").name == "Ana María")
  }
}
