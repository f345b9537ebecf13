import Foundation
import WorkshopCommandLine
import WorkshopEngine

/// `--sync` in a learner's session. The statements are sent by the companion program
/// (`workshop-live sync --follow`, found as `serve` and `join` find it), so that `workshop` itself
/// links no network code. The session tells it of each durable journal write over its standard
/// input and shows the one-line notices that come back over its standard output as it shows any
/// status from the background; the companion never touches the terminal (see `SyncFollowing`).
final class CompanionSync: JournalFollower, @unchecked Sendable {
  /// How long the session's end waits for the companion: the last round's own bound
  /// (`BackgroundSync.defaultFinalFlush`, 5 s) and a moment to report it.
  static let finalWait: TimeInterval = 8

  enum Problem: Error {
    /// workshop-live is neither beside workshop nor on PATH.
    case missing
    /// The settings are incomplete or wrong, in the words of `workshop sync`.
    case settings(String)
    case notStarted(String)
  }

  private let process: Process
  /// Our end of the companion's standard input.
  private let requests: Int32
  // Everything below is guarded by `condition`.
  private let condition = NSCondition()
  private var notify: @Sendable (String) -> Void = { _ in }
  private var outcome: SyncFollowing.Reply?
  private var gone = false
  private var ending = false

  private init(process: Process, requests: Int32) {
    self.process = process
    self.requests = requests
  }

  /// Starts the companion and waits until it has read its settings, so that bad ones stop the
  /// session before it starts, not after the learner's first answer.
  static func start(progressRoot: String, lessonsRoot: String) throws(Problem) -> CompanionSync {
    guard let path = LiveCompanion.locate() else { throw .missing }
    // A socket rather than a pipe, so that telling a companion that has died raises no SIGPIPE
    // in the session (MSG_NOSIGNAL), and close-on-exec, so that no other child keeps it open.
    var pair: [Int32] = [-1, -1]
    guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
      throw .notStarted(String(cString: strerror(errno)))
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = ["sync", SyncFollowing.option, "--lessons", lessonsRoot, "--progress", progressRoot]
    process.standardInput = FileHandle(fileDescriptor: pair[1], closeOnDealloc: false)
    let replies = Pipe()
    process.standardOutput = replies
    process.standardError = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      close(pair[0])
      close(pair[1])
      throw .notStarted("could not start \(path): \(error.localizedDescription)")
    }
    close(pair[1])
    let companion = CompanionSync(process: process, requests: pair[0])
    var reader = LineReader(descriptor: replies.fileHandleForReading.fileDescriptor)
    switch reader.next().flatMap(SyncFollowing.Reply.init(line:)) {
    case .ready?:
      break
    case .error(let text)?:
      process.waitUntilExit()
      throw .settings(text)
    default:
      throw .notStarted("\(path) stopped before it was ready")
    }
    let handle = replies.fileHandleForReading
    let rest = reader
    Thread.detachNewThread {
      withExtendedLifetime(handle) { companion.listen(rest) }
    }
    return companion
  }

  // MARK: - JournalFollower

  func sessionStarted(notify: @escaping @Sendable (String) -> Void) {
    condition.withLock { self.notify = notify }
  }

  func journalSaved(learner: LearnerID) {
    tell(.saved(learner: learner.rawValue))
  }

  func sessionEnding() -> String? {
    condition.withLock { ending = true }
    tell(.end)
    shutdown(requests, Int32(SHUT_WR))
    let deadline = Date().addingTimeInterval(Self.finalWait)
    condition.lock()
    while outcome == nil, !gone, condition.wait(until: deadline) {}
    let last = outcome
    condition.unlock()
    switch last {
    case .finished?:
      return nil
    case .left(let text)?:
      return text
    default:
      if process.isRunning { process.terminate() }
      return "statements the LRS has not acknowledged yet wait in the outbox; `workshop sync` sends them."
    }
  }

  // MARK: - The channel

  /// Never blocks the session: a companion too far behind to take a nudge still has the ones
  /// before it, and its last round reads the journals whole.
  private func tell(_ request: SyncFollowing.Request) {
    let bytes = Array(request.line.utf8)
    _ = bytes.withUnsafeBytes { send(requests, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)) }
  }

  private func listen(_ reader: LineReader) {
    var reader = reader
    while let line = reader.next() {
      switch SyncFollowing.Reply(line: line) {
      case .notice(let text)?:
        condition.withLock { notify }(text)
      case .finished?, .left?:
        condition.withLock {
          outcome = SyncFollowing.Reply(line: line)
          condition.broadcast()
        }
      default:
        continue
      }
    }
    let unexpected: Bool = condition.withLock {
      gone = true
      condition.broadcast()
      return !ending
    }
    if unexpected {
      condition.withLock { notify }(
        "sending to the LRS has stopped; your answers are saved here, and `workshop sync` sends them.")
    }
  }

  /// Lines from a descriptor, without the newline.
  struct LineReader {
    let descriptor: Int32
    private var buffer: [UInt8] = []

    init(descriptor: Int32) { self.descriptor = descriptor }

    mutating func next() -> Substring? {
      while true {
        if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
          let line = String(decoding: buffer[..<newline], as: UTF8.self)
          buffer.removeSubrange(...newline)
          return line[...]
        }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0, errno == EINTR { continue }
        guard count > 0 else { return nil }
        buffer.append(contentsOf: chunk[..<count])
      }
    }
  }
}
