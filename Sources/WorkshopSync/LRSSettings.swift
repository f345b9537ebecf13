#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine
import WorkshopRecords

#if canImport(Glibc)
  import Glibc
#endif

/// How to reach a Learning Record Store and what to send it. Secrets are read from the
/// environment or from files, never from command-line values, and never printed.
public struct LRSSettings: Sendable {
  public enum Credentials: Sendable {
    case none
    case basic(username: String, password: String)
    case bearer(token: String)

    var authorizationHeader: String? {
      switch self {
      case .none: nil
      case .basic(let user, let password): "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
      case .bearer(let token): "Bearer " + token
      }
    }
  }

  /// The xAPI base URL, always ending in "/" (so "statements" resolves under it).
  public var endpoint: URL
  public var credentials: Credentials
  public var statementOptions: XAPIExporter.Options
  /// Statements per `POST /statements`.
  public var batchSize: Int
  /// Per request, connect to last byte.
  public var timeout: Duration
  /// Tries per request before the batch is left for later.
  public var attempts: Int
  /// First retry delay; doubles each time, with jitter.
  public var initialBackoff: Duration

  public init(
    endpoint: URL, credentials: Credentials, statementOptions: XAPIExporter.Options = .init(), batchSize: Int = 100,
    timeout: Duration = .seconds(30), attempts: Int = 5, initialBackoff: Duration = .milliseconds(500)
  ) {
    self.endpoint = endpoint
    self.credentials = credentials
    self.statementOptions = statementOptions
    self.batchSize = max(1, batchSize)
    self.timeout = timeout
    self.attempts = max(1, attempts)
    self.initialBackoff = initialBackoff
  }

  /// Which outbox belongs to this LRS: statements acknowledged by one store say nothing about another.
  public var outboxKey: String {
    String(RecordHash.sha256Hex("workshop-lrs\u{1F}" + endpoint.absoluteString).prefix(16))
  }

  /// The endpoint as it may be shown: without any user or password embedded in the URL.
  public var displayEndpoint: String { Self.redacted(endpoint) }

  static func redacted(_ url: URL) -> String {
    guard var parts = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "(endpoint)" }
    parts.user = nil
    parts.password = nil
    parts.query = nil
    return parts.string ?? "(endpoint)"
  }
}

/// Settings gathered from options, the environment and a config file, in that order of precedence.
public struct LRSSettingsSources: Sendable {
  /// Values given as command-line options (never secrets themselves: only files holding them).
  public var endpoint: String?
  public var username: String?
  public var passwordFile: String?
  public var tokenFile: String?
  public var activityBase: String?
  public var homePage: String?
  public var includeNames: Bool?
  public var batchSize: Int?
  public var configFile: String?
  public var environment: [String: String]

  public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
    self.environment = environment
  }

  public struct Problem: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
  }

  /// The config file: `--config`, else $WORKSHOP_LRS_CONFIG, else ~/.workshop/lrs.conf when it exists.
  var configPath: String? {
    if let configFile { return configFile }
    if let path = environment["WORKSHOP_LRS_CONFIG"], !path.isEmpty { return path }
    let home = environment["HOME"] ?? FilePath.accountHome
    let path = home + "/.workshop/lrs.conf"
    return FileManager.default.fileExists(atPath: path) ? path : nil
  }

  /// Reads `key = value` lines; `#` starts a comment. A file that holds a secret must be private.
  static func readConfig(_ path: String) throws(Problem) -> [String: String] {
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
    else { throw Problem("cannot read the LRS config file \(path)") }
    var values: [String: String] = [:]
    for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.trimmed(.spaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      guard let eq = line.firstIndex(of: "=") else {
        throw Problem("\(path):\(number + 1): expected `key = value`")
      }
      let key = line[..<eq].trimmed(.spaces).lowercased()
      let value = line[line.index(after: eq)...].trimmed(.spaces)
      let known = [
        "endpoint", "username", "password", "token", "password-file", "token-file", "activity-base", "home-page",
        "include-names", "batch-size",
      ]
      guard known.contains(key) else {
        throw Problem("\(path):\(number + 1): unknown setting \"\(key)\" (known: \(known.joined(separator: ", ")))")
      }
      values[key] = value
    }
    if values["password"] != nil || values["token"] != nil {
      var st = stat()
      if stat(path, &st) == 0, st.st_mode & 0o077 != 0 {
        throw Problem("\(path) holds a secret but others can read it; run: chmod 600 \(path)")
      }
    }
    return values
  }

  static func readSecret(_ path: String, what: String) throws(Problem) -> String {
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
      throw Problem("cannot read the \(what) file \(path)")
    }
    let secret = text.trimmed()
    guard !secret.isEmpty else { throw Problem("the \(what) file \(path) is empty") }
    return secret
  }

  /// A secret from the file named by an option, else the environment, else the config file
  /// (`<key>-file`, then `<key>`).
  func secret(file: String?, env: String, _ config: [String: String], _ key: String, what: String) throws(Problem)
    -> String?
  {
    if let file { return try Self.readSecret(file, what: what) }
    if let value = environment[env], !value.isEmpty { return value }
    if let file = config[key + "-file"] { return try Self.readSecret(file, what: what) }
    if let value = config[key], !value.isEmpty { return value }
    return nil
  }

  public func resolve() throws(Problem) -> LRSSettings {
    var config: [String: String] = [:]
    if let path = configPath { config = try Self.readConfig(path) }
    func pick(_ option: String?, _ env: String, _ key: String) -> String? {
      if let option, !option.isEmpty { return option }
      if let value = environment[env], !value.isEmpty { return value }
      if let value = config[key], !value.isEmpty { return value }
      return nil
    }
    guard let endpointText = pick(endpoint, "WORKSHOP_LRS_ENDPOINT", "endpoint") else {
      throw Problem(
        "no LRS endpoint: give --endpoint, set WORKSHOP_LRS_ENDPOINT, or put `endpoint = …` in ~/.workshop/lrs.conf")
    }
    guard var parts = URLComponents(string: endpointText), let scheme = parts.scheme?.lowercased(),
      ["http", "https"].contains(scheme), parts.host?.isEmpty == false
    else {
      throw Problem("the LRS endpoint must be an http(s) URL such as https://lrs.example.org/xAPI/")
    }
    guard parts.user == nil, parts.password == nil else {
      throw Problem("put LRS credentials in WORKSHOP_LRS_USERNAME/WORKSHOP_LRS_PASSWORD or a file, not in the endpoint URL")
    }
    if !parts.path.hasSuffix("/") { parts.path += "/" }
    guard let url = parts.url else { throw Problem("the LRS endpoint is not a valid URL") }

    let credentials: LRSSettings.Credentials
    if let token = try secret(file: tokenFile, env: "WORKSHOP_LRS_TOKEN", config, "token", what: "token") {
      credentials = .bearer(token: token)
    } else if let username = pick(username, "WORKSHOP_LRS_USERNAME", "username") {
      guard
        let password = try secret(file: passwordFile, env: "WORKSHOP_LRS_PASSWORD", config, "password", what: "password")
      else {
        throw Problem(
          "LRS user \"\(username)\" has no password: set WORKSHOP_LRS_PASSWORD or give --password-file FILE")
      }
      credentials = .basic(username: username, password: password)
    } else {
      credentials = .none
    }

    var options = XAPIExporter.Options()
    if let base = pick(activityBase, "WORKSHOP_LRS_ACTIVITY_BASE", "activity-base") { options.activityBase = base }
    if let home = pick(homePage, "WORKSHOP_LRS_HOME_PAGE", "home-page") { options.homePage = home }
    for (name, value) in [("activity base", options.activityBase), ("home page", options.homePage)] {
      guard let u = URL(string: value), let s = u.scheme, ["http", "https"].contains(s), u.host != nil else {
        throw Problem("the \(name) must be an absolute http(s) IRI, such as https://learning.example.org/xapi")
      }
    }
    options.includeNames =
      includeNames ?? ["1", "true", "yes", "on"].contains(config["include-names"]?.lowercased() ?? "")
    var size = batchSize ?? 100
    if batchSize == nil, let text = config["batch-size"] {
      guard let n = Int(text), n > 0 else { throw Problem("batch-size must be a positive number, not \"\(text)\"") }
      size = n
    }
    return LRSSettings(endpoint: url, credentials: credentials, statementOptions: options, batchSize: size)
  }
}
