import Foundation
import WorkshopEngine

/// The instructor's policy file for one live session. Every key is optional; a key that is
/// present wins over the course's and the lesson's policy.
///
/// ```yaml
/// mode: exam          # learn | exam
/// attempts: 1
/// hints: false
/// skip: false
/// timer: 60           # seconds per question; 0 = no timer
/// pass_mark: 0.8
/// anonymous: true     # no names on the shared screen, in the leaderboard or in the room
/// leaderboard: false  # off unless turned on
/// pacing: instructor  # instructor | student
/// shuffle: true
/// join_code_digits: 8 # 6 to 12; longer codes resist guessing for longer
/// ```
public struct SessionSettings: Sendable, Hashable, Codable {
  public var mode: Policy.Mode?
  public var attempts: Int?
  public var hints: Bool?
  public var skip: Bool?
  public var passMark: Double?
  public var shuffle: Bool?
  /// Seconds each question stays open when the instructor gives no other figure.
  public var timer: Int?
  public var anonymous: Bool
  public var leaderboard: Bool
  public var pacing: Pacing
  /// Digits in the join code (6 unless the policy file says `join_code_digits`, up to 12):
  /// a longer code for a room that must resist guessing for longer.
  public var joinCodeDigits: Int?

  public init(
    mode: Policy.Mode? = nil, attempts: Int? = nil, hints: Bool? = nil, skip: Bool? = nil,
    passMark: Double? = nil, shuffle: Bool? = nil, timer: Int? = nil, anonymous: Bool = false,
    leaderboard: Bool = false, pacing: Pacing = .instructor
  ) {
    self.mode = mode
    self.attempts = attempts
    self.hints = hints
    self.skip = skip
    self.passMark = passMark
    self.shuffle = shuffle
    self.timer = timer
    self.anonymous = anonymous
    self.leaderboard = leaderboard
    self.pacing = pacing
  }

  /// The lesson's policy with this file's keys laid over it.
  public func policy(over base: Policy) -> Policy {
    var p = base
    if let mode { p.mode = mode }
    if let attempts { p.attempts = attempts }
    if let hints { p.hintsAllowed = hints }
    if let skip { p.skipAllowed = skip }
    if let passMark { p.passMark = passMark }
    if let shuffle { p.shuffle = shuffle }
    return p
  }

  public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
  }

  /// Reads a policy file; every problem is reported with the key it concerns.
  public static func parse(yaml text: String) throws(ParseError) -> SessionSettings {
    let root: YAMLNode?
    do { root = try YAML.parse(text) } catch {
      throw ParseError(message: "not valid YAML: \(error)")
    }
    guard let root, !root.isNull else { return SessionSettings() }
    guard case .mapping(let pairs) = root.content else {
      throw ParseError(message: "a policy file is a map of keys, such as `attempts: 1`")
    }
    var map: [String: YAMLNode] = [:]
    for pair in pairs {
      guard let key = pair.key.string else {
        throw ParseError(message: "line \(pair.key.line): keys are plain words, such as `attempts`")
      }
      map[key] = pair.value
    }
    var s = SessionSettings()
    func int(_ key: String, _ range: ClosedRange<Int>) throws(ParseError) -> Int? {
      guard let v = map[key] else { return nil }
      guard let i = v.integer, range.contains(i) else {
        throw ParseError(message: "`\(key)` must be a whole number from \(range.lowerBound) to \(range.upperBound)")
      }
      return i
    }
    func bool(_ key: String) throws(ParseError) -> Bool? {
      guard let v = map[key] else { return nil }
      guard let b = v.bool else { throw ParseError(message: "`\(key)` must be true or false") }
      return b
    }
    for key in map.keys.sorted() where !Self.keys.contains(key) {
      throw ParseError(message: "unknown key `\(key)`; known keys: \(Self.keys.sorted().joined(separator: ", "))")
    }
    if let v = map["mode"] {
      guard let m = v.string.flatMap(Policy.Mode.init(rawValue:)) else {
        throw ParseError(message: "`mode` must be learn or exam")
      }
      s.mode = m
    }
    if let exam = try bool("exam") { s.mode = exam ? .exam : (s.mode ?? .learn) }
    s.attempts = try int("attempts", 1...20)
    s.hints = try bool("hints")
    s.skip = try bool("skip")
    s.shuffle = try bool("shuffle")
    if let t = try int("timer", 0...3600) { s.timer = t == 0 ? nil : t }
    if let v = map["pass_mark"] {
      guard let d = v.number, (0...1).contains(d) else {
        throw ParseError(message: "`pass_mark` must be a share from 0 to 1, such as 0.7")
      }
      s.passMark = d
    }
    s.anonymous = try bool("anonymous") ?? false
    s.leaderboard = try bool("leaderboard") ?? false
    s.joinCodeDigits = try int("join_code_digits", 6...12)
    if let v = map["pacing"] {
      guard let p = v.string.flatMap(Pacing.init(rawValue:)) else {
        throw ParseError(message: "`pacing` must be instructor or student")
      }
      s.pacing = p
    }
    return s
  }

  static let keys: Set<String> = [
    "mode", "exam", "attempts", "hints", "skip", "timer", "pass_mark", "anonymous", "leaderboard",
    "pacing", "shuffle", "join_code_digits",
  ]
}

/// Protective limits. The defaults suit a room of a few hundred; the load generator raises them.
public struct SessionLimits: Sendable, Hashable, Codable {
  /// Largest WebSocket message accepted, in bytes.
  public var maxMessageBytes: Int = 16 * 1024
  /// Longest display name, in characters.
  public var maxNameLength: Int = 40
  /// Open WebSocket connections, learners and instructor together.
  public var maxConnections: Int = 1_000
  /// Participants in one session.
  public var maxParticipants: Int = 1_000
  /// Joins per second across the room, and the burst allowed above that.
  public var joinsPerSecond: Double = 50
  public var joinBurst: Double = 200
  /// Learner connections that have not joined yet (no code given): overall, from one address,
  /// and how long one may stay that way. Separate from `maxParticipants`, so a crowd of idle
  /// sockets can never keep learners with the code out.
  // Generous, so that a class arriving at once from behind one NAT address is never pushed out.
  public var maxWaitingConnections: Int = 1_024
  public var maxWaitingPerAddress: Int = 512
  public var joinDeadlineMilliseconds: Int64 = 5_000
  /// Wrong join codes one address may send before each further try waits, doubling from one
  /// second up to `maxWrongCodeDelayMilliseconds`.
  public var freeWrongCodes: Int = 3
  public var maxWrongCodeDelayMilliseconds: Int64 = 60_000
  /// TCP connections the server accepts at once (HTTP and WebSocket); beyond it the server
  /// stops accepting (they wait in the kernel's queue) rather than run out of descriptors.
  /// Capped further by the process's descriptor limit at start.
  public var maxOpenSockets: Int = 4_096
  /// Seconds a connection has to send a complete request head, and an HTTP connection may stay
  /// silent between requests or inside a body, before it is closed.
  public var idleRequestSeconds: Int64 = 10
  /// Longest answer text, in characters.
  public var maxAnswerLength: Int = 2_000

  public init() {}
}
