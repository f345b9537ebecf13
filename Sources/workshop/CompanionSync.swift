#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
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

  private let process: ChildProcess
  // Everything below is guarded by `condition`.
  private let condition = Condition()
  /// Nil until the session has started; notices that come earlier wait in `early`.
  private var notify: (@Sendable (String) -> Void)?
  private var early: [String] = []
  private var outcome: SyncFollowing.Reply?
  private var gone = false
  private var ending = false

  private init(process: ChildProcess) {
    self.process = process
  }

  /// Starts the companion and waits until it has read its settings, so that bad ones stop the
  /// session before it starts, not after the learner's first answer.
  static func start(progressRoot: String, lessonsRoot: String) throws(Problem) -> CompanionSync {
    guard let path = LiveCompanion.locate() else { throw .missing }
    let process: ChildProcess
    do {
      process = try ChildProcess.start(
        path: path, arguments: ["sync", SyncFollowing.option, "--lessons", lessonsRoot, "--progress", progressRoot])
    } catch {
      throw .notStarted("could not start \(path): \(error)")
    }
    let companion = CompanionSync(process: process)
    var reader = DescriptorLines(descriptor: process.output)
    switch reader.next().flatMap(SyncFollowing.Reply.init(line:)) {
    case .ready?:
      break
    case .error(let text)?:
      process.waitUntilExit()
      throw .settings(text)
    default:
      throw .notStarted("\(path) stopped before it was ready")
    }
    let rest = reader
    ChildProcess.detachThread { companion.listen(rest) }
    return companion
  }

  // MARK: - JournalFollower

  func sessionStarted(notify: @escaping @Sendable (String) -> Void) {
    let waiting: [String] = condition.withLock {
      self.notify = notify
      defer { early = [] }
      return early
    }
    waiting.forEach(notify)
  }

  /// Shows a notice above the prompt, or keeps it until the session has started.
  private func show(_ text: String) {
    let notify: (@Sendable (String) -> Void)? = condition.withLock {
      if self.notify == nil { early.append(text) }
      return self.notify
    }
    notify?(text)
  }

  func journalSaved(learner: LearnerID) {
    tell(.saved(learner: learner.rawValue))
  }

  func sessionEnding() -> String? {
    condition.withLock { ending = true }
    tell(.end)
    process.closeInput()
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
    process.sendWithoutWaiting(Array(request.line.utf8))
  }

  private func listen(_ reader: DescriptorLines) {
    var reader = reader
    while let line = reader.next() {
      switch SyncFollowing.Reply(line: line) {
      case .notice(let text)?:
        show(text)
      case .finished?, .left?:
        condition.withLock {
          outcome = SyncFollowing.Reply(line: line)
          condition.broadcast()
        }
      default:
        continue
      }
    }
    // The companion closes its output as it exits: reap it, so that it does not linger as a
    // zombie for the rest of the session.
    process.reap(within: 1)
    let unexpected: Bool = condition.withLock {
      gone = true
      condition.broadcast()
      return !ending
    }
    if unexpected {
      show(
        "sending to the LRS has stopped; your answers are saved here, and `workshop sync` sends them.")
    }
  }
}
