// Two helpers for the live-session tests, as separate processes so that neither a server nor a
// crowd of sockets shares the test runner's descriptors or threads.
//
// live-session-tool DIR [--admission]
//   Serves a small built-in course until killed; the restart tests SIGKILL it mid-session and
//   start it again on the same folder. Writes DIR/port once listening; the room is already on
//   the first question. `--admission` leaves the waiting cap at its default and lifts the
//   per-address cap and the join deadline, so that only the overall cap protects the room.
//
//   `--sockets N --idle-seconds S` set the accept budget and the request deadline.
//
// live-session-tool join PORT CODE
//   One learner joins; prints `welcome after N ms` (from connecting to the welcome) or
//   `refused: WHY`.
//
// live-session-tool crowd PORT COUNT
//   Opens COUNT learner WebSockets to 127.0.0.1:PORT that never join, and holds them. Prints
//   `upgraded N` once every upgrade is answered, then `holding H closed C` each time the server
//   closes some of them, until killed.
import Foundation
import WorkshopEngine
import WorkshopRecords
import WorkshopServer

#if canImport(Glibc)
  import Glibc
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "crowd", arguments.count == 3, let port = Int(arguments[1]), let count = Int(arguments[2]) {
  Crowd.hold(port: port, count: count)
}
if arguments.first == "join", arguments.count == 3, let port = Int(arguments[1]) {
  // One learner joining, timed from the connection to the welcome; prints
  // `welcome after N ms` or `refused: WHY`, then exits.
  let started = ContinuousClock.now
  let learner = LiveClient(url: "ws://127.0.0.1:\(port)/ws/learn")
  learner.send(LearnerRequest(type: .join, code: arguments[2], name: "Ana"))
  let answer = await learner.next { $0.type == .welcome || $0.type == .error }
  if let answer, answer.message.type == .welcome {
    let elapsed = answer.at - started
    let ms = Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
    Crowd.say("welcome after \(Int(ms.rounded())) ms")
  } else {
    Crowd.say("refused: \(answer?.message.text ?? "no answer")")
  }
  learner.close()
  exit(0)
}

let dir = arguments.first ?? "."
let question = Question(
  id: "capital", prompt: "Capital of France?",
  body: .single([.init(text: "Lyon", correct: false, feedback: "No."), .init(text: "Paris", correct: true),
                 .init(text: "Nice", correct: false, feedback: "No.")]),
  explanation: "Paris.", digest: "tool-q")
let lesson = Lesson(
  id: "basics", title: "Basics", summary: "", objectives: [], estimatedMinutes: 1, kind: .lesson, required: true,
  policy: Policy(shuffle: false), draw: nil, items: [.question(question)], path: "basics.md", digest: "tool-l")
let course = Course(
  id: "demo", title: "Demo", version: "1", description: "", language: "en", policy: Policy(shuffle: false),
  lessons: [lesson], directory: "", digest: "tool-c")

var limits = SessionLimits()
limits.joinBurst = 1_000
// Neither test is about the deadline: a loaded machine must not close a joining socket.
limits.joinDeadlineMilliseconds = 120_000
if arguments.contains("--admission") {
  // Every socket comes from 127.0.0.1: only the overall waiting cap is left to protect the room.
  limits.maxWaitingPerAddress = 1_000_000
}
/// `--sockets N --idle-seconds S`: a small accept budget and a short request deadline.
func option(_ name: String) -> Int? {
  guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
  return Int(arguments[i + 1])
}
if let sockets = option("--sockets") { limits.maxOpenSockets = sockets }
if let seconds = option("--idle-seconds") { limits.idleRequestSeconds = Int64(seconds) }
let options = LiveHost.Options(course: course, limits: limits, directory: dir, key: nil)
let (host, resumed, _) = try await LiveHost.open(options)
if !resumed { await host.command(InstructorCommand(.openLesson, lesson: "basics")) }
try await LiveServer.run(host: host, port: 0, limits: limits) { port in
  try? "\(port)".write(toFile: dir + "/port.tmp", atomically: false, encoding: .utf8)
  _ = rename(dir + "/port.tmp", dir + "/port")
}

/// Idle learner sockets: upgraded to WebSockets, never joining.
enum Crowd {
  static let upgradeRequest =
    "GET /ws/learn HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"

  static func hold(port: Int, count: Int) -> Never {
    _ = LiveServer.raiseDescriptorLimit()
    var sockets: [Int32] = []
    for _ in 0..<count {
      guard let fd = connect(port: port) else { fail("connect: \(String(cString: strerror(errno)))") }
      _ = Array(upgradeRequest.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      sockets.append(fd)
    }
    var upgraded = 0
    for fd in sockets where readResponseHead(fd).hasPrefix("HTTP/1.1 101") { upgraded += 1 }
    say("upgraded \(upgraded)")

    // Whatever the server sends (a reason, a close frame, pings) is read and dropped; a socket
    // the server closes reads as end of file.
    var open = Set(sockets)
    var reported = -1
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      var polled = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
      _ = poll(&polled, nfds_t(polled.count), 1_000)
      for p in polled where p.revents != 0 {
        let n = buffer.withUnsafeMutableBytes { recv(p.fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
          open.remove(p.fd)
          close(p.fd)
        }
      }
      if open.count != reported {
        reported = open.count
        say("holding \(open.count) closed \(count - open.count)")
      }
    }
  }

  static func connect(port: Int) -> Int32? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
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
      close(fd)
      return nil
    }
    return fd
  }

  /// Bytes up to the blank line that ends the response head (a minute at most).
  static func readResponseHead(_ fd: Int32) -> String {
    var timeout = timeval(tv_sec: 60, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var head: [UInt8] = []
    var byte: UInt8 = 0
    while !head.ends(with: Array("\r\n\r\n".utf8)), head.count < 4096, recv(fd, &byte, 1, 0) == 1 {
      head.append(byte)
    }
    return String(decoding: head, as: UTF8.self)
  }

  /// One line, written at once (standard output is a pipe: nothing may wait in a buffer).
  static func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
  }

  static func fail(_ why: String) -> Never {
    FileHandle.standardError.write(Data("live-session-tool crowd: \(why)\n".utf8))
    exit(1)
  }
}

extension Array where Element: Equatable {
  func ends(with suffix: [Element]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
