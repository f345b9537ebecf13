import Foundation
import WorkshopEngine
@testable import WorkshopRecords

/// The engine has a `CompletionRecord` of its own (a lesson completion in a journal summary).

/// A small course built in code, and journals written the way the session writes them, with
/// fixed clocks and ids so every export is byte-for-byte reproducible.
enum Fixture {
  static let policy = Policy()
  static let exam = Policy(mode: .exam, attempts: 1, creditPerAttempt: [1], hintsAllowed: false, passMark: 0.7)

  static let single = Question(
    id: "q-single", prompt: "Which licence allows *any* use?", body: .single([
      .init(text: "Non-commercial", correct: false, feedback: "Forbids some uses."),
      .init(text: "Apache-2.0", correct: true),
      .init(text: "Research only", correct: false, feedback: "Forbids some uses."),
    ]), explanation: "Open licences allow any use.", hints: ["Think of OSI."], digest: "d-single")
  static let multiple = Question(
    id: "q-multi", prompt: "Pick the open artefacts.", points: 2, body: .multiple([
      .init(text: "Weights", correct: true), .init(text: "Secret data", correct: false),
      .init(text: "Code", correct: true), .init(text: "Private keys", correct: false),
    ]), explanation: "Weights and code.", digest: "d-multi")
  static let trueFalse = Question(
    id: "q-tf", prompt: "Open weights are the same as open source.",
    body: .trueFalse(answer: false, feedbackTrue: "No.", feedbackFalse: "Right."),
    explanation: "Not the same.", digest: "d-tf")
  static let short = Question(
    id: "q-short", prompt: "Capital of France?", body: .shortAnswer(.init(accepted: ["Paris"])),
    explanation: "Paris.", digest: "d-short")
  static let numeric = Question(
    id: "q-num", prompt: "A number between 40 and 44", body: .numeric(.init(rule: .range(min: 40, max: 44))),
    explanation: "Any of them.", digest: "d-num")
  static let ordering = Question(
    id: "q-order", prompt: "Put in order", body: .ordering(items: ["Plan", "Build", "Release"]),
    explanation: "Plan, build, release.", digest: "d-order")
  static let matching = Question(
    id: "q-match", prompt: "Match licence to kind", body: .matching(pairs: [
      .init(left: "MIT", right: "permissive"), .init(left: "GPL", right: "copyleft"),
      .init(left: "CC-BY-NC", right: "non-commercial"),
    ]), explanation: "As listed.", digest: "d-match")

  static func lesson(
    _ id: String, _ title: String, _ questions: [Question], kind: Lesson.Kind = .lesson, required: Bool = true,
    policy: Policy = policy, draw: Int? = nil
  ) -> Lesson {
    var items: [LessonItem] = [.page(Page(id: "intro", title: title, markdown: "# \(title)", line: 1))]
    items += questions.map { .question($0) }
    return Lesson(
      id: id, title: title, summary: "", objectives: [], estimatedMinutes: 5, kind: kind, required: required,
      policy: policy, draw: draw, items: items, path: "\(id).md", digest: "lesson-\(id)")
  }

  static let course = Course(
    id: "demo", title: "Open <Demo> & Co", version: "1.0.0", description: "", language: "en", policy: policy,
    lessons: [
      lesson("welcome", "Welcome", [], required: false),
      lesson("basics", "Basics", [single, multiple, trueFalse, short, numeric]),
      lesson("final", "Final assessment", [ordering, matching], kind: .assessment, policy: exam),
    ], directory: "/nowhere", digest: "course-digest-1")

  static let generatedAt = "2026-11-27T12:00:00.000Z"

  static func learner(_ name: String = "Ana María", id: String = "ana-maria") -> CompletionRecord.Learner {
    LearnerIdentity(opaqueID: LearnerIdentity.opaqueID(salt: "fixed-salt", learner: id), displayName: name)
      .record(pseudonymize: false)
  }

  /// Journals written by the engine's `LessonAttempt`, the producer the REPL uses: the script
  /// says what the learner does, the attempt grades, scores and builds the events. Only the event
  /// ids and the clock are fixed here, so every export is reproducible.
  struct Script {
    /// Milliseconds since 1970, shared with the attempts' clocks.
    final class Time: @unchecked Sendable {
      var ms: Int64
      init(_ ms: Int64) { self.ms = ms }
    }

    var course: Course = Fixture.course
    let time = Time(1_795_000_000_000)  // 2026-11-18
    var serial = 0
    var events: [JournalEvent] = []
    var attempts: [String: LessonAttempt] = [:]
    var started: [String: Int64] = [:]

    init(seed: Int = 0) { serial = seed * 10_000 }

    var clock: Int64 { time.ms }

    mutating func stamp(_ seconds: Double = 5) -> (String, String) {
      time.ms += Int64(seconds * 1000)
      serial += 1
      let hex = String(serial, radix: 16)
      let id = "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - hex.count) + hex
      return (id, Timestamp.format(milliseconds: time.ms))
    }

    /// Journals the attempt's events under fixed ids, at the script's clock.
    mutating func journal(_ journaling: Journaling, seconds: Double) {
      for var event in journaling.all {
        (event.id, event.at) = stamp(seconds)
        events.append(event)
      }
    }

    func lesson(_ id: String) -> Lesson { course.lesson(id: id)! }

    mutating func start(_ lessonID: String, restart: Bool = false, draw: [String]? = nil) {
      // Starting, restarting and drawing are the session's events, not the attempt's.
      let (id, at) = stamp()
      events.append(JournalEvent(id: id, at: at, kind: restart ? .lessonRestarted : .lessonStarted, course: course.id, lesson: lessonID, lessonDigest: lesson(lessonID).digest))
      started[lessonID] = clock
      let time = self.time
      attempts[lessonID] = LessonAttempt(
        courseID: course.id, lesson: lesson(lessonID), learner: "ana-maria", drawn: draw,
        clock: { Date(timeIntervalSince1970: Double(time.ms) / 1000) })
      if let draw {
        let (id, at) = stamp(0)
        events.append(JournalEvent(id: id, at: at, kind: .questionsDrawn, course: course.id, lesson: lessonID, questions: draw, seed: 7))
      }
    }

    /// Moves the lesson's attempt to a question and shows it, as the learner reaching it would.
    mutating func goTo(_ lessonID: String, _ qid: String) {
      let i = attempts[lessonID]!.items.firstIndex { $0.id == qid }!
      attempts[lessonID]!.index = i
      _ = attempts[lessonID]!.show()
    }

    mutating func hint(_ lessonID: String, _ qid: String) {
      goTo(lessonID, qid)
      guard case .shown(_, _, _, _, let journaling) = attempts[lessonID]!.hint() else {
        preconditionFailure("no hint for \(qid)")
      }
      journal(journaling, seconds: 2)
    }

    mutating func skip(_ lessonID: String, _ qid: String) {
      goTo(lessonID, qid)
      guard case .skipped(let journaling, _) = attempts[lessonID]!.skip() else {
        preconditionFailure("cannot skip \(qid)")
      }
      journal(journaling, seconds: 1)
    }

    /// Types the answer that reads as `response` in the learner's choice order.
    mutating func answer(_ lessonID: String, _ qid: String, _ response: Response, raw: String, seconds: Double = 12.5) {
      goTo(lessonID, qid)
      var attempt = attempts[lessonID]!
      let q = lesson(lessonID).question(id: qid)!
      let typed = ResponseParser.describe(response, for: q, presentation: attempt.presentation(q))
      time.ms += Int64(seconds * 1000)
      let journaling: Journaling
      switch attempt.answer(typed, raw: raw) {
      case .graded(let graded) where graded.response == response:
        journaling = graded.journaling
      case .held(_, _, let held) where held.all.first?.response == response:
        // An exam holds the answer; `complete` submits it.
        journaling = held
      default:
        preconditionFailure("`\(typed)` does not answer \(qid) with \(response)")
      }
      time.ms -= Int64(seconds * 1000)
      attempts[lessonID] = attempt
      journal(journaling, seconds: seconds)
    }

    /// Finishes the lesson. A learner cannot finish with questions open, so any still open are
    /// skipped first, as the learner would have to.
    mutating func complete(_ lessonID: String) {
      // An exam records its unanswered questions as skipped when it is submitted.
      for q in attempts[lessonID]!.questions where !attempts[lessonID]!.holdsAnswers && !attempts[lessonID]!.isDone(q) {
        skip(lessonID, q.id)
      }
      let seconds = Double(clock + 3000 - (started[lessonID] ?? clock)) / 1000
      guard case .finished(_, _, let journaling) = attempts[lessonID]!.submit(seconds: seconds) else {
        preconditionFailure("\(lessonID) still has open questions")
      }
      journal(journaling, seconds: 3)
    }

    /// A learner who finishes everything: one wrong first try, a hint, a restart of the
    /// assessment after failing it.
    static func finisher() -> Script {
      var s = Script()
      let (sid, sat) = s.stamp(0)
      s.events.append(JournalEvent(id: sid, at: sat, kind: .sessionStarted, engine: "0.1.0"))
      s.start("welcome")
      s.complete("welcome")
      s.start("basics")
      s.answer("basics", "q-single", .choices([0]), raw: "a")
      s.hint("basics", "q-single")
      s.answer("basics", "q-single", .choices([1]), raw: "b")
      s.answer("basics", "q-multi", .choices([0, 2]), raw: "a, c")
      s.answer("basics", "q-tf", .choices([1]), raw: "f")
      s.answer("basics", "q-short", .text("paris"), raw: "=HYPERLINK(\"x\") paris, \"yes\"")
      s.answer("basics", "q-num", .number(42), raw: "42")
      s.complete("basics")
      s.start("final")
      s.answer("final", "q-order", .order([1, 0, 2]), raw: "2 1 3")
      s.answer("final", "q-match", .matches([0, 2, 1]), raw: "a-1 b-3 c-2")
      s.complete("final")
      s.start("final", restart: false)
      s.answer("final", "q-order", .order([0, 1, 2]), raw: "1 2 3")
      s.answer("final", "q-match", .matches([0, 1, 2]), raw: "a-1 b-2 c-3")
      s.complete("final")
      return s
    }
  }

  static func finisherRecord(pseudonymize: Bool = false) -> CompletionRecord {
    let identity = LearnerIdentity(opaqueID: LearnerIdentity.opaqueID(salt: "fixed-salt", learner: "ana-maria"), displayName: "Ana María")
    return RecordBuilder.build(
      events: Script.finisher().events, course: course, learner: identity.record(pseudonymize: pseudonymize),
      generatedAt: generatedAt, engine: "0.1.0")
  }

  // MARK: Golden files

  static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

  /// Compares with the golden file; `UPDATE_GOLDEN=1 swift test` rewrites them.
  static func matchesGolden(_ text: String, _ name: String) -> Bool {
    let url = goldenDirectory.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
      try? FileManager.default.createDirectory(at: goldenDirectory, withIntermediateDirectories: true)
      try? text.write(to: url, atomically: true, encoding: .utf8)
      return true
    }
    guard let golden = try? String(contentsOf: url, encoding: .utf8) else { return false }
    if golden != text {
      try? text.write(to: url.appendingPathExtension("actual"), atomically: true, encoding: .utf8)
    }
    return golden == text
  }
}
