import AsyncHTTPClient
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine
import NIOCore
import NIOHTTP1

/// What came back from the LRS, or why nothing did.
enum LRSReply: Sendable {
  case response(status: Int, body: [UInt8])
  /// No answer: refused connection, reset, timeout. Worth trying again later.
  case unreachable(String)

  var isRetryable: Bool {
    switch self {
    case .unreachable: true
    // Overloaded, rate-limited or a gateway in between: the request itself was fine.
    case .response(let status, _): status == 408 || status == 429 || status >= 500
    }
  }
}

/// The xAPI resources sync uses, over one HTTP client. Requests carry the credentials in a header
/// only; nothing here logs, and failures are described without the request's headers.
final class LRSClient: Sendable {
  let settings: LRSSettings
  private let http: HTTPClient

  init(settings: LRSSettings) {
    self.settings = settings
    // Certificates and host names are verified (the default); redirects are not followed, since
    // following one would hand the credentials to another server.
    var configuration = HTTPClient.Configuration(
      redirectConfiguration: .disallow,
      timeout: .init(connect: .seconds(10), read: Self.timeAmount(settings.timeout)))
    configuration.httpVersion = .http1Only
    http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
  }

  func shutdown() async {
    try? await http.shutdown()
  }

  static func timeAmount(_ d: Duration) -> TimeAmount {
    let (seconds, attoseconds) = d.components
    return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
  }

  var statementsURL: String { settings.endpoint.absoluteString + "statements" }

  /// `POST /statements` with a JSON array of already-encoded statements.
  func post(statements: [[UInt8]]) async -> LRSReply {
    var body: [UInt8] = [0x5B]
    body.reserveCapacity(statements.reduce(2) { $0 + $1.count + 1 })
    for (i, s) in statements.enumerated() {
      if i > 0 { body.append(0x2C) }
      body.append(contentsOf: s)
    }
    body.append(0x5D)
    return await send(.POST, statementsURL, body: body)
  }

  /// `PUT /statements?statementId=…`: one statement under its own id.
  func put(statement: [UInt8], id: String) async -> LRSReply {
    await send(.PUT, statementsURL + "?statementId=" + Self.queryEscaped(id), body: statement)
  }

  /// `GET /statements` with query parameters, or the `more` link of a previous page.
  func get(query: [(String, String)]) async -> LRSReply {
    let text = query.map { "\($0.0)=\(Self.queryEscaped($0.1))" }.joined(separator: "&")
    return await send(.GET, statementsURL + "?" + text, body: nil)
  }

  func get(more: String) async -> LRSReply {
    // `more` is relative to the server root (or absolute); resolve it against the endpoint.
    guard let url = URL(string: more, relativeTo: settings.endpoint)?.absoluteURL,
      url.host == settings.endpoint.host, url.port == settings.endpoint.port, url.scheme == settings.endpoint.scheme
    else { return .unreachable("the LRS gave a `more` link to another server; not following it") }
    return await send(.GET, url.absoluteString, body: nil)
  }

  static func queryEscaped(_ s: String) -> String {
    s.percentEncodedQueryValue
  }

  private func send(_ method: HTTPMethod, _ url: String, body: [UInt8]?) async -> LRSReply {
    var request = HTTPClientRequest(url: url)
    request.method = method
    request.headers.add(name: "X-Experience-API-Version", value: "1.0.3")
    request.headers.add(name: "Accept", value: "application/json")
    if let auth = settings.credentials.authorizationHeader { request.headers.add(name: "Authorization", value: auth) }
    if let body {
      request.headers.add(name: "Content-Type", value: "application/json")
      request.body = .bytes(ByteBuffer(bytes: body))
    }
    do {
      let response = try await http.execute(request, timeout: Self.timeAmount(settings.timeout))
      let bytes = try await response.body.collect(upTo: 64 << 20)
      return .response(status: Int(response.status.code), body: Array(bytes.readableBytesView))
    } catch {
      return .unreachable(Self.describe(error))
    }
  }

  /// A short reason without request details (AsyncHTTPClient's descriptions are stable and
  /// carry no headers, but keep only the first line).
  static func describe(_ error: any Error) -> String {
    if let e = error as? HTTPClientError {
      if e == .deadlineExceeded || e == .readTimeout || e == .connectTimeout { return "no answer in time" }
      if e == .remoteConnectionClosed { return "the connection was closed" }
    }
    let text = String(describing: error)
    if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
    return String(text.prefix(200).split(separator: "\n").first ?? "")
  }
}
