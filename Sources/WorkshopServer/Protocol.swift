import Foundation
import WorkshopEngine

/// One WebSocket connection, as the host numbers them. Not persisted: a reconnect is a new
/// connection that presents the participant's token.
public typealias ConnectionID = Int

/// What a learner's client sends. One flat shape keeps the wire format easy to read and to
/// produce from any language; `type` says which fields matter.
public struct LearnerRequest: Sendable, Hashable, Codable {
  public enum Kind: String, Sendable, Hashable, Codable {
    case join, resume, answer, hint, skip, next, previous, ping
  }
  public var type: Kind
  /// join: the room's code.
  public var code: String?
  /// join: the name the learner gives.
  public var name: String?
  /// resume: the token handed out at join.
  public var token: String?
  /// answer: an id the client generates once per submission, so that re-sending after a dropped
  /// connection is harmless.
  public var submission: String?
  /// answer, hint, skip: the question id.
  public var question: String?
  /// answer: what the learner typed, exactly.
  public var input: String?

  public init(
    type: Kind, code: String? = nil, name: String? = nil, token: String? = nil,
    submission: String? = nil, question: String? = nil, input: String? = nil
  ) {
    self.type = type
    self.code = code
    self.name = name
    self.token = token
    self.submission = submission
    self.question = question
    self.input = input
  }
}

/// A question as a participant sees it: choices already in that participant's order, no key.
public struct QuestionView: Sendable, Hashable, Codable {
  public var id: String
  public var kind: Question.Kind
  public var prompt: String
  public var points: Double
  /// single, multiple, truefalse: choice texts in display order (labelled a, b, c… by clients).
  public var choices: [String]?
  /// ordering: items in display order (numbered 1, 2, 3…).
  public var items: [String]?
  /// matching: the left column, then the right column in display order.
  public var left: [String]?
  public var right: [String]?
  public var hints: Int
  /// The question's content digest, for the learner's own journal.
  public var digest: String?
}

/// The item a participant is looking at.
public struct ItemView: Sendable, Hashable, Codable {
  public enum Status: String, Sendable, Hashable, Codable {
    /// A page, or a question the instructor has not opened yet.
    case reading
    case open, closed, revealed
  }
  public var lesson: String
  public var lessonTitle: String
  /// 0-based position in the lesson and the lesson's item count.
  public var index: Int
  public var count: Int
  public var pageTitle: String?
  public var markdown: String?
  public var question: QuestionView?
  public var status: Status
  /// Milliseconds since 1970 when the question closes by itself, if it has a timer.
  public var deadline: Int64?
  public var attemptsLeft: Int?
  /// The participant's own latest answer to this question, described in their display order.
  public var yourAnswer: String?
  public var yourOutcome: Grade.Outcome?
  /// For the learner's own journal: the lesson's content digest and the page's id.
  public var lessonDigest: String?
  public var pageID: String?
}

public struct DistributionBucket: Sendable, Hashable, Codable {
  public var label: String
  public var count: Int
  public var correct: Bool
  public init(label: String, count: Int, correct: Bool) {
    self.label = label
    self.count = count
    self.correct = correct
  }
}

/// What the server sends a learner. Flat like `LearnerRequest`.
public struct LearnerMessage: Sendable, Hashable, Codable {
  public enum Kind: String, Sendable, Hashable, Codable {
    case welcome, item, ack, rejected, closed, reveal, distribution, hint, leaderboard
    case removed, ended, error, pong
    /// A skip was recorded.
    case skipped
    /// The instructor changed who sets the pace (`pacing`); an `item` follows.
    case paced
  }
  public var type: Kind
  public var participant: String?
  public var name: String?
  public var token: String?
  public var session: String?
  public var courseTitle: String?
  public var pacing: Pacing?
  public var item: ItemView?
  public var submission: String?
  public var question: String?
  /// ack: the learner's attempt number; hint: the hint's number.
  public var attempt: Int?
  public var attemptsLeft: Int?
  /// ack: withheld (nil) in exam mode until the answer is revealed.
  public var outcome: Grade.Outcome?
  public var feedback: [String]?
  /// reveal: the right answer in the participant's display order; hint: the hint text;
  /// rejected and error: why.
  public var text: String?
  public var explanation: String?
  public var buckets: [DistributionBucket]?
  /// leaderboard: "rank. name — score" lines.
  public var lines: [String]?
  public var score: Double?
  public var passed: Bool?
  /// ended: the participant's signed completion record (JSON).
  public var record: String?
  /// welcome: the course id.
  public var course: String?
  /// ack, skipped: the lesson and the question's content digest, for the learner's journal.
  public var lesson: String?
  public var digest: String?
  /// ack: the answer as the server read it, in canonical order.
  public var response: Response?
  /// ack: the answer's credit and the points it earned, as the server decided (withheld like
  /// `outcome` in exam mode).
  public var credit: Double?
  public var earned: Double?

  public init(type: Kind) { self.type = type }
}

/// How the room moves through a lesson.
public enum Pacing: String, Sendable, Hashable, Codable {
  /// The instructor moves everyone to the next page or question.
  case instructor
  /// Each learner walks the lesson alone; the instructor watches.
  case student
}

/// A command from the instructor, from the serve terminal, the web page (HTTP POST) or the
/// instructor's WebSocket.
public struct InstructorCommand: Sendable, Hashable, Codable {
  public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
    case openLesson = "open-lesson"
    case next, previous, go
    case openQuestion = "open-question"
    case closeQuestion = "close-question"
    case reveal
    case showDistribution = "show-distribution"
    case showLeaderboard = "show-leaderboard"
    case lock, unlock, remove, pace, end
  }
  public var command: Kind
  public var lesson: String?
  /// go: 0-based item index.
  public var index: Int?
  /// open-question: seconds until it closes by itself (0 or absent: the policy's timer, if any).
  public var seconds: Int?
  /// remove: participant id.
  public var participant: String?
  public var pacing: Pacing?

  public init(
    _ command: Kind, lesson: String? = nil, index: Int? = nil, seconds: Int? = nil,
    participant: String? = nil, pacing: Pacing? = nil
  ) {
    self.command = command
    self.lesson = lesson
    self.index = index
    self.seconds = seconds
    self.participant = participant
    self.pacing = pacing
  }
}

enum WireCoding {
  static let encoder: JSONEncoder = {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys]
    return e
  }()

  static func encode(_ value: some Encodable) -> String {
    // Every wire type is a plain struct of strings and numbers; encoding cannot fail.
    (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "{}"
  }

  static func decode<T: Decodable>(_ type: T.Type, _ text: String) -> T? {
    try? JSONDecoder().decode(type, from: Data(text.utf8))
  }
}
