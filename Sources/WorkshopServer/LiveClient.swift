import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import NIOPosix

/// A learner's connection to a live session: `workshop join`, the tests and the load generator
/// all talk to the server through it.
///
/// Messages are kept in arrival order with the time each arrived; `next(where:timeout:)` waits
/// for one, and `messages` streams them for an interactive client.
public final class LiveClient: @unchecked Sendable {
  public struct Received: Sendable {
    public var message: LearnerMessage
    public var at: ContinuousClock.Instant
  }

  let lock = NSLock()
  var inbox: [Received] = []
  var consumed = 0
  var finished = false
  var closeCode: String?
  let onMessage: (@Sendable (LearnerMessage, ContinuousClock.Instant) -> Void)?
  let outgoing: AsyncStream<String>.Continuation
  let streamContinuation: AsyncStream<LearnerMessage>.Continuation
  /// Every message as it arrives, for clients that react to them.
  public let messages: AsyncStream<LearnerMessage>
  var task: Task<Void, Never>?

  /// Starts connecting to `url` (`ws://host:port/ws/learn`); sends made before the connection
  /// is up are queued.
  public init(
    url: String, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
    onMessage: (@Sendable (LearnerMessage, ContinuousClock.Instant) -> Void)? = nil
  ) {
    self.onMessage = onMessage
    let (out, outCont) = AsyncStream<String>.makeStream()
    outgoing = outCont
    (messages, streamContinuation) = AsyncStream<LearnerMessage>.makeStream()
    var logger = Logger(label: "workshop.join")
    logger.logLevel = .critical
    task = Task { [self] in
      do {
        let frame = try await WebSocketClient.connect(
          url: url, configuration: .init(maxFrameSize: 1 << 22), eventLoopGroup: eventLoopGroup, logger: logger
        ) { inbound, outbound, _ in
          await withTaskGroup(of: Void.self) { group in
            group.addTask {
              for await text in out {
                do { try await outbound.write(.text(text)) } catch { return }
              }
              try? await outbound.close(.normalClosure, reason: nil)
            }
            group.addTask {
              do {
                for try await message in inbound.messages(maxSize: 1 << 22) {
                  guard case .text(let text) = message, let m = WireCoding.decode(LearnerMessage.self, text)
                  else { continue }
                  self.append(m)
                }
              } catch {}
            }
            await group.next()
            group.cancelAll()
          }
        }
        self.finish(code: frame.map { "\($0.closeCode)" })
      } catch {
        self.finish(code: "\(error)")
      }
    }
  }

  deinit { task?.cancel() }

  func append(_ m: LearnerMessage) {
    let now = ContinuousClock.now
    lock.withLock { inbox.append(Received(message: m, at: now)) }
    onMessage?(m, now)
    streamContinuation.yield(m)
  }

  func finish(code: String?) {
    lock.withLock {
      finished = true
      closeCode = code
    }
    streamContinuation.finish()
  }

  public func send(_ request: LearnerRequest) {
    outgoing.yield(WireCoding.encode(request))
  }

  /// Sends raw text, for tests of malformed or oversized messages.
  public func sendRaw(_ text: String) { outgoing.yield(text) }

  /// Closes the connection politely.
  public func close() { outgoing.finish() }

  /// Drops the connection without a goodbye, as a sleeping laptop would.
  public func drop() { task?.cancel() }

  public var isFinished: Bool { lock.withLock { finished } }

  /// Every message received so far.
  public var received: [Received] { lock.withLock { inbox } }

  /// The next not-yet-consumed message matching `predicate`, waiting up to `timeout`. Messages
  /// skipped over stay in `received` but are consumed.
  public func next(
    timeout: Duration = .seconds(60), where predicate: @Sendable (LearnerMessage) -> Bool = { _ in true }
  ) async -> Received? {
    let deadline = ContinuousClock.now + timeout
    while true {
      let (found, done): (Received?, Bool) = lock.withLock {
        while consumed < inbox.count {
          let r = inbox[consumed]
          consumed += 1
          if predicate(r.message) { return (r, false) }
        }
        return (nil, finished)
      }
      if let found { return found }
      if done || ContinuousClock.now >= deadline { return nil }
      try? await Task.sleep(for: .milliseconds(10))
    }
  }

  /// Waits until the server has closed the connection.
  public func waitUntilClosed(timeout: Duration = .seconds(10)) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !isFinished && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
    return isFinished
  }
}
