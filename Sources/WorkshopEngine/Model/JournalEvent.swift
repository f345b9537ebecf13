#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One line of a learner's journal (`progress/<learner>/journal.jsonl`).
///
/// The journal is append-only; every piece of progress is derived by replaying it. Fields that
/// an event kind does not use are absent from its line.
public struct JournalEvent: Sendable, Hashable, Codable {
  public enum Kind: String, Sendable, Hashable, Codable {
    case sessionStarted = "session-started"
    case sessionEnded = "session-ended"
    case lessonStarted = "lesson-started"
    /// The learner asked to start the lesson over: earlier answers stay in the journal but no
    /// longer count towards the lesson's current attempt.
    case lessonRestarted = "lesson-restarted"
    case pageViewed = "page-viewed"
    /// A question was put on screen: a learner who stops here resumes at this question.
    case questionShown = "question-shown"
    case hintShown = "hint-shown"
    case answerSubmitted = "answer-submitted"
    /// In exam mode, an answer given before the attempt is submitted: it can still be changed,
    /// counts for nothing, and is replaced by an answer-submitted event when the learner submits.
    case answerHeld = "answer-held"
    case questionSkipped = "question-skipped"
    case lessonCompleted = "lesson-completed"
    /// The questions drawn for this learner from an assessment's pool, in the order asked.
    case questionsDrawn = "questions-drawn"
    /// A review card's question answered in `workshop review`: schedules the card, never
    /// touches the lesson's answers or score.
    case reviewAnswered = "review-answered"
    /// A hint shown in `workshop review`: counts in the card's rating, even if the learner
    /// leaves before answering and the card is asked again in another session.
    case reviewHintShown = "review-hint-shown"

    /// Events of `workshop review`: they schedule cards and never touch a lesson.
    public var isReview: Bool { self == .reviewAnswered || self == .reviewHintShown }
  }

  /// UUID, unique per event.
  public var id: String
  /// UTC, ISO 8601 with milliseconds, e.g. `2026-11-27T21:04:05.123Z`.
  public var at: String
  public var kind: Kind
  public var course: String?
  public var lesson: String?
  public var lessonDigest: String?
  /// Page id (page-viewed).
  public var page: String?
  public var question: String?
  public var questionDigest: String?
  /// Exactly what the learner typed (answer-submitted).
  public var raw: String?
  public var response: Response?
  public var outcome: Grade.Outcome?
  /// Credit of the answer itself, 0…1 (answer-submitted).
  public var credit: Double?
  /// Points earned after attempt and hint adjustments (answer-submitted).
  public var earned: Double?
  /// 1-based attempt number (answer-submitted) or hint number (hint-shown).
  public var attempt: Int?
  public var hint: Int?
  /// The FSRS rating a review earned, 1 (again) … 4 (easy) (review-answered).
  public var rating: Int?
  /// Seconds from the question being shown to the answer (answer-submitted), or the lesson's
  /// duration (lesson-completed).
  public var seconds: Double?
  /// Lesson score as a share, 0…1 (lesson-completed).
  public var score: Double?
  public var passed: Bool?
  /// Question ids (questions-drawn).
  public var questions: [String]?
  /// Seed used for the draw (questions-drawn).
  public var seed: UInt64?
  /// Engine version (session-started).
  public var engine: String?

  public init(
    id: String = UUID().uuidString.lowercased(), at: String = JournalEvent.timestamp(),
    kind: Kind, course: String? = nil, lesson: String? = nil, lessonDigest: String? = nil,
    page: String? = nil, question: String? = nil, questionDigest: String? = nil,
    raw: String? = nil, response: Response? = nil, outcome: Grade.Outcome? = nil,
    credit: Double? = nil, earned: Double? = nil, attempt: Int? = nil, hint: Int? = nil,
    rating: Int? = nil, seconds: Double? = nil, score: Double? = nil, passed: Bool? = nil,
    questions: [String]? = nil, seed: UInt64? = nil, engine: String? = nil
  ) {
    self.id = id
    self.at = at
    self.kind = kind
    self.course = course
    self.lesson = lesson
    self.lessonDigest = lessonDigest
    self.page = page
    self.question = question
    self.questionDigest = questionDigest
    self.raw = raw
    self.response = response
    self.outcome = outcome
    self.credit = credit
    self.earned = earned
    self.attempt = attempt
    self.hint = hint
    self.rating = rating
    self.seconds = seconds
    self.score = score
    self.passed = passed
    self.questions = questions
    self.seed = seed
    self.engine = engine
  }

  /// The current time (`WorkshopClock`) as the journal writes it: UTC with milliseconds.
  public static func timestamp(_ date: Date = WorkshopClock.now()) -> String {
    let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    return Timestamp.format(milliseconds: ms)
  }
}

/// Fast, allocation-light ISO 8601 formatting for journal timestamps.
public enum Timestamp {
  public static func format(milliseconds: Int64) -> String {
    let secs = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
    let ms = Int(milliseconds - secs * 1000)
    var days = Int(secs / 86_400)
    var rem = Int(secs - Int64(days) * 86_400)
    if rem < 0 {
      rem += 86_400
      days -= 1
    }
    let (y, m, d) = civil(fromDays: days)
    func pad(_ v: Int, _ w: Int) -> String {
      let s = String(v)
      return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
    }
    return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(rem / 3600, 2)):\(pad(rem / 60 % 60, 2)):"
      + "\(pad(rem % 60, 2)).\(pad(ms, 3))Z"
  }

  /// `2026-11-18T10:00:00Z`: whole seconds since 1970, in UTC.
  public static func formatSeconds(_ seconds: Int64) -> String {
    let withMilliseconds = format(milliseconds: seconds * 1000)
    return String(withMilliseconds.dropLast(5)) + "Z"
  }

  /// Parses what `format` writes; nil for anything else.
  public static func parse(_ text: String) -> Int64? {
    let u = Array(text.utf8)
    guard u.count == 24, u[4] == 45, u[7] == 45, u[10] == 84, u[13] == 58, u[16] == 58,
      u[19] == 46, u[23] == 90
    else { return nil }
    func num(_ a: Int, _ b: Int) -> Int? {
      var v = 0
      for i in a..<b {
        let c = Int(u[i]) - 48
        guard c >= 0, c <= 9 else { return nil }
        v = v * 10 + c
      }
      return v
    }
    guard let y = num(0, 4), let mo = num(5, 7), let d = num(8, 10), let h = num(11, 13),
      let mi = num(14, 16), let s = num(17, 19), let ms = num(20, 23),
      (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61
    else { return nil }
    let days = daysFromCivil(y, mo, d)
    return (Int64(days) * 86_400 + Int64(h * 3600 + mi * 60 + s)) * 1000 + Int64(ms)
  }

  // Howard Hinnant's civil-calendar algorithms.
  public static func civil(fromDays z0: Int) -> (Int, Int, Int) {
    let z = z0 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (m <= 2 ? y + 1 : y, m, d)
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date.
  public static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }
}
