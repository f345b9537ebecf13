import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore

/// Closes a connection whose first HTTP request head has not fully arrived within a deadline.
///
/// Hummingbird's idle timeout (`HTTP1Channel.Configuration.idleTimeout`) is installed only once
/// the WebSocket upgrade handler has read a complete request head and decided it is not an
/// upgrade. A client that never finishes its head (a slow-loris crowd, or a half-open request)
/// was therefore never timed out: it held a descriptor and a place in the accept budget for
/// good, and once the budget was full nobody, not even the instructor, was accepted again.
///
/// This handler sits first in every accepted connection's pipeline, ahead of the HTTP decoder,
/// and watches the raw bytes for the blank line that ends a request head. When it arrives in
/// time the handler takes itself out (what follows — a body, a WebSocket — has its own limits);
/// when it does not, the connection is closed.
final class RequestHeadDeadline: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer

  let deadline: TimeAmount
  private var timer: Scheduled<Void>?
  private var lineHasContent = false
  private var sawContent = false

  init(deadline: TimeAmount) { self.deadline = deadline }

  func handlerAdded(context: ChannelHandlerContext) {
    if context.channel.isActive { startTimer(context) }
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    timer?.cancel()
    timer = nil
  }

  func channelActive(context: ChannelHandlerContext) {
    startTimer(context)
    context.fireChannelActive()
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let buffer = unwrapInboundIn(data)
    let complete = scan(buffer)
    context.fireChannelRead(data)
    if complete {
      timer?.cancel()
      timer = nil
      context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
  }

  /// Whether `buffer` completes the request head: an empty line (CRLF or a bare LF) after at
  /// least one line with content, so blank lines sent before a request do not count.
  private func scan(_ buffer: ByteBuffer) -> Bool {
    buffer.withUnsafeReadableBytes { bytes in
      for byte in bytes {
        switch byte {
        case UInt8(ascii: "\n"):
          if sawContent && !lineHasContent { return true }
          lineHasContent = false
        case UInt8(ascii: "\r"):
          break
        default:
          lineHasContent = true
          sawContent = true
        }
      }
      return false
    }
  }

  private func startTimer(_ context: ChannelHandlerContext) {
    guard timer == nil else { return }
    let loop = context.eventLoop.assumeIsolated()
    timer = loop.scheduleTask(in: deadline) {
      // Told as the peer closing its side, the upgrade handler closes the connection and gives
      // it up as "input closed", which Hummingbird records quietly; a bare close would be logged
      // as an error, once per timed-out request, on the instructor's console.
      context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
      context.close(promise: nil)
    }
  }
}

/// The server's child channel: Hummingbird's HTTP/1 with WebSocket upgrade, with the request
/// head deadline in front of it.
struct DeadlinedUpgradeChannel: ServerChildChannel {
  typealias Value = HTTP1WebSocketUpgradeChannel.Value

  let upgrade: HTTP1WebSocketUpgradeChannel
  let headDeadline: TimeAmount

  func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
    do {
      try channel.pipeline.syncOperations.addHandler(RequestHeadDeadline(deadline: headDeadline), position: .first)
    } catch {
      return channel.eventLoop.makeFailedFuture(error)
    }
    return upgrade.setup(channel: channel, logger: logger)
  }

  func handle(value: Value, logger: Logger) async {
    await upgrade.handle(value: value, logger: logger)
  }
}
