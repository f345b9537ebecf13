import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import ServiceLifecycle

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A request context that knows the peer's address, for the per-address admission limits.
struct LiveRequestContext: RequestContext, WebSocketRequestContext {
  var coreContext: CoreRequestContextStorage
  let webSocket: WebSocketHandlerReference<Self>
  let remoteAddress: String

  init(source: ApplicationRequestContextSource) {
    coreContext = .init(source: source)
    webSocket = .init()
    remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
  }
}

/// The HTTP and WebSocket face of a `LiveHost`. Everything here is transport: it decodes,
/// checks the instructor's token and hands the rest to the host.
///
/// Routes:
/// - `GET /` — a short page telling learners how to join.
/// - `GET /host` — the instructor's page (it reads the token from its own address).
/// - `GET /api/host/state?token=…` — the instructor view as JSON.
/// - `POST /api/host/command?token=…` — an `InstructorCommand` as JSON.
/// - `GET /api/host/roster.csv?token=…` — the roster so far.
/// - `WS /ws/learn` — learners (`LearnerRequest` in, `LearnerMessage` out).
/// - `WS /ws/host?token=…` — the instructor: commands in, `InstructorView` snapshots out.
public enum LiveServer {
  public static func buildApplication(
    host: LiveHost, address: String = "127.0.0.1", port: Int = 0, limits: SessionLimits = SessionLimits(),
    logger: Logger? = nil, onServerRunning: (@Sendable (Int) async -> Void)? = nil
  ) -> some ApplicationProtocol {
    let router = Router(context: LiveRequestContext.self)
    let token = TokenCheck(host: host)

    router.get("/") { _, _ -> Response in
      html(
        "<!doctype html><meta charset=utf-8><title>workshop</title><p>This is a workshop live session. "
          + "Join from a terminal with <code>workshop join HOST:PORT --code CODE --name NAME</code>.</p>")
    }
    router.get("/host") { _, _ -> Response in html(InstructorPage.html) }
    router.get("/api/host/state") { request, _ -> Response in
      try await token.check(request)
      return json(WireCoding.encode(await host.view()))
    }
    router.get("/api/host/roster.csv") { request, _ -> Response in
      try await token.check(request)
      let csv = await LiveRoster.csv(host.room)
      return Response(
        status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .cacheControl: "no-store"],
        body: .init(byteBuffer: ByteBuffer(string: csv)))
    }
    router.post("/api/host/command") { request, context -> Response in
      try await token.check(request)
      let body = try await request.body.collect(upTo: limits.maxMessageBytes)
      guard let command = WireCoding.decode(InstructorCommand.self, String(buffer: body)) else {
        throw HTTPError(.badRequest, message: "expected an instructor command as JSON")
      }
      let refusals = await host.command(command)
      if let first = refusals.first {
        return json(WireCoding.encode(["refused": first]), status: .conflict)
      }
      return json(#"{"ok":true}"#)
    }

    // Every learner socket is upgraded, so a refusal reaches `workshop join` as a message it can
    // show (an HTTP error at the upgrade would only say "400").
    router.ws("/ws/learn") { _, _ in
      .upgrade([:])
    } onUpgrade: { inbound, outbound, context in
      switch await host.connect(address: context.requestContext.remoteAddress) {
      case .failure(let refusal):
        var message = LearnerMessage(type: .error)
        message.text = refusal.description
        try? await outbound.write(.text(WireCoding.encode(message)))
        try? await outbound.close(.policyViolation, reason: nil)
      case .success(let (id, stream)):
        if let failure = await pump(id: id, stream: stream, inbound: inbound, outbound: outbound, host: host, limits: limits) {
          throw failure
        }
      }
    }
    router.ws("/ws/host") { request, _ in
      try await token.check(request)
      return .upgrade([:])
    } onUpgrade: { inbound, outbound, context in
      switch await host.connect(instructor: true, address: context.requestContext.remoteAddress) {
      case .failure(let refusal):
        try? await outbound.close(.policyViolation, reason: refusal.description)
      case .success(let (id, stream)):
        if let failure = await pump(id: id, stream: stream, inbound: inbound, outbound: outbound, host: host, limits: limits) {
          throw failure
        }
      }
    }

    var logger = logger ?? Logger(label: "workshop.serve")
    if ProcessInfo.processInfo.environment["WORKSHOP_SERVER_DEBUG"] == nil { logger.logLevel = .warning }
    let upgradeConfiguration = HTTP1WebSocketUpgradeChannel.Configuration(
      http1: .init(idleTimeout: .seconds(limits.idleRequestSeconds)),
      ws: .init(maxFrameSize: limits.maxMessageBytes, autoPing: .enabled(timePeriod: .seconds(20))))
    let webSocketResponder = router.buildResponder()
    return Application(
      router: router,
      // Hummingbird's `.http1WebSocketUpgrade`, with a deadline for the request head in front:
      // its idle timeout alone never closes a request whose head is not finished.
      server: HTTPServerBuilder { responder in
        DeadlinedUpgradeChannel(
          upgrade: HTTP1WebSocketUpgradeChannel(
            responder: responder, webSocketResponder: webSocketResponder, configuration: upgradeConfiguration),
          headDeadline: .seconds(limits.idleRequestSeconds))
      },
      configuration: .init(
        address: .hostname(address, port: port), serverName: nil, backlog: 4096,
        availableConnectionsDelegate: MaximumAvailableConnections(Self.socketBudget(limits), logger: logger)),
      onServerRunning: { channel in await onServerRunning?(channel.localAddress?.port ?? port) },
      logger: logger
    )
  }

  /// Raises the soft limit on open descriptors to the hard limit (a room of learners needs one
  /// each) and returns the soft limit now in force.
  @discardableResult
  public static func raiseDescriptorLimit() -> Int {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
    if limit.rlim_cur < limit.rlim_max {
      var raised = limit
      raised.rlim_cur = limit.rlim_max
      if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
    }
    return limit.rlim_cur > rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)
  }

  /// Sockets the server accepts at once: the configured cap, kept below the descriptor limit
  /// with room to spare for the session log, records and the listening socket, so the server
  /// stops accepting instead of failing (and retrying) accept(2) when descriptors run out.
  static func socketBudget(_ limits: SessionLimits) -> Int {
    let descriptors = raiseDescriptorLimit()
    return max(16, min(limits.maxOpenSockets, descriptors - 64))
  }

  /// Builds the application and runs it until SIGINT or SIGTERM.
  public static func run(
    host: LiveHost, address: String = "127.0.0.1", port: Int = 0, limits: SessionLimits = SessionLimits(),
    onServerRunning: (@Sendable (Int) async -> Void)? = nil
  ) async throws {
    try await start(host: host, address: address, port: port, limits: limits, onServerRunning: onServerRunning)
      .finished()
  }

  /// Starts the server in the background; `stop()` shuts it down gracefully (open connections
  /// are closed in order rather than cancelled, so nothing is logged as an error).
  /// - Parameter handlesSignals: whether SIGINT and SIGTERM stop the server by themselves; false
  ///   when the caller owns the signals (the `serve` console stops the server itself).
  public static func start(
    host: LiveHost, address: String = "127.0.0.1", port: Int = 0, limits: SessionLimits = SessionLimits(),
    handlesSignals: Bool = true, onServerRunning: (@Sendable (Int) async -> Void)? = nil
  ) -> Running {
    let app = buildApplication(host: host, address: address, port: port, limits: limits, onServerRunning: onServerRunning)
    let group = ServiceGroup(
      configuration: .init(
        services: [app], gracefulShutdownSignals: handlesSignals ? [.sigterm, .sigint] : [], logger: app.logger))
    return Running(group: group, task: Task { try await group.run() })
  }

  /// A server running in the background.
  public struct Running: Sendable {
    let group: ServiceGroup
    let task: Task<Void, any Error>

    /// Shuts the server down gracefully and waits until it has stopped.
    public func stop() async throws {
      await group.triggerGracefulShutdown()
      try await task.value
    }

    /// Waits until the server stops by itself (a signal, or an error).
    public func finished() async throws { try await task.value }
  }

  /// Copies the host's messages to the socket and the socket's messages to the host until
  /// either side finishes. Returns what ended the socket's side, if it was an error (a message
  /// over the size limit, even sent as fragments; a protocol error): thrown from the upgrade
  /// handler, it makes the library send the matching close frame (1009 for a message too large)
  /// instead of leaving the socket silent.
  static func pump(
    id: ConnectionID, stream: AsyncStream<String>, inbound: WebSocketInboundStream,
    outbound: WebSocketOutboundWriter, host: LiveHost, limits: SessionLimits
  ) async -> (any Error)? {
    let failure = await withTaskGroup(of: (any Error)?.self) { group -> (any Error)? in
      group.addTask {
        for await text in stream {
          do { try await outbound.write(.text(text)) } catch { return nil }
        }
        // The host ended this connection (removal, a newer connection, shutdown).
        try? await outbound.close(.normalClosure, reason: nil)
        return nil
      }
      group.addTask {
        do {
          for try await message in inbound.messages(maxSize: limits.maxMessageBytes) {
            if case .text(let text) = message { await host.receive(text, from: id) }
          }
          return nil
        } catch {
          return error
        }
      }
      let first = await group.next() ?? nil
      group.cancelAll()
      return first
    }
    await host.disconnect(id)
    return failure
  }

  static func html(_ body: String) -> Response {
    Response(
      status: .ok,
      headers: [
        .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
        .contentSecurityPolicy:
          "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
        // The instructor's address carries the token: never send it on as a referrer.
        .init("Referrer-Policy")!: "no-referrer",
      ],
      body: .init(byteBuffer: ByteBuffer(string: body)))
  }

  static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(
      status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
      body: .init(byteBuffer: ByteBuffer(string: text)))
  }
}

/// Checks the instructor's token from `?token=` or `Authorization: Bearer`.
struct TokenCheck: Sendable {
  let host: LiveHost

  func check(_ request: Request) async throws {
    var presented = request.uri.queryParameters.get("token") ?? ""
    if let auth = request.headers[.authorization], auth.hasPrefix("Bearer ") {
      presented = String(auth.dropFirst(7))
    }
    guard await host.room.isInstructor(token: presented) else {
      throw HTTPError(.unauthorized, message: "the instructor token is missing or wrong")
    }
  }
}
