import Foundation
import Testing
import WorkshopEngine
@testable import WorkshopServer

/// Kills a real server process mid-session and checks that the restarted one still has every
/// answer it acknowledged.
@Suite(.serialized) struct RestartTests {
  static func tool() -> String? {
    let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let candidates = [
      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path,
      Bundle.main.bundleURL.deletingLastPathComponent().path,
      Bundle.main.bundleURL.path,
      here.appendingPathComponent(".build/debug").path,
    ]
    return candidates.map { $0 + "/live-session-tool" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  static func start(_ tool: String, dir: String, arguments: [String] = []) async throws -> (Process, Int) {
    try? FileManager.default.removeItem(atPath: dir + "/port")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: tool)
    p.arguments = [dir] + arguments
    p.standardOutput = FileHandle.nullDevice
    // Never the test runner's own stderr: a server left running would hold it open.
    p.standardError = FileHandle.nullDevice
    try p.run()
    for _ in 0..<500 {
      if let text = try? String(contentsOfFile: dir + "/port", encoding: .utf8), let port = Int(text) {
        return (p, port)
      }
      try await Task.sleep(for: .milliseconds(20))
    }
    p.terminate()
    throw CancellationError()
  }

  @Test func aServerKilledMidSessionResumesWithEveryAcknowledgedAnswer() async throws {
    let tool = try #require(Self.tool(), "live-session-tool is built with the tests")
    let dir = temporaryDirectory("restart")
    var (process, port) = try await Self.start(tool, dir: dir)
    // Whatever happens below, no server outlives the test.
    defer {
      if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
      }
    }
    let code = try #require(
      try SessionLog.open(path: dir + "/session.jsonl").facts.first?.code)

    // Twenty learners join, then answer all at once; the server is killed while acks arrive.
    var learners: [(LiveClient, String)] = []
    for i in 0..<20 {
      let c = LiveClient(url: "ws://127.0.0.1:\(port)/ws/learn")
      c.send(LearnerRequest(type: .join, code: code, name: "L\(i)"))
      let token = try #require(await c.next { $0.type == .welcome }?.message.token)
      learners.append((c, token))
    }
    for (i, (c, _)) in learners.enumerated() {
      c.send(LearnerRequest(type: .answer, submission: "s\(i)", question: "capital", input: i % 2 == 0 ? "b" : "a"))
    }
    _ = await learners[0].0.next { $0.type == .ack }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    let acknowledged = learners.enumerated().filter { _, l in l.0.received.contains { $0.message.type == .ack } }.map(\.offset)
    #expect(!acknowledged.isEmpty)

    (process, port) = try await Self.start(tool, dir: dir)
    for i in acknowledged {
      let c = LiveClient(url: "ws://127.0.0.1:\(port)/ws/learn")
      c.send(LearnerRequest(type: .resume, token: learners[i].1))
      let item = await c.next { $0.type == .item }
      #expect(item?.message.item?.yourAnswer == (i % 2 == 0 ? "B" : "A"), "learner \(i)'s acknowledged answer survived")
      // The client re-sends what it sent before the crash: recognised, not counted again.
      c.send(LearnerRequest(type: .answer, submission: "s\(i)", question: "capital", input: "b"))
      let ack = await c.next { $0.type == .ack || $0.type == .rejected }
      #expect(ack?.message.type == .ack && ack?.message.submission == "s\(i)")
      c.close()
    }
    let facts = try SessionLog.open(path: dir + "/session.jsonl").facts.filter { $0.kind == .answered }
    #expect(Set(facts.compactMap(\.submission)).isSuperset(of: acknowledged.map { "s\($0)" }))
    #expect(facts.count == Set(facts.compactMap(\.submission)).count, "no answer counted twice")
  }
}
