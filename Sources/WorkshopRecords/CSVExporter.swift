import Foundation

/// RFC 4180 CSV with spreadsheet formula injection neutralised.
public enum CSV {
  /// A cell as written: quoted when it holds a comma, quote, CR or LF (quotes doubled), and
  /// prefixed with an apostrophe when a spreadsheet would take it for a formula (it starts with
  /// `=`, `+`, `-`, `@`, tab or carriage return), except a plain negative number such as
  /// `-0.25`, which a spreadsheet reads as a number and cannot run: prefixing it would turn a
  /// discrimination figure into text.
  public static func cell(_ text: String) -> String {
    var value = text
    if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first),
      !isPlainNumber(value)
    {
      value = "'" + value
    }
    if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
      return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return value
  }

  /// `-12`, `-0.5`, `-1e-05`: digits with at most one point and an exponent, nothing else.
  static func isPlainNumber(_ text: String) -> Bool {
    var rest = Substring(text)
    if rest.first == "-" { rest = rest.dropFirst() }
    let mantissa = rest.prefix { $0 != "e" && $0 != "E" }
    var exponent = rest.dropFirst(mantissa.count).dropFirst()
    if exponent.first == "-" || exponent.first == "+" { exponent = exponent.dropFirst() }
    let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
    func digits(_ s: Substring) -> Bool { !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber } }
    guard (1...2).contains(parts.count), parts.allSatisfy(digits) else { return false }
    return mantissa.count == rest.count || digits(exponent)
  }

  /// Rows joined with CRLF, as RFC 4180 specifies, ending with a line break.
  public static func document(header: [String], rows: [[String]]) -> String {
    var out = header.map(cell).joined(separator: ",") + "\r\n"
    for row in rows { out += row.map(cell).joined(separator: ",") + "\r\n" }
    return out
  }

  /// Shares and seconds with at most four decimals: enough for a spreadsheet, stable for golden
  /// files.
  public static func number(_ x: Double?) -> String {
    guard let x, x.isFinite else { return "" }
    return JSONWriter.number((x * 10_000).rounded() / 10_000)
  }
}

/// One row per learner × lesson (columns in docs/records.md).
public enum CSVExporter {
  public static let columns = [
    "schema_version", "record_id", "learner_id", "learner_name", "course_id", "course_title",
    "course_version", "course_digest", "lesson_id", "lesson_title", "lesson_kind", "required",
    "state", "score", "pass_mark", "best_attempt", "attempts", "questions", "answered", "correct",
    "hints", "skips", "seconds", "started_at", "completed_at", "course_completed", "course_score",
    "record_digest", "verification",
  ]

  public static func rows(_ record: CompletionRecord, verification: String = "valid") -> [[String]] {
    record.lessons.map { lesson in
      // Figures of the attempt that counts: the best finished one, else the latest.
      let attempt =
        lesson.bestAttempt.flatMap { n in lesson.attempts.first { $0.number == n } } ?? lesson.attempts.last
      let figures = attempt.map(AttemptFigures.init) ?? AttemptFigures()
      return [
        String(CompletionRecord.schemaVersion), record.id, record.learner.id, record.learner.name,
        record.course.id, record.course.title, record.course.version, record.course.digest,
        lesson.id, lesson.title, lesson.kind, lesson.required ? "true" : "false",
        lesson.state.rawValue, CSV.number(lesson.score), CSV.number(lesson.policy.passMark),
        lesson.bestAttempt.map(String.init) ?? "", String(lesson.attempts.count),
        String(figures.questions), String(figures.answered), String(figures.correct),
        String(figures.hints), String(figures.skips), CSV.number(lesson.seconds),
        lesson.startedAt ?? "", lesson.completedAt ?? "", record.outcome.completed ? "true" : "false",
        CSV.number(record.outcome.score), record.digest, verification,
      ]
    }
  }

  public static func document(_ records: [CompletionRecord]) -> String {
    CSV.document(header: columns, rows: records.flatMap { rows($0) })
  }

}

/// Per-attempt counts shared by the CSV and the roster.
struct AttemptFigures {
  var questions = 0
  var answered = 0
  var correct = 0
  var hints = 0
  var skips = 0

  init() {}

  init(_ a: CompletionRecord.Attempt) {
    var final: [String: Bool] = [:]
    var hintsPerQuestion: [String: Int] = [:]
    for r in a.responses {
      final[r.question] = (final[r.question] ?? false) || r.outcome == .correct
      hintsPerQuestion[r.question] = max(hintsPerQuestion[r.question] ?? 0, r.hints)
    }
    questions = a.asked.count
    answered = final.count
    correct = final.values.filter { $0 }.count
    hints = hintsPerQuestion.values.reduce(0, +)
    skips = a.skipped.count
  }
}
