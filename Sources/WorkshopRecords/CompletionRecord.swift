#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

/// A learner's completion record for one course: what `workshop export --format json` writes and
/// what `verify` and `roster` read. The schema is documented in docs/records.md.
public struct CompletionRecord: Sendable, Hashable {
  public static let schema = "workshop-completion-record"
  /// 2: the digest leaves out `generatedAt` and `engine` (version 1 covered them).
  public static let schemaVersion = 2
  /// Name of the canonical serialisation the digest is taken over.
  public static let canonicalization = "workshop-canonical-json-1"

  public struct Learner: Sendable, Hashable {
    /// Opaque and stable: never the slug or the name.
    public var id: String
    public var name: String
    /// True when `name` is a pseudonym rather than the learner's display name.
    public var pseudonymous: Bool
    public init(id: String, name: String, pseudonymous: Bool = false) {
      self.id = id
      self.name = name
      self.pseudonymous = pseudonymous
    }
  }

  public struct CourseInfo: Sendable, Hashable {
    public var id: String
    public var title: String
    public var version: String
    public var digest: String
    public var language: String
    public init(id: String, title: String, version: String, digest: String, language: String) {
      self.id = id
      self.title = title
      self.version = version
      self.digest = digest
      self.language = language
    }
  }

  /// The course-level outcome.
  public struct Outcome: Sendable, Hashable {
    /// Every required lesson passed.
    public var completed: Bool
    public var passed: Bool
    /// Every required lesson has at least one finished attempt, so the course is decided.
    public var decided: Bool
    /// Points earned over points possible across the required lessons' best attempts.
    public var score: Double?
    public var earned: Double
    public var possible: Double
    public var passMark: Double
    /// When the last required lesson was passed (completed) or finished (decided).
    public var completedAt: String?
    public var seconds: Double
  }

  public enum LessonState: String, Sendable, Hashable {
    case notStarted = "not-started"
    case inProgress = "in-progress"
    case passed
    case notPassed = "not-passed"
  }

  public struct LessonRecord: Sendable, Hashable {
    public var id: String
    public var title: String
    public var kind: String
    public var required: Bool
    public var digest: String
    public var policy: Policy
    public var state: LessonState
    /// Best finished attempt's score, 0…1.
    public var score: Double?
    /// Number of the best finished attempt.
    public var bestAttempt: Int?
    public var seconds: Double
    public var startedAt: String?
    public var completedAt: String?
    public var attempts: [Attempt]
  }

  /// One run through a lesson, from its start (or restart) to its end.
  public struct Attempt: Sendable, Hashable {
    public var number: Int
    /// xAPI registration for this attempt.
    public var registration: String
    public var lessonDigest: String
    public var startedAt: String
    public var completedAt: String?
    public var seconds: Double
    /// As the engine recorded it at the end of the attempt.
    public var score: Double?
    public var passed: Bool?
    /// Points possible: the questions asked (all, or the ones drawn).
    public var possible: Double
    /// Best points per question, summed.
    public var earned: Double
    /// Question ids drawn for this attempt (assessments with `draw`).
    public var drawn: [String]?
    /// Question ids asked: the drawn ones, else every question of the lesson.
    public var asked: [String]
    public var skipped: [String]
    public var responses: [ResponseRecord]
  }

  public struct ResponseRecord: Sendable, Hashable {
    public var question: String
    public var questionDigest: String
    public var type: String
    public var points: Double
    public var raw: String
    public var response: Response
    public var outcome: Grade.Outcome
    public var credit: Double
    public var earned: Double
    /// 1-based attempt at this question.
    public var attempt: Int
    public var hints: Int
    public var seconds: Double
    public var at: String
    /// Journal event id: identifies the answer for idempotent xAPI statements.
    public var event: String
  }

  /// Certificate id: stable for the same learner, course version and completion.
  public var id: String
  public var generatedAt: String
  public var engine: String
  public var learner: Learner
  public var course: CourseInfo
  public var policy: Policy
  public var outcome: Outcome
  public var lessons: [LessonRecord]
  /// SHA-256 (hex) of the canonical form of `CompletionRecord.identity(of:)`: the achievement,
  /// not the moment of export.
  public var digest: String
  /// The signer's Ed25519 signature over the digest (live-session records), if any.
  public var signature: RecordSignature? = nil

  public var verificationCode: String { RecordHash.verificationCode(digestHex: digest) }
}

// MARK: - JSON

extension CompletionRecord {
  /// The full record, digest included.
  public func json() -> JSONValue {
    let o = unsignedJSON().setting("digest", .string(digest))
    return signature.map { o.setting("signature", $0.json()) } ?? o
  }

  /// Signs the record's digest (which stays as it is: the signature is not part of it).
  public mutating func sign(with key: InstructorKey) {
    signature = key.sign(RecordSignature.bytes(hex: digest) ?? Data())
  }

  /// Members that describe one export of the record rather than the learner's work: the moment
  /// it was written and the program version that wrote it. Leaving them out of the digest is what
  /// makes two exports of the same achievement carry the same digest and verification code.
  public static let membersOutsideDigest = ["digest", "signature", "generatedAt", "engine"]

  /// What the digest is taken over, from a record's JSON: the single rule the builder and the
  /// verifier both use.
  public static func identity(of json: JSONValue) -> JSONValue {
    membersOutsideDigest.reduce(json) { $0.removing($1) }
  }

  /// The digest a record's JSON should carry.
  public static func computeDigest(of json: JSONValue) -> String {
    RecordHash.digest(of: identity(of: json))
  }

  /// The record without `digest` but with the section digests.
  public func unsignedJSON() -> JSONValue {
    var o = ObjectBuilder()
    o.add("schema", CompletionRecord.schema)
    o.add("schemaVersion", CompletionRecord.schemaVersion)
    o.add("id", id)
    o.add("generatedAt", generatedAt)
    o.add("engine", engine)
    let sections = sectionValues()
    for (key, value) in sections { o.add(key, value) }
    var integrity = ObjectBuilder()
    integrity.add("algorithm", "sha-256")
    integrity.add("canonicalization", CompletionRecord.canonicalization)
    integrity.add("sections", Self.sectionDigests(sections))
    o.add("integrity", integrity.value)
    return o.value
  }

  /// Digests of the record's parts, so that verify can say which part was edited.
  static func sectionDigests(_ sections: [(String, JSONValue)]) -> JSONValue {
    var out: [(String, JSONValue)] = []
    for (key, value) in sections {
      if key == "lessons", let lessons = value.array {
        for lesson in lessons {
          out.append(("lessons/" + (lesson["id"]?.string ?? "?"), .string(RecordHash.digest(of: lesson))))
        }
      } else {
        out.append((key, .string(RecordHash.digest(of: value))))
      }
    }
    return .object(out)
  }

  func sectionValues() -> [(String, JSONValue)] {
    [
      ("learner", learnerJSON()),
      ("course", courseJSON()),
      ("policy", Self.policyJSON(policy)),
      ("outcome", outcomeJSON()),
      ("lessons", .array(lessons.map { $0.json() })),
    ]
  }

  func learnerJSON() -> JSONValue {
    var o = ObjectBuilder()
    o.add("id", learner.id)
    o.add("name", learner.name)
    o.add("pseudonymous", learner.pseudonymous)
    return o.value
  }

  func courseJSON() -> JSONValue {
    var o = ObjectBuilder()
    o.add("id", course.id)
    o.add("title", course.title)
    o.add("version", course.version)
    o.add("digest", course.digest)
    o.add("language", course.language)
    return o.value
  }

  func outcomeJSON() -> JSONValue {
    var o = ObjectBuilder()
    o.add("completed", outcome.completed)
    o.add("passed", outcome.passed)
    o.add("decided", outcome.decided)
    o.add("score", outcome.score)
    o.add("earned", outcome.earned)
    o.add("possible", outcome.possible)
    o.add("passMark", outcome.passMark)
    o.add("completedAt", outcome.completedAt)
    o.add("seconds", outcome.seconds)
    return o.value
  }

  static func policyJSON(_ p: Policy) -> JSONValue {
    var o = ObjectBuilder()
    o.add("mode", p.mode.rawValue)
    o.add("attempts", p.attempts)
    o.add("creditPerAttempt", JSONValue.array(p.creditPerAttempt.map(JSONValue.number)))
    o.add("hintCost", p.hintCost)
    o.add("hintsAllowed", p.hintsAllowed)
    o.add("skipAllowed", p.skipAllowed)
    o.add("passMark", p.passMark)
    o.add("shuffle", p.shuffle)
    return o.value
  }

  /// The record's JSON file contents: canonical form plus a newline.
  public func fileText() -> String { JSONWriter.canonical(json()) + "\n" }
}

extension CompletionRecord.LessonRecord {
  func json() -> JSONValue {
    var o = ObjectBuilder()
    o.add("id", id)
    o.add("title", title)
    o.add("kind", kind)
    o.add("required", required)
    o.add("digest", digest)
    o.add("policy", CompletionRecord.policyJSON(policy))
    o.add("state", state.rawValue)
    o.add("score", score)
    o.add("bestAttempt", bestAttempt)
    o.add("seconds", seconds)
    o.add("startedAt", startedAt)
    o.add("completedAt", completedAt)
    o.add("attempts", JSONValue.array(attempts.map { $0.json() }))
    return o.value
  }
}

extension CompletionRecord.Attempt {
  func json() -> JSONValue {
    var o = ObjectBuilder()
    o.add("number", number)
    o.add("registration", registration)
    o.add("lessonDigest", lessonDigest)
    o.add("startedAt", startedAt)
    o.add("completedAt", completedAt)
    o.add("seconds", seconds)
    o.add("score", score)
    o.add("passed", passed)
    o.add("possible", possible)
    o.add("earned", earned)
    o.add("drawn", drawn.map { JSONValue.array($0.map(JSONValue.string)) })
    o.add("asked", JSONValue.array(asked.map(JSONValue.string)))
    o.add("skipped", JSONValue.array(skipped.map(JSONValue.string)))
    o.add("responses", JSONValue.array(responses.map { $0.json() }))
    return o.value
  }
}

extension CompletionRecord.ResponseRecord {
  func json() -> JSONValue {
    var o = ObjectBuilder()
    o.add("question", question)
    o.add("questionDigest", questionDigest)
    o.add("type", type)
    o.add("points", points)
    o.add("raw", raw)
    o.add("response", ResponseJSON.encode(response))
    o.add("outcome", outcome.rawValue)
    o.add("credit", credit)
    o.add("earned", earned)
    o.add("attempt", attempt)
    o.add("hints", hints)
    o.add("seconds", seconds)
    o.add("at", at)
    o.add("event", event)
    return o.value
  }
}

/// `Response` as a one-member object: `{"choices":[1,3]}`, `{"text":"…"}`, `{"number":42}`,
/// `{"order":[2,0,1]}`, `{"matches":[1,0]}` (canonical indices, as graded).
public enum ResponseJSON {
  public static func encode(_ r: Response) -> JSONValue {
    func ints(_ v: [Int]) -> JSONValue { .array(v.map { .number(Double($0)) }) }
    switch r {
    case .choices(let v): return .object([("choices", ints(v))])
    case .text(let s): return .object([("text", .string(s))])
    case .number(let n): return .object([("number", .number(n))])
    case .order(let v): return .object([("order", ints(v))])
    case .matches(let v): return .object([("matches", ints(v))])
    }
  }

  public static func decode(_ value: JSONValue) -> Response? {
    guard let members = value.members, members.count == 1, let (key, v) = members.first else {
      return nil
    }
    func ints() -> [Int]? {
      guard let a = v.array else { return nil }
      var out: [Int] = []
      out.reserveCapacity(a.count)
      for x in a {
        guard let i = x.int else { return nil }
        out.append(i)
      }
      return out
    }
    switch key {
    case "choices": return ints().map(Response.choices)
    case "text": return v.string.map(Response.text)
    case "number": return v.number.map(Response.number)
    case "order": return ints().map(Response.order)
    case "matches": return ints().map(Response.matches)
    default: return nil
    }
  }
}

// MARK: - Decoding

public struct RecordFormatError: Error, Sendable, CustomStringConvertible {
  public var path: String
  public var message: String
  public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

extension CompletionRecord {
  /// Reads a record. Structural problems (missing or mistyped fields) are errors; whether the
  /// values are honest is `RecordVerifier`'s business.
  public init(json root: JSONValue) throws(RecordFormatError) {
    let r = Reader(value: root, path: "")
    guard try r.string("schema") == CompletionRecord.schema else {
      throw RecordFormatError(path: "schema", message: "not a workshop completion record")
    }
    let version = try r.int("schemaVersion")
    guard version == CompletionRecord.schemaVersion else {
      throw RecordFormatError(
        path: "schemaVersion", message: "unsupported schema version \(version)")
    }
    id = try r.string("id")
    generatedAt = try r.string("generatedAt")
    engine = try r.string("engine")
    digest = try r.string("digest")
    signature = root["signature"] == nil ? nil : try RecordSignature(json: try r.child("signature"))
    let l = try r.child("learner")
    learner = Learner(id: try l.string("id"), name: try l.string("name"), pseudonymous: try l.bool("pseudonymous"))
    let c = try r.child("course")
    course = CourseInfo(
      id: try c.string("id"), title: try c.string("title"), version: try c.string("version"),
      digest: try c.string("digest"), language: try c.string("language"))
    policy = try Self.readPolicy(try r.child("policy"))
    let o = try r.child("outcome")
    outcome = Outcome(
      completed: try o.bool("completed"), passed: try o.bool("passed"), decided: try o.bool("decided"),
      score: try o.optionalNumber("score"), earned: try o.number("earned"),
      possible: try o.number("possible"), passMark: try o.number("passMark"),
      completedAt: try o.optionalString("completedAt"), seconds: try o.number("seconds"))
    lessons = []
    for lr in try r.children("lessons") {
      let state = try lr.string("state")
      guard let lessonState = LessonState(rawValue: state) else {
        throw RecordFormatError(path: lr.path + ".state", message: "unknown state \(state)")
      }
      var attempts: [Attempt] = []
      for ar in try lr.children("attempts") {
        var responses: [ResponseRecord] = []
        for rr in try ar.children("responses") {
          let rv = try rr.value("response")
          guard let response = ResponseJSON.decode(rv) else {
            throw RecordFormatError(path: rr.path + ".response", message: "malformed response")
          }
          let outcomeText = try rr.string("outcome")
          guard let outcome = Grade.Outcome(rawValue: outcomeText) else {
            throw RecordFormatError(path: rr.path + ".outcome", message: "unknown outcome")
          }
          responses.append(
            ResponseRecord(
              question: try rr.string("question"), questionDigest: try rr.string("questionDigest"),
              type: try rr.string("type"), points: try rr.number("points"), raw: try rr.string("raw"),
              response: response, outcome: outcome, credit: try rr.number("credit"),
              earned: try rr.number("earned"), attempt: try rr.int("attempt"),
              hints: try rr.int("hints"), seconds: try rr.number("seconds"), at: try rr.string("at"),
              event: try rr.string("event")))
        }
        attempts.append(
          Attempt(
            number: try ar.int("number"), registration: try ar.string("registration"),
            lessonDigest: try ar.string("lessonDigest"), startedAt: try ar.string("startedAt"),
            completedAt: try ar.optionalString("completedAt"), seconds: try ar.number("seconds"),
            score: try ar.optionalNumber("score"), passed: try ar.optionalBool("passed"),
            possible: try ar.number("possible"), earned: try ar.number("earned"),
            drawn: try ar.optionalStrings("drawn"), asked: try ar.strings("asked"), skipped: try ar.strings("skipped"),
            responses: responses))
      }
      lessons.append(
        LessonRecord(
          id: try lr.string("id"), title: try lr.string("title"), kind: try lr.string("kind"),
          required: try lr.bool("required"), digest: try lr.string("digest"),
          policy: try Self.readPolicy(try lr.child("policy")), state: lessonState,
          score: try lr.optionalNumber("score"), bestAttempt: try lr.optionalInt("bestAttempt"),
          seconds: try lr.number("seconds"), startedAt: try lr.optionalString("startedAt"),
          completedAt: try lr.optionalString("completedAt"), attempts: attempts))
    }
  }

  /// The part of a lesson's policy a record keeps: how answers were scored. Retake rules and the
  /// review schedule decide what a learner may do next, not what a record proves.
  static func readPolicy(_ reader: Reader) throws(RecordFormatError) -> Policy {
    let p = reader
    let modeText = try p.string("mode")
    guard let mode = Policy.Mode(rawValue: modeText) else {
      throw RecordFormatError(path: p.path + ".mode", message: "unknown mode")
    }
    let credits = try p.value("creditPerAttempt").array?.compactMap(\.number) ?? []
    return Policy(
      mode: mode, attempts: try p.int("attempts"), creditPerAttempt: credits,
      hintCost: try p.number("hintCost"), hintsAllowed: try p.bool("hintsAllowed"),
      skipAllowed: try p.bool("skipAllowed"), passMark: try p.number("passMark"),
      shuffle: try p.bool("shuffle"))
  }
}

/// Typed access to an object with paths in error messages.
struct Reader {
  var value: JSONValue
  var path: String

  private func sub(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

  func value(_ key: String) throws(RecordFormatError) -> JSONValue {
    guard let v = value[key] else { throw RecordFormatError(path: sub(key), message: "missing") }
    return v
  }
  func string(_ key: String) throws(RecordFormatError) -> String {
    guard let s = try value(key).string else { throw RecordFormatError(path: sub(key), message: "expected a string") }
    return s
  }
  func number(_ key: String) throws(RecordFormatError) -> Double {
    guard let n = try value(key).number else { throw RecordFormatError(path: sub(key), message: "expected a number") }
    return n
  }
  func int(_ key: String) throws(RecordFormatError) -> Int {
    guard let n = try value(key).int else { throw RecordFormatError(path: sub(key), message: "expected an integer") }
    return n
  }
  func bool(_ key: String) throws(RecordFormatError) -> Bool {
    guard let b = try value(key).bool else { throw RecordFormatError(path: sub(key), message: "expected true or false") }
    return b
  }
  func optionalString(_ key: String) throws(RecordFormatError) -> String? {
    guard value[key] != nil else { return nil }
    return try string(key)
  }
  func optionalNumber(_ key: String) throws(RecordFormatError) -> Double? {
    guard value[key] != nil else { return nil }
    return try number(key)
  }
  func optionalInt(_ key: String) throws(RecordFormatError) -> Int? {
    guard value[key] != nil else { return nil }
    return try int(key)
  }
  func optionalBool(_ key: String) throws(RecordFormatError) -> Bool? {
    guard value[key] != nil else { return nil }
    return try bool(key)
  }
  func strings(_ key: String) throws(RecordFormatError) -> [String] {
    guard let a = try value(key).array else { throw RecordFormatError(path: sub(key), message: "expected a list") }
    var out: [String] = []
    for x in a {
      guard let s = x.string else { throw RecordFormatError(path: sub(key), message: "expected strings") }
      out.append(s)
    }
    return out
  }
  func optionalStrings(_ key: String) throws(RecordFormatError) -> [String]? {
    guard value[key] != nil else { return nil }
    return try strings(key)
  }
  func child(_ key: String) throws(RecordFormatError) -> Reader {
    let v = try value(key)
    guard v.members != nil else { throw RecordFormatError(path: sub(key), message: "expected an object") }
    return Reader(value: v, path: sub(key))
  }
  func children(_ key: String) throws(RecordFormatError) -> [Reader] {
    guard let a = try value(key).array else { throw RecordFormatError(path: sub(key), message: "expected a list") }
    var out: [Reader] = []
    out.reserveCapacity(a.count)
    for (i, x) in a.enumerated() {
      guard x.members != nil else { throw RecordFormatError(path: "\(sub(key))[\(i)]", message: "expected an object") }
      out.append(Reader(value: x, path: "\(sub(key))[\(i)]"))
    }
    return out
  }
}

extension Policy {
  /// This policy as a record carries it (`CompletionRecord.readPolicy`), for comparing with one.
  var recorded: Policy {
    Policy(
      mode: mode, attempts: attempts, creditPerAttempt: creditPerAttempt, hintCost: hintCost,
      hintsAllowed: hintsAllowed, skipAllowed: skipAllowed, passMark: passMark, shuffle: shuffle)
  }
}
