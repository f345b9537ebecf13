import Foundation
import WorkshopEngine
import WorkshopRecords

/// The end-of-session roster: one row per participant and an item analysis per question.
public struct LiveRoster: Sendable, Hashable, Codable {
  public struct Row: Sendable, Hashable, Codable {
    public var participant: String
    public var name: String
    public var alias: String
    public var removed: Bool
    public var answered: Int
    public var correct: Int
    public var earned: Double
    public var possible: Double
    public var score: Double
    public var passed: Bool
  }

  /// One question asked in the session. Difficulty and discrimination are the records roster's
  /// (`Roster.itemAnalysis`) over the participants' records, so they mean the same as in
  /// `workshop roster`; nil is "no data" (nobody answered, or the statistic is undefined).
  public struct Item: Sendable, Hashable, Codable {
    public var number: Int
    public var lesson: String
    public var question: String
    public var answered: Int
    public var correct: Int
    public var difficulty: Double?
    public var discrimination: Double?
    public var commonWrong: String?
  }

  public var session: String
  public var course: String
  public var rows: [Row]
  public var items: [Item]

  public static func make(_ room: Classroom) -> LiveRoster {
    let pids = room.order.filter { room.participants[$0] != nil }
    var rows: [Row] = []
    for pid in pids {
      let p = room.participants[pid]!
      let totals = LiveCompletion.totals(for: pid, in: room)
      let states = room.scoredQuestions().flatMap { lesson, qs in
        qs.compactMap { p.answers[Classroom.key(lesson: lesson.id, question: $0.id)] }
      }
      rows.append(
        Row(
          participant: pid, name: p.name, alias: p.alias, removed: p.removed,
          answered: states.count, correct: states.filter { $0.outcome == .correct }.count,
          earned: totals.earned, possible: totals.possible, score: totals.score, passed: totals.passed))
    }
    let active = rows.filter { !$0.removed }
    let records = active.compactMap { LiveCompletion.record(for: $0.participant, in: room) }
    let statistics = Dictionary(
      Roster.itemAnalysis(records, course: LiveCompletion.course(of: room)).map { ($0.key, $0) },
      uniquingKeysWith: { first, _ in first })
    var items: [Item] = []
    var number = 0
    for (lesson, questions) in room.scoredQuestions() {
      for q in questions {
        number += 1
        let key = Classroom.key(lesson: lesson.id, question: q.id)
        var answered = 0
        var correct = 0
        var wrong: [String: Int] = [:]
        for row in active {
          guard let a = room.participants[row.participant]?.answers[key] else { continue }
          answered += 1
          if a.outcome == .correct { correct += 1 } else {
            wrong[Classroom.asAuthored(a.response, to: q), default: 0] += 1
          }
        }
        let statistic = statistics["\(lesson.id)/\(q.id)"]
        items.append(
          Item(
            number: number, lesson: lesson.id, question: q.id, answered: answered, correct: correct,
            difficulty: statistic?.difficulty, discrimination: statistic?.discrimination,
            commonWrong: wrong.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key))
      }
    }
    return LiveRoster(session: room.sessionID, course: room.course.id, rows: rows, items: items)
  }

  /// One line per participant and question:
  /// `session_id,question_no,question_id,participant,answer_as_authored,correct,points,response_ms,submitted_at,status`.
  /// Answers use the lesson file's choice letters and item numbers (`Classroom.asAuthored`), not
  /// the shuffled ones each learner saw, so answers compare across learners; `status` is
  /// `answered`, `skipped` or empty (never answered).
  public static func csv(_ room: Classroom) -> String {
    var out =
      "session_id,question_no,question_id,participant,answer_as_authored,correct,points,response_ms,submitted_at,status\n"
    var number = 0
    for (lesson, questions) in room.scoredQuestions() {
      for q in questions {
        number += 1
        let key = Classroom.key(lesson: lesson.id, question: q.id)
        for pid in room.order {
          guard let p = room.participants[pid] else { continue }
          let a = p.answers[key]
          let standing = p.standing(key)
          let counted = standing.earned
          let status = a != nil ? "answered" : (standing.skipped ? "skipped" : "")
          let answer: String = a.map { Classroom.asAuthored($0.response, to: q) } ?? ""
          let correct: String = a.map { $0.outcome == .correct ? "true" : "false" } ?? ""
          let points: String = a.map { _ in formatNumber((counted * 1000).rounded() / 1000) } ?? "0"
          let ms: String = a?.ms.map { String($0) } ?? ""
          let submitted: String = a.map { Timestamp.format(milliseconds: $0.at) } ?? ""
          let fields: [String] = [room.sessionID, String(number), q.id, pid, answer, correct, points, ms, submitted, status]
          out += fields.map(csvField).joined(separator: ",") + "\n"
        }
      }
    }
    return out
  }

  static func csvField(_ s: String) -> String {
    // Quote fields with separators, and neutralise spreadsheet formulas in typed answers.
    var v = s
    if let first = v.first, "=+-@".contains(first) { v = "'" + v }
    if v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r") {
      return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return v
  }

  public func html(courseTitle: String, anonymous: Bool) -> String {
    func esc(_ s: String) -> String {
      s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
    func pct(_ d: Double) -> String { "\(Int((d * 100).rounded()))%" }
    var h = """
      <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Roster — \(esc(courseTitle))</title>
      <style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1b1b1b}table{border-collapse:collapse;margin:1rem 0}
      th,td{border:1px solid #bbb;padding:.3rem .6rem;text-align:left}th{background:#eee}.num{text-align:right}</style>
      </head><body><h1>\(esc(courseTitle))</h1><p>Session \(esc(session))</p>
      <h2>Participants</h2><table><tr><th>Participant</th><th>Answered</th><th>Right</th><th>Points</th><th>Score</th><th>Passed</th></tr>

      """
    for r in rows {
      let who = anonymous ? "\(esc(r.alias)) (\(esc(r.name)))" : esc(r.name)
      h += "<tr><td>\(who)\(r.removed ? " — removed" : "")</td><td class=num>\(r.answered)</td><td class=num>\(r.correct)</td>"
      h += "<td class=num>\(formatNumber((r.earned * 100).rounded() / 100)) / \(formatNumber(r.possible))</td>"
      h += "<td class=num>\(pct(r.score))</td><td>\(r.passed ? "yes" : "no")</td></tr>\n"
    }
    h += "</table><h2>Item analysis</h2><table><tr><th>#</th><th>Question</th><th>Answered</th><th>Right</th>"
    h += "<th>Difficulty</th><th>Discrimination</th><th>Most common wrong answer (lesson file's letters)</th></tr>\n"
    for i in items {
      h += "<tr><td>\(i.number)</td><td>\(esc(i.lesson))/\(esc(i.question))</td><td class=num>\(i.answered)</td>"
      h += "<td class=num>\(i.correct)</td><td class=num>\(i.difficulty.map(pct) ?? "no data")</td>"
      h += "<td class=num>\(i.discrimination.map { String(format: "%.2f", $0) } ?? "—")</td>"
      h += "<td>\(esc(i.commonWrong ?? ""))</td></tr>\n"
    }
    h += "</table></body></html>\n"
    return h
  }
}
