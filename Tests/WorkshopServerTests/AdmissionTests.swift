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
  /// Descriptors the crowd and the server may each open (their hard limit, which both raise
  /// their soft limit to): the probe's figure needs 1,200 for the crowd and as many again for
  /// the server.
  static let descriptorsAvailable: Int = {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
    return limit.rlim_max > rlim_t(Int.max) ? Int.max : Int(limit.rlim_max)
  }()

  // The probe's figure, 1,200 idle WebSockets, against the default waiting cap (1,024). The
  // server and the crowd are two helper processes: in this process 1,200 sockets would push
  // descriptor numbers past FD_SETSIZE, where Foundation's Process (which other suites use in
  // parallel) fails, and the server's work would compete with the live tests for the test
  // runner's two cooperative threads. Here the test holds one socket.
  @Test(
    "1,200 WebSockets that never join cannot keep a learner with the code out",
    .enabled(if: AdmissionTests.descriptorsAvailable >= 1_400, "needs a hard descriptor limit of at least 1,400"))
  func anIdleCrowdCannotLockTheRoom() async throws {
    let tool = try #require(RestartTests.tool(), "live-session-tool is built with the tests")
    let dir = temporaryDirectory("crowd")
    let (server, port) = try await RestartTests.start(tool, dir: dir, arguments: ["--admission"])
    let crowd = try WatchedProcess(tool, ["crowd", String(port), "1200"])
    defer {
      for p in [crowd.process, server] where p.isRunning {
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
      }
    }
    let code = try #require(try SessionLog.open(path: dir + "/session.jsonl").facts.first?.code)
    let cap = SessionLimits().maxWaitingConnections

    // Every upgrade is answered, and the server cuts the crowd down to the waiting cap.
    #expect(await crowd.waitFor(timeout: .seconds(240)) { $0.contains("upgraded 1200") }, "\(crowd.output)")
    let held = await crowd.waitFor(timeout: .seconds(120)) { line in
      line.hasPrefix("holding ") && (Int(line.split(separator: " ")[1]) ?? .max) <= cap
    }
    #expect(held, "\(crowd.output.suffix(400))")

    // The learner is a third process too, so the time it reports is the server's, not this
    // runner's (whose threads other suites keep busy).
    let learner = try WatchedProcess(tool, ["join", String(port), code])
    defer {
      if learner.process.isRunning {
        kill(learner.process.processIdentifier, SIGKILL)
        learner.process.waitUntilExit()
      }
    }
    #expect(await learner.waitFor(timeout: .seconds(120)) { $0.hasPrefix("welcome after") }, "\(learner.output)")
    // The oldest idle socket made way for her.
    #expect(
      await crowd.waitFor(timeout: .seconds(60)) { $0.hasPrefix("holding \(cap - 1) ") }, "\(crowd.output.suffix(400))")
    print("AdmissionTests: past 1,200 idle sockets, \(learner.output)")
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
      // On a machine busy enough, the deadline can pass before the ping is answered; the
      // reason must arrive either way.
      let first = await idle.next { $0.type == .pong || $0.type == .error }
      #expect(first != nil)
      let told = first?.message.type == .error ? first : await idle.next { $0.type == .error }
      #expect(told?.message.text?.contains("join within") == true, "\(String(describing: told))")
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

  // A server process of its own: Hummingbird's in-process test server drops the accept budget
  // (`ApplicationConfiguration.with(address:)` does not carry `availableConnectionsDelegate`),
  // and the budget is what a flood fills.
  @Test("half-open HTTP requests that fill the socket budget are timed out, then the instructor API answers")
  func aHalfOpenFloodDoesNotLockOutTheInstructor() async throws {
    let tool = try #require(RestartTests.tool(), "live-session-tool is built with the tests")
    let dir = temporaryDirectory("flood")
    let budget = 80
    let (server, port) = try await RestartTests.start(
      tool, dir: dir, arguments: ["--sockets", String(budget), "--idle-seconds", "1"])
    defer {
      if server.isRunning {
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
      }
    }
    let token = try #require(try SessionLog.open(path: dir + "/session.jsonl").facts.first?.instructorToken)
    let socketsBefore = RawSocket.openSockets(of: server.processIdentifier)
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
    // The flood fills the budget, and the budget holds: the server stops accepting (accept may
    // take a few more in the batch it is reading) rather than take every connection.
    var accepted = 0
    let deadline = ContinuousClock.now + .seconds(60)
    while accepted < budget && ContinuousClock.now < deadline {
      accepted = RawSocket.openSockets(of: server.processIdentifier) - socketsBefore
      try await Task.sleep(for: .milliseconds(20))
    }
    #expect(accepted >= budget && accepted <= budget + 16, "\(accepted) accepted")
    let reply = RawSocket.readAll(api, timeoutSeconds: 60)
    #expect(reply.hasPrefix("HTTP/1.1 200"), "\(reply.prefix(80))")
    // The server, not the test, ended the half-open requests: each reads as closed, unanswered.
    #expect(RawSocket.isClosedByPeer(flood[0]))
    #expect(RawSocket.isClosedByPeer(flood[119]))
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

/// A helper process whose standard output is watched line by line.
final class WatchedProcess: @unchecked Sendable {
  let process = Process()
  private let lock = NSLock()
  private var lines: [String] = []
  private var partial = ""

  init(_ executable: String, _ arguments: [String]) throws {
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    out.fileHandleForReading.readabilityHandler = { [weak self] handle in
      let data = handle.availableData
      guard let self, !data.isEmpty else {
        // End of file: stop watching, or the handler is called again and again.
        handle.readabilityHandler = nil
        return
      }
      self.lock.withLock {
        self.partial += String(decoding: data, as: UTF8.self)
        while let end = self.partial.firstIndex(of: "\n") {
          self.lines.append(String(self.partial[..<end]))
          self.partial = String(self.partial[self.partial.index(after: end)...])
        }
      }
    }
    try process.run()
  }

  var output: String { lock.withLock { lines.joined(separator: "\n") } }

  /// Polls until a line satisfies `predicate`, the process ends, or the timeout passes.
  func waitFor(timeout: Duration, _ predicate: (String) -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
      if lock.withLock({ lines.contains(where: predicate) }) { return true }
      if !process.isRunning { return lock.withLock { lines.contains(where: predicate) } }
      try? await Task.sleep(for: .milliseconds(50))
    }
    return false
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

  /// Sockets a process has open, from /proc.
  static func openSockets(of pid: pid_t) -> Int {
    let dir = "/proc/\(pid)/fd"
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
    return entries.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: dir + "/" + $0))?.hasPrefix("socket:") == true }.count
  }

  /// Whether the peer has closed the connection (a read returns end of file, not a timeout).
  static func isClosedByPeer(_ fd: Int32, timeoutSeconds: Int = 60) -> Bool {
    var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var byte: UInt8 = 0
    while true {
      let n = recv(fd, &byte, 1, 0)
      if n == 0 { return true }
      if n < 0 { return errno == ECONNRESET }
    }
  }

  struct SocketError: Error, CustomStringConvertible {
    var code: Int32
    var description: String { String(cString: strerror(code)) }
  }
}
