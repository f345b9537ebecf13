import Crypto
import Foundation
import WorkshopEngine
import WorkshopRecords

/// One learner's completion record for a live session, signed by the instructor's key.
///
/// `digest` is the SHA-256 of the record's canonical JSON (sorted keys) with `digest` empty and
/// no signature; the signature is over the digest's UTF-8 bytes. Anyone holding the lessons and
/// the instructor's public key can recompute both and re-grade every response.
public struct LiveRecord: Sendable, Hashable, Codable {
  public struct QuestionResult: Sendable, Hashable, Codable {
    public var question: String
    public var digest: String
    public var points: Double
    public var raw: String?
    public var response: Response?
    public var outcome: Grade.Outcome?
    public var credit: Double
    public var earned: Double
    public var attempts: Int
    public var hints: Int
    public var skipped: Bool
  }

  public struct LessonResult: Sendable, Hashable, Codable {
    public var lesson: String
    public var title: String
    public var digest: String
    /// The policy in force (the lesson's, with the instructor's file laid over it).
    public var policy: Policy
    public var questions: [QuestionResult]
    public var earned: Double
    public var possible: Double
    public var score: Double
    public var passed: Bool
  }

  public var format: String = LiveRecord.formatName
  public var session: String
  public var course: String
  public var courseTitle: String
  public var courseVersion: String
  public var courseDigest: String
  public var participant: String
  public var name: String
  public var started: String
  public var ended: String
  public var lessons: [LessonResult]
  public var earned: Double
  public var possible: Double
  public var score: Double
  /// Every lesson run in the session passed.
  public var passed: Bool
  public var digest: String = ""
  public var signature: RecordSignature?

  public static let formatName = "workshop-live-record/1"

  /// Canonical bytes the digest is taken over.
  public func canonicalBytes() -> Data {
    var copy = self
    copy.digest = ""
    copy.signature = nil
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return (try? e.encode(copy)) ?? Data()
  }

  public func computedDigest() -> String {
    SHA256.hash(data: canonicalBytes()).map { String(format: "%02x", $0) }.joined()
  }

  /// Fills in the digest and signs it.
  public mutating func seal(with key: InstructorKey) {
    digest = computedDigest()
    signature = key.sign(Data(digest.utf8))
  }

  public func json() -> String {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    return String(decoding: (try? e.encode(self)) ?? Data(), as: UTF8.self) + "\n"
  }

  /// The record of one participant as the room stands.
  public static func make(for pid: String, in room: Classroom) -> LiveRecord? {
    guard let p = room.participants[pid] else { return nil }
    var lessons: [LessonResult] = []
    for (lesson, questions) in room.scoredQuestions() {
      let policy = room.policy(for: lesson)
      var results: [QuestionResult] = []
      for q in questions {
        let key = Classroom.key(lesson: lesson.id, question: q.id)
        let a = p.answers[key]
        results.append(
          QuestionResult(
            question: q.id, digest: q.digest, points: q.points, raw: a?.raw, response: a?.response,
            outcome: a?.outcome, credit: a?.credit ?? 0, earned: a?.earned ?? 0, attempts: a?.attempts ?? 0,
            hints: p.hints[key] ?? 0, skipped: p.skipped.contains(key)))
      }
      let earned = results.reduce(0) { $0 + $1.earned }
      let possible = results.reduce(0) { $0 + $1.points }
      let score = possible > 0 ? earned / possible : 0
      lessons.append(
        LessonResult(
          lesson: lesson.id, title: lesson.title, digest: lesson.digest, policy: policy, questions: results,
          earned: earned, possible: possible, score: score, passed: score + 1e-9 >= policy.passMark))
    }
    let earned = lessons.reduce(0) { $0 + $1.earned }
    let possible = lessons.reduce(0) { $0 + $1.possible }
    return LiveRecord(
      session: room.sessionID, course: room.course.id, courseTitle: room.course.title,
      courseVersion: room.course.version, courseDigest: room.course.digest, participant: pid, name: p.name,
      started: Timestamp.format(milliseconds: room.createdAt),
      ended: Timestamp.format(milliseconds: room.endedAt ?? room.createdAt), lessons: lessons,
      earned: earned, possible: possible, score: possible > 0 ? earned / possible : 0,
      passed: !lessons.isEmpty && lessons.allSatisfy(\.passed))
  }
}

/// Checks a live record: its digest, its signature (against a trusted key when one is given)
/// and, when the course is at hand, a re-grading of every response against the lessons.
public enum LiveRecordVerifier {
  public struct Report: Sendable, Hashable {
    public var problems: [String] = []
    public var notes: [String] = []
    public var ok: Bool { problems.isEmpty }
  }

  public static func isLiveRecord(_ data: Data) -> Bool {
    struct Probe: Decodable { var format: String? }
    return (try? JSONDecoder().decode(Probe.self, from: data))?.format == LiveRecord.formatName
  }

  public static func verify(
    _ data: Data, trusting trusted: [String]?, course: Course?, checker: any AnswerChecking
  ) -> Report {
    var report = Report()
    guard let record = try? JSONDecoder().decode(LiveRecord.self, from: data) else {
      report.problems.append("not a readable live-session record")
      return report
    }
    if record.computedDigest() != record.digest {
      report.problems.append("the record digest does not match its contents: the record was edited")
    }
    if let sig = record.signature {
      switch sig.verify(Data(record.digest.utf8), trusting: trusted) {
      case .success: report.notes.append("signed by instructor key \(sig.keyID)")
      case .failure(let problem): report.problems.append(problem.description)
      }
    } else {
      report.problems.append("the record is not signed")
    }
    if trusted == nil { report.notes.append("no instructor key given (--key): the signature was checked, not who made it") }
    guard let course else {
      report.notes.append("course `\(record.course)` not found: responses were not re-graded")
      return report
    }
    var total = 0.0
    var possible = 0.0
    for lr in record.lessons {
      guard let lesson = course.lesson(id: lr.lesson) else {
        report.problems.append("lesson `\(lr.lesson)` is not in course `\(course.id)`")
        continue
      }
      var earned = 0.0
      for qr in lr.questions {
        possible += qr.points
        guard let q = lesson.question(id: qr.question) else {
          report.problems.append("question `\(qr.question)` is not in lesson `\(lesson.id)`")
          continue
        }
        if q.digest != qr.digest {
          report.notes.append("question `\(q.id)` changed since the session; re-graded against the current text")
        }
        guard let response = qr.response, qr.attempts > 0 else {
          if qr.earned != 0 { report.problems.append("`\(q.id)`: points without an answer") }
          continue
        }
        let grade = checker.grade(q, response)
        let expected = checker.earned(
          points: q.points, credit: grade.credit, attempt: qr.attempts, hintsShown: qr.hints, policy: lr.policy)
        // The record keeps the best attempt; the last response re-grades to at most that.
        if grade.outcome != qr.outcome || abs(grade.credit - qr.credit) > 1e-9 {
          report.problems.append("`\(q.id)`: the response grades \(grade.outcome.rawValue), the record says \(qr.outcome?.rawValue ?? "none")")
        } else if expected > qr.earned + 1e-9 || qr.earned > q.points + 1e-9 {
          report.problems.append("`\(q.id)`: \(qr.earned) points recorded, re-scoring gives \(expected)")
        }
        earned += qr.earned
      }
      if abs(earned - lr.earned) > 1e-9 {
        report.problems.append("lesson `\(lr.lesson)`: points add up to \(earned), the record says \(lr.earned)")
      }
      total += earned
    }
    if abs(total - record.earned) > 1e-9 || abs(possible - record.possible) > 1e-9 {
      report.problems.append("the totals do not add up")
    }
    return report
  }
}
