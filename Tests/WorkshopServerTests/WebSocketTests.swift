import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import WorkshopTestSupport
import WorkshopEngine
import WorkshopRecords
@testable import WorkshopServer

/// Several learners over real WebSockets on loopback.
@Suite(.serialized) struct WebSocketTests {
  @Test func aClassJoinsAnswersDropsReconnectsIsRemovedAndEnds() async throws {
    let key = InstructorKey.generate()
    let dir = temporaryDirectory("ws")
    let host = try await makeHost(dir: dir, key: key, issuer: IssuerProfile(name: "Example Academy"))
    let code = await host.joinCode
    let app = LiveServer.buildApplication(host: host)
    try await app.test(.live) { client in
      let url = "ws://127.0.0.1:\(client.port!)/ws/learn"
      var clients: [String: LiveClient] = [:]
      var tokens: [String: String] = [:]
      for name in ["Ana", "Bob", "Cy"] {
        let c = LiveClient(url: url)
        c.send(LearnerRequest(type: .join, code: code, name: name))
        let welcome = await c.next { $0.type == .welcome }
        #expect(welcome?.message.name == name)
        clients[name] = c
        tokens[name] = welcome?.message.token
      }
      #expect(await host.view().people.count == 3)

      await host.command(InstructorCommand(.openLesson, lesson: "basics"))
      await host.command(InstructorCommand(.next))
      for (name, c) in clients {
        let item = await c.next { $0.type == .item && $0.item?.question != nil }
        #expect(item?.message.item?.question?.id == "capital", "\(name) sees the question")
      }
      // Ana and Cy answer; Bob answers wrong.
      for (name, input) in [("Ana", "b"), ("Bob", "a"), ("Cy", "b")] {
        clients[name]!.send(LearnerRequest(type: .answer, submission: "\(name)-1", question: "capital", input: input))
        let ack = await clients[name]!.next { $0.type == .ack }
        #expect(ack?.message.submission == "\(name)-1")
      }
      // Every acknowledged answer is already on disk.
      let logged = try SessionLog.open(path: dir + "/session.jsonl").facts.filter { $0.kind == .answered }
      #expect(Set(logged.compactMap(\.submission)) == ["Ana-1", "Bob-1", "Cy-1"])
      #expect(await host.view().buckets.map(\.count) == [1, 2, 0])

      // Ana's Wi-Fi drops; she comes back with her token and finds her answer.
      clients["Ana"]!.drop()
      #expect(await clients["Ana"]!.waitUntilClosed())
      #expect(await eventually { await host.view().people.first { $0.id == "ana" }?.connected == false })
      let ana = LiveClient(url: url)
      ana.send(LearnerRequest(type: .resume, token: tokens["Ana"]))
      let back = await ana.next { $0.type == .item }
      #expect(back?.message.item?.yourAnswer == "B" && back?.message.item?.yourOutcome == .correct)
      // Her client re-sends the answer it never saw acknowledged: harmless.
      ana.send(LearnerRequest(type: .answer, submission: "Ana-1", question: "capital", input: "b"))
      #expect(await ana.next { $0.type == .ack }?.message.outcome == .correct)
      clients["Ana"] = ana
      #expect(await host.room.participants["ana"]?.standings["basics/capital"]?.attempts == 1)

      // Bob is removed: told so and disconnected; his token no longer works.
      await host.command(InstructorCommand(.remove, participant: "bob"))
      #expect(await clients["Bob"]!.next { $0.type == .removed } != nil)
      #expect(await clients["Bob"]!.waitUntilClosed())
      let bobAgain = LiveClient(url: url)
      bobAgain.send(LearnerRequest(type: .resume, token: tokens["Bob"]))
      #expect(await bobAgain.next()?.message.type == .removed)

      // The end: everyone still here gets a signed record.
      await host.command(InstructorCommand(.end))
      for name in ["Ana", "Cy"] {
        let ended = await clients[name]!.next { $0.type == .ended }
        #expect(ended?.message.score == 1)
        let json = try #require(ended?.message.record)
        var isRecord = true
        let (report, _) = try RecordVerifier.verify(
          data: Data(json.utf8), course: { _ in Fixture.course() }, grading: .engine,
          trusting: [key.publicKeyBase64], isRecord: &isRecord)
        #expect(report.status == .valid, "\(report.findings)")
        #expect(report.signature == .valid(signer: key.keyID, trusted: true))
      }
      #expect(FileManager.default.fileExists(atPath: dir + "/roster.csv"))
      #expect(FileManager.default.fileExists(atPath: dir + "/records/ana.json"))
      #expect(!FileManager.default.fileExists(atPath: dir + "/records/bob.json"))

      // Those who passed also get the Open Badge export would make, signed with the same key.
      #expect(await eventually { await host.badges["ana"] != nil })
      let badge = try String(contentsOfFile: dir + "/records/ana.badge.jwt", encoding: .utf8)
      #expect(await host.badges["ana"].map { $0 + "\n" } == badge)
      let ranAs = LiveCompletion.course(of: await host.room)
      let report = try await BadgeVerifier.verify(
        token: badge, now: Date(), course: { _ in ranAs }, trusting: [key.publicKeyBase64])
      #expect(report.status == .valid, "\(report.problems) \(report.contentChanges)")
      #expect(report.credential?["issuer"]?["name"]?.string == "Example Academy")
      #expect(!FileManager.default.fileExists(atPath: dir + "/records/bob.badge.jwt"))
    }
  }

  @Test func learnersCannotActAsTheInstructor() async throws {
    let host = try await makeHost()
    let code = await host.joinCode
    let app = LiveServer.buildApplication(host: host)
    try await app.test(.live) { client in
      let c = LiveClient(url: "ws://127.0.0.1:\(client.port!)/ws/learn")
      c.send(LearnerRequest(type: .join, code: code, name: "Eve"))
      _ = await c.next { $0.type == .welcome }
      c.sendRaw(#"{"command":"end"}"#)
      #expect(await c.next()?.message.type == .error)
      #expect(await !host.room.ended)
      // The instructor socket refuses a learner without the token.
      let sneaky = LiveClient(url: "ws://127.0.0.1:\(client.port!)/ws/host?token=guess")
      #expect(await sneaky.waitUntilClosed())
      #expect(sneaky.received.isEmpty)
    }
  }

  @Test func oversizedMessagesCloseTheConnection() async throws {
    var limits = SessionLimits()
    limits.maxMessageBytes = 1024
    let host = try await makeHost(limits: limits)
    let app = LiveServer.buildApplication(host: host, limits: limits)
    try await app.test(.live) { client in
      let c = LiveClient(url: "ws://127.0.0.1:\(client.port!)/ws/learn")
      c.send(LearnerRequest(type: .ping))
      #expect(await c.next()?.message.type == .pong)
      c.sendRaw(String(repeating: "x", count: 4096))
      #expect(await c.waitUntilClosed())
    }
  }

  @Test func theInstructorSocketStreamsTheViewAndTakesCommands() async throws {
    let host = try await makeHost()
    let token = await host.instructorToken
    let code = await host.joinCode
    let app = LiveServer.buildApplication(host: host)
    try await app.test(.live) { client in
      let port = client.port!
      let learner = LiveClient(url: "ws://127.0.0.1:\(port)/ws/learn")
      learner.send(LearnerRequest(type: .join, code: code, name: "Ana"))
      _ = await learner.next { $0.type == .welcome }
      // LiveClient decodes learner messages; the instructor socket is read raw here.
      let instructor = InstructorSocket(url: "ws://127.0.0.1:\(port)/ws/host?token=\(token)")
      instructor.send(#"{"command":"open-lesson","lesson":"basics"}"#)
      let view = await instructor.nextView { $0.lesson == "basics" }
      #expect(view?.people.map(\.name) == ["Ana"])
      #expect(await learner.next { $0.type == .item }?.message.item?.pageTitle == "Intro")
    }
  }
}

final class EventLog: @unchecked Sendable {
  let lock = NSLock()
  var events: [LiveLearner.Event] = []
  func add(_ e: LiveLearner.Event) { lock.withLock { events.append(e) } }
  var reconnects: Int { lock.withLock { events.filter { if case .reconnecting = $0 { true } else { false } }.count } }
  var finished: String? {
    lock.withLock { events.lazy.compactMap { if case .finished(let w) = $0 { w } else { nil } }.first }
  }
  func messages(_ type: LearnerMessage.Kind) -> [LearnerMessage] {
    lock.withLock { events.compactMap { if case .message(let m) = $0, m.type == type { m } else { nil } } }
  }
}

@Suite(.serialized) struct LiveLearnerTests {
  @Test func aLearnerReconnectsByItselfAndResendsWhatWasNotAcknowledged() async throws {
    let host = try await makeHost()
    let code = await host.joinCode
    let app = LiveServer.buildApplication(host: host)
    try await app.test(.live) { client in
      let log = EventLog()
      let learner = LiveLearner(url: "ws://127.0.0.1:\(client.port!)/ws/learn", code: code, name: "Ana", token: nil) {
        log.add($0)
      }
      let running = Task { await learner.run() }
      try await until { await learner.token != nil }
      await host.command(InstructorCommand(.openLesson, lesson: "basics"))
      await host.command(InstructorCommand(.next))
      try await until { await learner.item?.question?.id == "capital" }

      // The line drops just as she answers: the answer waits and goes once she is back.
      await learner.dropConnection()
      await learner.answer("b", submission: "held")
      try await until { log.reconnects >= 1 }
      try await until { await learner.unacknowledged == 0 }
      #expect(log.messages(.ack).last?.submission == "held")
      #expect(await host.room.participants["ana"]?.answers["basics/capital"]?.outcome == .correct)
      #expect(await host.room.participants.count == 1, "she came back as herself, not as a new learner")

      await host.command(InstructorCommand(.end))
      try await until { log.finished != nil }
      #expect(log.finished == "the session has ended")
      #expect(log.messages(.ended).first?.record != nil)
      _ = await running.value
    }
  }

  @Test func aWrongCodeEndsTheAttempt() async throws {
    let host = try await makeHost()
    let app = LiveServer.buildApplication(host: host)
    try await app.test(.live) { client in
      let log = EventLog()
      let learner = LiveLearner(url: "ws://127.0.0.1:\(client.port!)/ws/learn", code: "000000x", name: "Eve", token: nil) {
        log.add($0)
      }
      await learner.run()
      #expect(log.finished == "wrong join code")
    }
  }
}

func until(timeout: Duration = .seconds(60), _ condition: @Sendable () async -> Bool) async throws {
  let deadline = ContinuousClock.now + timeout
  while ContinuousClock.now < deadline {
    if await condition() { return }
    try await Task.sleep(for: .milliseconds(20))
  }
  Issue.record("condition not met in time")
  throw CancellationError()
}
