import Foundation
import Testing

@testable import WorkshopEngine

/// Finds the `journal-writer` tool built next to the tests (same products folder).
func journalWriterTool() -> String? {
  var candidates: [String] = []
  let argv0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
  candidates.append(argv0.deletingLastPathComponent().path)
  if let exe = Bundle.main.executableURL { candidates.append(exe.deletingLastPathComponent().path) }
  candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().path)
  // Tests/WorkshopEngineTests/<this file> → package root → .build/debug
  let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  candidates.append(root.appendingPathComponent(".build/debug").path)
  for dir in candidates {
    var d = URL(fileURLWithPath: dir)
    // The xctest bundle may sit one or more folders below the products folder.
    for _ in 0..<4 {
      let tool = d.appendingPathComponent("journal-writer").path
      if FileManager.default.isExecutableFile(atPath: tool) { return tool }
      d = d.deletingLastPathComponent()
    }
  }
  return nil
}

@Suite(.serialized) struct JournalCrashTests {
  @Test func writerInAnotherProcessHoldsTheLock() throws {
    let tool = try #require(journalWriterTool(), "build it with `swift build --product journal-writer`")
    let tmp = TempDir()
    let out = tmp.path + "/out.txt"
    _ = FileManager.default.createFile(atPath: out, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = [tmp.path + "/progress", "ana", "hold"]
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
    try process.run()
    defer {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
    let deadline = Date().addingTimeInterval(20)
    while (try? String(contentsOfFile: out, encoding: .utf8))?.contains("ready") != true {
      #expect(Date() < deadline)
      if Date() > deadline { return }
      usleep(10_000)
    }
    let store = ProgressStore(root: tmp.path + "/progress")
    let id = try LearnerID(validating: "ana")
    #expect(throws: JournalError.locked(learner: "ana", pid: process.processIdentifier)) {
      _ = try store.openJournal(id)
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    // The kernel drops the lock with the process.
    let writer = try store.openJournal(id)
    writer.close()
  }

  @Test func everyAcknowledgedAnswerSurvivesSIGKILL() throws {
    let tool = try #require(journalWriterTool(), "build it with `swift build --product journal-writer`")
    let tmp = TempDir()
    let root = tmp.path + "/progress"
    var acknowledged: [String] = []
    for round in 0..<6 {
      let out = tmp.path + "/out-\(round).txt"
      _ = FileManager.default.createFile(atPath: out, contents: nil)
      let process = Process()
      process.executableURL = URL(fileURLWithPath: tool)
      process.arguments = [root, "crash", "append"]
      process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
      try process.run()
      usleep(UInt32.random(in: 30_000...250_000))
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      #expect(process.terminationReason == .uncaughtSignal)
      let text = try String(contentsOfFile: out, encoding: .utf8)
      // Only whole lines were acknowledged; a cut-off last line was not.
      var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      lines.removeLast()
      #expect(!lines.contains { $0.hasPrefix("error") }, "\(lines.filter { $0.hasPrefix("error") })")
      acknowledged += lines

      let read = try JournalReader.read(path: root + "/crash/journal.jsonl")
      #expect(read.warnings.allSatisfy { $0.contains("set aside") }, "\(read.warnings)")
      let ids = Set(read.events.map(\.id))
      let missing = acknowledged.filter { !ids.contains($0) }
      #expect(missing.isEmpty, "round \(round): \(missing.count) acknowledged events lost")
      #expect(read.events.count >= acknowledged.count)
      // The summary a reader derives agrees with the events on disk.
      let summary = try ProgressStore(root: root).summary(try LearnerID(validating: "crash"))
      #expect(summary.summary.eventCount == read.events.count)
    }
    #expect(acknowledged.count > 0)
  }
}
