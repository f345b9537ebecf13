import WorkshopEngine

/// One line of a session's log (`sessions/<id>/session.jsonl`): a change of the room's state
/// that has been decided. Replaying the facts in order rebuilds the room exactly, so a server
/// that crashed resumes with everything it had acknowledged.
public struct SessionFact: Sendable, Hashable, Codable {
  public enum Kind: String, Sendable, Hashable, Codable {
    case created, joined, removed, locked, unlocked, paced, ended
    case lessonOpened = "lesson-opened"
    case moved
    case questionOpened = "question-opened"
    case questionClosed = "question-closed"
    case revealed
    case distributionShown = "distribution-shown"
    case answered
    case hintShown = "hint-shown"
    case skipped
    /// Student-paced: a participant moved to another item.
    case advanced
  }

  /// The line format, on every line: 1 (lines without it are older, and read the same way).
  public static let formatVersion = 1
  public var v: Int?
  public var kind: Kind
  /// Milliseconds since 1970.
  public var at: Int64
  // created
  public var session: String?
  public var course: String?
  public var courseDigest: String?
  public var code: String?
  public var instructorToken: String?
  public var settings: SessionSettings?
  // participants
  public var participant: String?
  public var name: String?
  public var alias: String?
  /// SHA-256 of the participant's token; the token itself is never stored.
  public var tokenHash: String?
  // position
  public var lesson: String?
  public var lessonDigest: String?
  public var index: Int?
  public var question: String?
  public var questionDigest: String?
  public var deadline: Int64?
  public var pacing: Pacing?
  // answers
  public var submission: String?
  public var raw: String?
  public var response: Response?
  public var outcome: Grade.Outcome?
  public var credit: Double?
  public var earned: Double?
  public var feedback: [String]?
  public var attempt: Int?
  /// Milliseconds from the question opening to the answer.
  public var ms: Int64?
  public var hint: Int?

  public init(_ kind: Kind, at: Int64) {
    v = Self.formatVersion
    self.kind = kind
    self.at = at
  }
}
