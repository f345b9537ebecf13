import Foundation
import Testing
import WorkshopSync
import WorkshopTestSupport

#if canImport(Glibc)
  import Glibc
#endif

@Suite struct OutboxTests {
  func statement(_ n: Int) -> (id: String, body: [UInt8]) {
    let id = String(format: "00000000-0000-4000-8000-%012d", n)
    return (id, Array("{\"id\":\"\(id)\",\"n\":\(n)}".utf8))
  }

  @Test func queuedStatementsSurviveReopeningAndAcknowledgedOnesAreNotPending() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    do {
      let outbox = try Outbox(folder: folder.path, key: "k")
      #expect(try outbox.enqueue((1...5).map(statement)) == 5)
      #expect(try outbox.enqueue((1...6).map(statement)) == 1)
      try outbox.acknowledge([statement(1).id, statement(2).id], as: .sent)
      try outbox.refuse(statement(3).id, reason: "bad \"verb\"")
      outbox.close()
    }
    let reopened = try Outbox(folder: folder.path, key: "k")
    #expect(reopened.pending.map(\.id) == [4, 5, 6].map { statement($0).id })
    #expect(reopened.pending.first?.body == statement(4).body)
    #expect(reopened.refused[statement(3).id] == "bad \"verb\"")
    #expect(reopened.acknowledged == [statement(1).id, statement(2).id])
    let fixed = (id: statement(3).id, body: Array("{\"fixed\":true}".utf8))
    try reopened.enqueue([fixed], retryingRefused: true)
    #expect(reopened.refused.isEmpty)
    #expect(Set(reopened.pending.map(\.id)) == Set([3, 4, 5, 6].map { statement($0).id }))
    #expect(reopened.pending.first { $0.id == fixed.id }?.body == fixed.body)
  }

  @Test func aLineCutShortByACrashIsDroppedAndTheFileStaysPrivate() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    do {
      let outbox = try Outbox(folder: folder.path, key: "k")
      try outbox.enqueue([statement(1), statement(2)])
      outbox.close()
    }
    let path = folder.path + "/k.outbox"
    // A crash in the middle of acknowledging: half a line, no newline.
    let handle = try #require(FileHandle(forWritingAtPath: path))
    handle.seekToEndOfFile()
    handle.write(Data("A sent 00000000-0000-4000-80".utf8))
    try handle.close()
    let outbox = try Outbox(folder: folder.path, key: "k")
    #expect(outbox.pending.count == 2)
    try outbox.acknowledge([statement(1).id], as: .present)
    outbox.close()
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(text.hasSuffix("\n") && !text.contains("80A"))
    var st = stat()
    #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o600)
    #expect(try Outbox(folder: folder.path, key: "k").pending.map(\.id) == [statement(2).id])
  }

  @Test func compactingKeepsOnlyWhatStillMatters() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let outbox = try Outbox(folder: folder.path, key: "k")
    try outbox.enqueue((1...10).map(statement))
    try outbox.acknowledge((1...9).map { statement($0).id }, as: .sent)
    try outbox.compactIfWorthIt()
    outbox.close()
    let text = try String(contentsOfFile: folder.path + "/k.outbox", encoding: .utf8)
    #expect(text.split(separator: "\n").filter { $0.hasPrefix("Q ") }.count == 1)
    let reopened = try Outbox(folder: folder.path, key: "k")
    #expect(reopened.pending.map(\.id) == [statement(10).id])
    // Acknowledged ids are remembered, so they are never queued again.
    #expect(try reopened.enqueue([statement(3)]) == 0)
  }

  @Test func oneSenderAtATime() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let first = try Outbox(folder: folder.path, key: "k")
    #expect(throws: Outbox.Failure.self) { try Outbox(folder: folder.path, key: "k") }
    first.close()
    _ = try Outbox(folder: folder.path, key: "k")
  }
}

@Suite struct SettingsTests {
  @Test func environmentThenConfigFileAndSecretsOnlyFromPrivatePlaces() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try folder.write("lrs.conf", "endpoint = https://lrs.example.org/xapi\nusername = ops\npassword = s3cret\n")
    chmod(folder.file("lrs.conf"), 0o644)
    var sources = LRSSettingsSources(environment: ["HOME": folder.path])
    sources.configFile = folder.file("lrs.conf")
    #expect(throws: LRSSettingsSources.Problem.self) { try sources.resolve() }
    chmod(folder.file("lrs.conf"), 0o600)
    let fromFile = try sources.resolve()
    #expect(fromFile.endpoint.absoluteString == "https://lrs.example.org/xapi/")
    guard case .basic("ops", "s3cret") = fromFile.credentials else {
      Issue.record("expected basic credentials from the file")
      return
    }
    sources.environment["WORKSHOP_LRS_ENDPOINT"] = "http://127.0.0.1:8100/xAPI/"
    sources.environment["WORKSHOP_LRS_TOKEN"] = "tok"
    let fromEnvironment = try sources.resolve()
    #expect(fromEnvironment.endpoint.absoluteString == "http://127.0.0.1:8100/xAPI/")
    guard case .bearer("tok") = fromEnvironment.credentials else {
      Issue.record("the environment's token wins")
      return
    }
    #expect(fromEnvironment.outboxKey != fromFile.outboxKey)
    #expect(!fromEnvironment.displayEndpoint.contains("tok"))
  }

  @Test func badSettingsSayWhatToDo() throws {
    var sources = LRSSettingsSources(environment: ["HOME": "/nonexistent"])
    sources.endpoint = "ftp://lrs"
    #expect(throws: LRSSettingsSources.Problem.self) { try sources.resolve() }
    sources.endpoint = "https://lrs.example.org/xAPI/"
    sources.username = "ops"
    do {
      _ = try sources.resolve()
      Issue.record("a user without a password must be refused")
    } catch {
      #expect(error.description.contains("WORKSHOP_LRS_PASSWORD"))
    }
  }
}
