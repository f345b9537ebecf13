#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

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
