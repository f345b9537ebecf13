import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import WorkshopEngine
@testable import WorkshopServer

#if canImport(Glibc)
  import Glibc
#endif

/// Who gets into a room: idle sockets, half-open HTTP requests and join-code guessing must not
/// keep out a learner who has the code, nor the instructor. Loopback only, bounded in count.
@Suite(.serialized) struct AdmissionTests {
  // Counts stay well below 1,024 descriptors in this process: other suites spawn processes in
  // parallel, and Foundation's Process misbehaves once descriptor numbers pass FD_SETSIZE. The
  // crowd is still five times the waiting cap, which is what the rule is about.
  // A stress test: its 250 sockets starve the live tests that run beside it on a two-core
  // machine, so it runs when asked (WORKSHOP_STRESS_TESTS=1 swift test --filter AdmissionTests).
  @Test(
    "250 WebSockets that never join (five times the waiting cap) cannot keep a learner with the code out",
    .enabled(if: ProcessInfo.processInfo.environment["WORKSHOP_STRESS_TESTS"] == "1"))
  func anIdleCrowdCannotLockTheRoom() async throws {
    var limits = SessionLimits()
    limits.maxWaitingConnections = 50
    // Long enough that the join deadline plays no part: only the waiting cap protects the room.
    limits.joinDeadlineMilliseconds = 120_000
    limits.maxWaitingPerAddress = 2_000
    let host = try await makeHost(limits: limits)
    let code = await host.joinCode
    let app = LiveServer.buildApplication(host: host, limits: limits)
    let waitingCap = limits.maxWaitingConnections
    try await app.test(.live) { client in
      let port = client.port!
      var crowd: [Int32] = []
      defer { for fd in crowd { close(fd) } }
      for _ in 0..<250 {
        let fd = try RawSocket.connect(port: port)
        RawSocket.send(fd, RawSocket.upgradeRequest)
        crowd.append(fd)
      }
      // Every upgrade has reached the host before the learner arrives.
      try await until(timeout: .seconds(120)) { await host.nextConnection > 250 }
      #expect(await host.waitingConnections <= waitingCap)

      let learner = LiveClient(url: "ws://127.0.0.1:\(port)/ws/learn")
      learner.send(LearnerRequest(type: .join, code: code, name: "Ana"))
      let welcome = await learner.next { $0.type == .welcome || $0.type == .error }
      #expect(welcome?.message.type == .welcome, "\(welcome?.message.text ?? "no answer")")
      #expect(await host.view().people.map(\.name) == ["Ana"])
    }
  }

  @Test("a connection that has not joined is closed at the join deadline, with the reason")
  func theJoinDeadline() async throws {
    var limits = SessionLimits()
    // Long enough that a loaded machine still answers the ping first, short enough for a test.
    limits.joinDeadlineMilliseconds = 2_000
    let host = try await makeHost(limits: limits)
    let app = LiveServer.buildApplication(host: host, limits: limits)
    try await app.test(.live) { client in
      let idle = LiveClient(url: "ws://127.0.0.1:\(client.port!)/ws/learn")
      idle.send(LearnerRequest(type: .ping))
      #expect(await idle.next()?.message.type == .pong)
      let told = await idle.next { $0.type == .error }
      #expect(told?.message.text?.contains("join within") == true)
      #expect(await idle.waitUntilClosed())
      #expect(await host.waitingConnections == 0)
    }
  }

  @Test("at the waiting cap the oldest idle connection makes way, and is told why")
  func theOldestIdleConnectionMakesWay() async throws {
    var limits = SessionLimits()
    limits.maxWaitingConnections = 2
    // Long enough that the join deadline plays no part: only the waiting cap closes a socket.
    limits.joinDeadlineMilliseconds = 120_000
    let host = try await makeHost(limits: limits)
    let code = await host.joinCode
    let app = LiveServer.buildApplication(host: host, limits: limits)
    try await app.test(.live) { client in
      let url = "ws://127.0.0.1:\(client.port!)/ws/learn"
      let a = LiveClient(url: url)
      a.send(LearnerRequest(type: .ping))
      #expect(await a.next()?.message.type == .pong)
      let b = LiveClient(url: url)
      b.send(LearnerRequest(type: .ping))
      #expect(await b.next()?.message.type == .pong)
      let learner = LiveClient(url: url)
      learner.send(LearnerRequest(type: .join, code: code, name: "Bea"))
      #expect(await learner.next { $0.type == .welcome } != nil)
      #expect(await a.next { $0.type == .error }?.message.text?.contains("busy") == true)
      #expect(await a.waitUntilClosed())
    }
  }

  @Test(
    "half-open HTTP requests beyond the socket budget are timed out, then the instructor API answers",
    .disabled("the instructor's request is not answered within 60 s once the accept budget is full: under investigation"))
  func aHalfOpenFloodDoesNotLockOutTheInstructor() async throws {
    var limits = SessionLimits()
    limits.maxOpenSockets = 80
    limits.idleRequestSeconds = 1
    let host = try await makeHost(limits: limits)
    let token = await host.instructorToken
    let app = LiveServer.buildApplication(host: host, limits: limits)
    try await app.test(.live) { client in
      let port = client.port!
      var flood: [Int32] = []
      defer { for fd in flood { close(fd) } }
      for _ in 0..<120 {
        let fd = try RawSocket.connect(port: port)
        RawSocket.send(fd, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        flood.append(fd)
      }
      let api = try RawSocket.connect(port: port)
      defer { close(api) }
      RawSocket.send(api, "GET /api/host/state?token=\(token) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
      let reply = RawSocket.readAll(api, timeoutSeconds: 60)
      #expect(reply.hasPrefix("HTTP/1.1 200"), "\(reply.prefix(80))")
    }
  }

  @Test("wrong join codes from one address are slowed down exponentially; others are not")
  func joinCodeGuessingIsSlowed() async throws {
    let clock = TestClock()
    var limits = SessionLimits()
    limits.freeWrongCodes = 2
    let options = LiveHost.Options(
      course: Fixture.course(), limits: limits, directory: temporaryDirectory(), key: nil,
      clock: clock.function)
    let host = try await LiveHost.open(options).host
    let code = await host.joinCode
    let announcements = await host.announcements()
    func attempt(_ guess: String, from address: String) async throws -> LearnerMessage? {
      guard case .success(let (id, stream)) = await host.connect(address: address) else { return nil }
      await host.receive(WireCoding.encode(LearnerRequest(type: .join, code: guess, name: "Eve")), from: id)
      for await text in stream {
        if let m = WireCoding.decode(LearnerMessage.self, text) { return m }
      }
      return nil
    }
    let wrong = code == "000000" ? "111111" : "000000"
    // Two free tries, then the third starts a one-second wait.
    for _ in 0..<3 { #expect(try await attempt(wrong, from: "10.0.0.9")?.text == "wrong join code") }
    let refused = try await attempt(code, from: "10.0.0.9")
    #expect(refused?.text?.contains("too many wrong join codes") == true, "even the right code waits")
    // Another address is not affected.
    #expect(try await attempt(code, from: "10.0.0.7")?.type == .welcome)
    clock.advance(ms: 1_001)
    #expect(try await attempt(wrong, from: "10.0.0.9")?.text == "wrong join code")
    // The wait doubles: one second is no longer enough.
    clock.advance(ms: 1_001)
    #expect(try await attempt(wrong, from: "10.0.0.9")?.text?.contains("too many") == true)
    clock.advance(ms: 1_000)
    #expect(try await attempt(code, from: "10.0.0.9")?.type == .welcome)
    var logged: [String] = []
    for await line in announcements {
      logged.append(line)
      if logged.filter({ $0.contains("wrong join code from 10.0.0.9") }).count == 4 { break }
    }
    #expect(logged.contains("wrong join code from 10.0.0.9 (4 in a row)"))
  }

  @Test("a room can be given a longer join code")
  func aLongerJoinCode() async throws {
    let settings = try SessionSettings.parse(yaml: "join_code_digits: 10")
    let host = try await makeHost(settings: settings)
    let code = await host.joinCode
    #expect(code.count == 10 && code.allSatisfy(\.isNumber))
    #expect(throws: SessionSettings.ParseError.self) { try SessionSettings.parse(yaml: "join_code_digits: 4") }
  }
}

/// Plain TCP sockets for the probes that a WebSocket client library would not make.
enum RawSocket {
  static let upgradeRequest =
    "GET /ws/learn HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"

  static func connect(port: Int) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SocketError(code: errno) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard result == 0 else {
      let code = errno
      close(fd)
      throw SocketError(code: code)
    }
    return fd
  }

  static func send(_ fd: Int32, _ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
  }

  /// Reads until the peer closes or `timeoutSeconds` pass without data.
  static func readAll(_ fd: Int32, timeoutSeconds: Int) -> String {
    var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var out = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if n <= 0 { break }
      out += buffer[0..<n]
    }
    return String(decoding: out, as: UTF8.self)
  }

  struct SocketError: Error, CustomStringConvertible {
    var code: Int32
    var description: String { String(cString: strerror(code)) }
  }
}
