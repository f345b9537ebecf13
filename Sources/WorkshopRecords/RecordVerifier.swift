#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

/// How responses are graded and points computed; the engine's `Grader` and `Scoring` in
/// production, injectable so the verifier can be tested in isolation.
public struct RecordGrading: Sendable {
  public var grade: @Sendable (Question, Response) -> Grade
  public var earned: @Sendable (_ points: Double, _ credit: Double, _ attempt: Int, _ hints: Int, _ policy: Policy) -> Double

  public init(
    grade: @escaping @Sendable (Question, Response) -> Grade,
    earned: @escaping @Sendable (Double, Double, Int, Int, Policy) -> Double
  ) {
    self.grade = grade
    self.earned = earned
  }
}

public struct VerificationReport: Sendable, Hashable {
  public init() {}
  public enum Status: String, Sendable, Hashable {
    case valid
    case tampered
    case contentMismatch = "content-mismatch"
    /// Made by an older workshop whose records followed other rules (an earlier schema
    /// version): honest as far as that version's digest goes, but to be exported again.
    case outdated

    /// Exit codes of `workshop verify` (see docs/records.md).
    public var exitCode: Int32 {
      switch self {
      case .valid: 0
      case .tampered: 1
      case .contentMismatch: 2
      case .outdated: 3
      }
    }
  }

  public struct Finding: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable { case tampered, content, outdated }
    public var kind: Kind
    /// Where in the record, e.g. `lessons[2].attempts[0].responses[3].credit`.
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
  }

  /// What the record's signature block says.
  public enum SignatureStatus: Sendable, Hashable {
    case unsigned
    /// `trusted`: the key is one the reader named (`--key`); otherwise only the maths was checked.
    case valid(signer: String, trusted: Bool)
    case invalid(signer: String, reason: String)
  }

  public var findings: [Finding] = []
  public var signature: SignatureStatus = .unsigned
  /// Things worth knowing that do not make the record invalid.
  public var notes: [String] = []
  /// Whether the responses were re-scored against lesson content.
  public var rescored = false

  public var status: Status {
    if findings.contains(where: { $0.kind == .tampered }) { return .tampered }
    if findings.contains(where: { $0.kind == .content }) { return .contentMismatch }
    if findings.contains(where: { $0.kind == .outdated }) { return .outdated }
    return .valid
  }

  public var tampered: [Finding] { findings.filter { $0.kind == .tampered } }
  public var contentChanges: [Finding] { findings.filter { $0.kind == .content } }
  public var outdated: [Finding] { findings.filter { $0.kind == .outdated } }

  mutating func tamper(_ path: String, _ message: String) {
    findings.append(.init(kind: .tampered, path: path, message: message))
  }
  mutating func content(_ path: String, _ message: String) {
    findings.append(.init(kind: .content, path: path, message: message))
  }
}

public enum RecordVerifier {
  /// Verifies a record read from JSON. `course` is the current content for the record's course
  /// (nil when the lesson pack does not have it: then nothing can be re-scored and that is
  /// itself a content mismatch unless `requireContent` is false).
  public static func verify(
    json: JSONValue, course: Course?, grading: RecordGrading, requireContent: Bool = true
  ) -> (report: VerificationReport, record: CompletionRecord?) {
    verify(json: json, digestChecked: false, course: course, grading: grading, requireContent: requireContent)
  }

  /// Verifies a record file's bytes. A file in canonical form (as `export` writes it) has its
  /// digest checked over the bytes themselves, sparing a re-serialisation; any other layout
  /// falls back to the canonical form of what was parsed.
  public static func verify(
    data: Data, course: (String) -> Course?, grading: RecordGrading, requireContent: Bool = true
  ) throws(JSONParseError) -> (report: VerificationReport, record: CompletionRecord?) {
    var isRecord = true
    return try verify(data: data, course: course, grading: grading, requireContent: requireContent, isRecord: &isRecord)
  }

  /// As above; `isRecord` is set to false (and nothing is checked) when the JSON does not claim
  /// to be a completion record at all.
  ///
  /// `trusting`: public keys (base64) of which one must have signed the record; nil accepts an
  /// unsigned record and checks a signature, when there is one, without asking whose it is.
  public static func verify(
    data: Data, course: (String) -> Course?, grading: RecordGrading, requireContent: Bool = true,
    trusting trusted: [String]? = nil, isRecord: inout Bool
  ) throws(JSONParseError) -> (report: VerificationReport, record: CompletionRecord?) {
    let json = try JSONParser.parse(data)
    guard json["schema"]?.string == CompletionRecord.schema else {
      isRecord = false
      var report = VerificationReport()
      report.tamper("schema", "not a workshop completion record")
      return (report, nil)
    }
    // `generatedAt`, `engine` and any signature sit in the file but outside the digest, so the
    // digest is always checked over the canonical form of what was parsed.
    return verify(
      json: json, digestChecked: false, course: course(json["course"]?["id"]?.string ?? ""), grading: grading,
      requireContent: requireContent, trusting: trusted)
  }

  static func verify(
    json: JSONValue, digestChecked: Bool, course: Course?, grading: RecordGrading, requireContent: Bool,
    trusting trusted: [String]? = nil
  ) -> (report: VerificationReport, record: CompletionRecord?) {
    var report = VerificationReport()
    if let version = json["schemaVersion"]?.int, version < CompletionRecord.schemaVersion {
      checkEarlierSchema(json, version: version, &report)
      return (report, nil)
    }
    if !digestChecked { checkDigest(json, &report) }
    let record: CompletionRecord
    do {
      record = try CompletionRecord(json: json)
    } catch {
      report.tamper(error.path, error.message)
      return (report, nil)
    }
    checkSignature(record, trusting: trusted, &report)
    checkConsistency(record, grading: grading, &report)
    if let course {
      var vouched = false
      if case .valid = report.signature { vouched = true }
      checkContent(record, course: course, grading: grading, policyVouchedFor: vouched, &report)
    } else if requireContent {
      report.content("course", "course \(record.course.id) is not in the lesson pack; nothing could be re-scored")
    }
    return (report, record)
  }

  // MARK: Digest

  /// A record of an earlier schema is not re-scored under today's rules: its digest is checked
  /// under its own version's rule, and an honest one is reported as needing a new export
  /// rather than as tampered. Schema 1's digest also covered `generatedAt` and `engine`.
  static func checkEarlierSchema(_ json: JSONValue, version: Int, _ report: inout VerificationReport) {
    let digestOfVersion1 = RecordHash.digest(of: json.removing("digest").removing("signature"))
    guard version == 1, json["digest"]?.string == digestOfVersion1 else {
      report.tamper("digest", "the record digest does not match its contents (record schema version \(version))")
      return
    }
    report.findings.append(
      .init(
        kind: .outdated, path: "schemaVersion",
        message:
          "made by an older workshop (record schema version \(version), whose digest also covered the export time); "
          + "its digest holds under that version's rule, but it is not checked further: export it again with this workshop"
      ))
  }

  static func checkDigest(_ json: JSONValue, _ report: inout VerificationReport) {
    guard let recorded = json["digest"]?.string else {
      report.tamper("digest", "missing")
      return
    }
    let actual = CompletionRecord.computeDigest(of: json)
    guard actual != recorded else { return }
    // Localise: the section digests say which part changed when only the part was edited.
    var located = false
    let recordedSections = json["integrity"]?["sections"]
    var sections: [(String, JSONValue)] = []
    for key in ["learner", "course", "policy", "outcome", "lessons"] {
      if let v = json[key] { sections.append((key, v)) }
    }
    if let computed = CompletionRecord.sectionDigests(sections).members {
      for (key, digest) in computed where recordedSections?[key] != digest {
        located = true
        report.tamper(key, "edited: its digest no longer matches the one recorded")
      }
      if let recordedKeys = recordedSections?.members?.map(\.0) {
        for key in recordedKeys where !computed.contains(where: { $0.0 == key }) {
          located = true
          report.tamper(key, "removed from the record")
        }
      }
    }
    if !located {
      report.tamper("digest", "the record digest does not match its contents (top-level fields or section digests edited)")
    } else {
      report.tamper("digest", "the record digest does not match its contents")
    }
  }

  // MARK: Signature

  /// A signature must verify over the digest; with trusted keys, a record must be signed by one
  /// of them. The digest itself is checked separately, so an edit shows up there, and a digest
  /// recomputed after an edit shows up here.
  static func checkSignature(_ r: CompletionRecord, trusting trusted: [String]?, _ report: inout VerificationReport) {
    guard let sig = r.signature else {
      if trusted != nil { report.tamper("signature", "missing: the record is not signed, and a signing key was given") }
      return
    }
    switch sig.verify(digest: r.digest, trusting: trusted) {
    case .success:
      report.signature = .valid(signer: sig.signer, trusted: trusted != nil)
    case .failure(let problem):
      report.signature = .invalid(signer: sig.signer, reason: problem.description)
      report.tamper("signature", problem.description)
    }
  }

  // MARK: Internal consistency

  static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-6 * max(1, abs(a), abs(b)) }

  public static func checkConsistency(
    _ r: CompletionRecord, grading: RecordGrading, _ report: inout VerificationReport
  ) {
    for (li, lesson) in r.lessons.enumerated() {
      var lp: String { "lessons[\(li)] (\(lesson.id))" }
      for (ai, a) in lesson.attempts.enumerated() {
        var ap: String { "\(lp).attempts[\(ai)]" }
        if a.number != ai + 1 { report.tamper("\(ap).number", "attempts are not numbered in order") }
        var best: [String: Double] = [:]
        var lastAttempt: [String: Int] = [:]
        for (ri, resp) in a.responses.enumerated() {
          var rp: String { "\(ap).responses[\(ri)] (\(resp.question))" }
          if !(0...1).contains(resp.credit) { report.tamper("\(rp).credit", "credit \(resp.credit) is outside 0…1") }
          let expectedOutcome: Grade.Outcome = resp.credit >= 1 ? .correct : (resp.credit > 0 ? .partial : .wrong)
          if resp.outcome != expectedOutcome {
            report.tamper("\(rp).outcome", "\(resp.outcome.rawValue) does not fit credit \(JSONWriter.number(resp.credit))")
          }
          let expected = grading.earned(resp.points, resp.credit, resp.attempt, resp.hints, lesson.policy)
          if !close(expected, resp.earned) {
            report.tamper(
              "\(rp).earned",
              "\(JSONWriter.number(resp.earned)) points recorded, the policy gives \(JSONWriter.number(expected))")
          }
          let previous = lastAttempt[resp.question] ?? 0
          if resp.attempt != previous + 1 {
            report.tamper("\(rp).attempt", "attempt \(resp.attempt) follows attempt \(previous) of this question")
          }
          lastAttempt[resp.question] = resp.attempt
          if resp.attempt > lesson.policy.effectiveAttempts {
            report.tamper("\(rp).attempt", "attempt \(resp.attempt) is more than the policy allows (\(lesson.policy.effectiveAttempts))")
          }
          if !a.asked.contains(resp.question) {
            report.tamper("\(rp).question", "question was not among those asked in this attempt")
          }
          best[resp.question] = Scoring.counted(previous: best[resp.question], answer: resp.earned)
        }
        if let drawn = a.drawn, drawn != a.asked {
          report.tamper("\(ap).asked", "differs from the questions drawn")
        }
        // A finished attempt answered or skipped every question it asked; a gap means a
        // response was taken out.
        if a.completedAt != nil {
          let seen = Set(a.responses.map(\.question)).union(a.skipped)
          for id in a.asked where !seen.contains(id) {
            report.tamper(ap, "question \(id) was asked but the record has no response or skip for it")
          }
        }
        let earned = best.values.reduce(0, +)
        if !close(earned, a.earned) {
          report.tamper("\(ap).earned", "\(JSONWriter.number(a.earned)) points recorded, the responses add up to \(JSONWriter.number(earned))")
        }
        if let score = a.score {
          let expected = Scoring.share(earned: earned, possible: a.possible)
          if !close(score, expected) {
            report.tamper(
              "\(ap).score",
              "score \(JSONWriter.number(score)) does not follow from the responses (\(JSONWriter.number(expected)))")
          }
          if let passed = a.passed, passed != Scoring.passes(share: score, passMark: lesson.policy.passMark) {
            report.tamper("\(ap).passed", "does not follow from score and pass mark")
          }
        }
        if (a.completedAt == nil) != (a.score == nil) {
          report.tamper("\(ap).score", "a finished attempt needs a score and an unfinished one has none")
        }
      }
      // The lesson summary must be the best finished attempt.
      var bestAttempt: CompletionRecord.Attempt?
      for a in lesson.attempts where a.completedAt != nil && a.score != nil {
        if bestAttempt == nil || a.score! > bestAttempt!.score! + 1e-12 { bestAttempt = a }
      }
      if lesson.bestAttempt != bestAttempt?.number {
        report.tamper("\(lp).bestAttempt", "is not the best finished attempt")
      }
      if let score = lesson.score, bestAttempt?.score.map({ close($0, score) }) != true {
        report.tamper("\(lp).score", "score \(JSONWriter.number(score)) is not the best attempt's score")
      } else if lesson.score == nil, bestAttempt != nil {
        report.tamper("\(lp).score", "missing")
      }
      let expectedState: CompletionRecord.LessonState =
        bestAttempt.map { $0.passed == true ? .passed : .notPassed }
        ?? (lesson.attempts.isEmpty ? .notStarted : .inProgress)
      if lesson.state != expectedState {
        report.tamper("\(lp).state", "\(lesson.state.rawValue) does not follow from the attempts (\(expectedState.rawValue))")
      }
    }
    let outcome = CompletionRecord.Outcome(
      Scoring.courseOutcome(r.lessons.map(\.standing)), passMark: r.outcome.passMark)
    let fields: [(String, Bool)] = [
      ("completed", outcome.completed == r.outcome.completed),
      ("passed", outcome.passed == r.outcome.passed),
      ("decided", outcome.decided == r.outcome.decided),
      ("score", outcome.score.map { s in r.outcome.score.map { close($0, s) } ?? false } ?? (r.outcome.score == nil)),
      ("earned", close(outcome.earned, r.outcome.earned)),
      ("possible", close(outcome.possible, r.outcome.possible)),
      ("completedAt", outcome.completedAt == r.outcome.completedAt),
    ]
    for (field, ok) in fields where !ok {
      report.tamper("outcome.\(field)", "does not follow from the lessons")
    }
    if abs(r.outcome.passMark - r.policy.passMark) > 1e-12 {
      report.tamper("outcome.passMark", "differs from the policy's pass mark")
    }
  }

  // MARK: Content

  /// - Parameter policyVouchedFor: the record carries a valid signature, so a lesson policy that
  ///   differs from the pack's (an instructor's policy file for a live session) is the signer's
  ///   word and only noted.
  public static func checkContent(
    _ r: CompletionRecord, course: Course, grading: RecordGrading, policyVouchedFor: Bool = false,
    _ report: inout VerificationReport
  ) {
    report.rescored = true
    if course.id != r.course.id {
      report.content("course.id", "record is for \(r.course.id), the lesson pack has \(course.id)")
      return
    }
    if course.digest != r.course.digest {
      report.notes.append(
        "the course content digest differs from the record's (version \(r.course.version) then, \(course.version) now); questions are compared one by one")
    }
    var changed = Set<String>()
    // Question lookups by id once per lesson rather than a scan per response.
    var questionIndex: [String: [String: Question]] = [:]
    for l in course.lessons {
      var m: [String: Question] = [:]
      for q in l.questions { m[q.id] = q }
      questionIndex[l.id] = m
    }
    for (li, lesson) in r.lessons.enumerated() {
      var lp: String { "lessons[\(li)] (\(lesson.id))" }
      guard let current = course.lesson(id: lesson.id) else {
        if !lesson.attempts.isEmpty { report.content(lp, "lesson \(lesson.id) is no longer in the course") }
        continue
      }
      if current.required != lesson.required {
        report.content("\(lp).required", "whether the lesson is required has changed")
      }
      if abs(current.policy.passMark - lesson.policy.passMark) > 1e-12 || current.policy.recorded != lesson.policy {
        if policyVouchedFor {
          report.notes.append("\(lesson.id): the policy differs from the lesson pack's (set by the signer for the session)")
        } else if lesson.attempts.contains(where: { $0.lessonDigest == current.digest }) {
          // The lesson digest covers the policy: an unchanged digest with another policy means the
          // record's policy was edited, not the pack.
          report.tamper("\(lp).policy", "is not the policy of the lesson the record names (its digest is unchanged)")
        } else {
          report.content("\(lp).policy", "the lesson's policy has changed")
        }
      }
      for (ai, a) in lesson.attempts.enumerated() {
        var ap: String { "\(lp).attempts[\(ai)]" }
        var askedAllKnown = true
        let asked = a.asked
        if a.drawn == nil, a.asked != current.questions.map(\.id), current.digest == a.lessonDigest {
          report.tamper("\(ap).asked", "is not the lesson's list of questions")
        }
        var possible = 0.0
        let questions = questionIndex[lesson.id] ?? [:]
        for id in asked {
          if let q = questions[id] { possible += q.points } else { askedAllKnown = false }
        }
        for (ri, resp) in a.responses.enumerated() {
          var rp: String { "\(ap).responses[\(ri)] (\(resp.question))" }
          guard let q = questions[resp.question] else {
            if changed.insert("\(lesson.id)/\(resp.question)").inserted {
              report.content(rp, "question \(lesson.id)/\(resp.question) is no longer in the lesson")
            }
            askedAllKnown = false
            continue
          }
          guard q.digest == resp.questionDigest else {
            if changed.insert("\(lesson.id)/\(resp.question)").inserted {
              report.content(rp, "question \(lesson.id)/\(resp.question) has changed since it was answered")
            }
            askedAllKnown = false
            continue
          }
          if q.kind.rawValue != resp.type { report.tamper("\(rp).type", "is \(resp.type), the question is \(q.kind.rawValue)") }
          if !close(q.points, resp.points) {
            report.tamper("\(rp).points", "\(JSONWriter.number(resp.points)) recorded, the question is worth \(JSONWriter.number(q.points))")
          }
          let grade = grading.grade(q, resp.response)
          if !close(grade.credit, resp.credit) || grade.outcome != resp.outcome {
            report.tamper(
              "\(rp).response",
              "grades to \(grade.outcome.rawValue) with credit \(JSONWriter.number(grade.credit)), the record says \(resp.outcome.rawValue) with \(JSONWriter.number(resp.credit))")
          }
        }
        if askedAllKnown, !close(possible, a.possible) {
          report.tamper("\(ap).possible", "\(JSONWriter.number(a.possible)) points recorded, the questions asked are worth \(JSONWriter.number(possible))")
        }
      }
    }
  }
}

extension RecordGrading {
  /// Remembers grades by question digest and response: across a roster most learners give one
  /// of a few responses, and normalising short answers is the slow part of re-scoring.
  public func cached() -> RecordGrading {
    let cache = GradeCache()
    let grade = self.grade
    return RecordGrading(
      grade: { question, response in
        guard !question.digest.isEmpty else { return grade(question, response) }
        let key = GradeCache.Key(question: question.id, digest: question.digest, response: response)
        if let hit = cache.get(key) { return hit }
        let result = grade(question, response)
        cache.set(key, result)
        return result
      }, earned: earned)
  }

  /// The engine's own grading and scoring: what the session used when the answers were given.
  public static let engine = RecordGrading(
    grade: { Grader.grade($0, $1) },
    earned: { Scoring.earned(points: $0, credit: $1, attempt: $2, hintsShown: $3, policy: $4) })
}

final class GradeCache: @unchecked Sendable {
  struct Key: Hashable {
    var question: String
    var digest: String
    var response: Response
  }
  private var grades: [Key: Grade] = [:]
  private let lock = Lock()

  func get(_ key: Key) -> Grade? {
    lock.lock()
    defer { lock.unlock() }
    return grades[key]
  }

  func set(_ key: Key, _ grade: Grade) {
    lock.lock()
    grades[key] = grade
    lock.unlock()
  }
}
