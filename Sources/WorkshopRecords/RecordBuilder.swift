#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

/// Who a record is about, already reduced to what may appear in it.
public struct LearnerIdentity: Sendable, Hashable {
  /// Opaque, stable id (see `opaqueID(salt:learner:)`).
  public var opaqueID: String
  public var displayName: String

  public init(opaqueID: String, displayName: String) {
    self.opaqueID = opaqueID
    self.displayName = displayName
  }

  /// SHA-256 over a salt kept in the progress folder and the learner's slug: stable for the
  /// learner within one progress folder, and the slug cannot be recovered from it.
  public static func opaqueID(salt: String, learner: String) -> String {
    String(RecordHash.sha256Hex("workshop-learner\u{1F}" + salt + "\u{1F}" + learner).prefix(32))
  }

  /// "Learner 7F3A2C": derived from the opaque id, so the same learner gets the same pseudonym in
  /// every export and roster made from the same progress folder.
  public static func pseudonym(for opaqueID: String) -> String {
    "Learner " + RecordHash.sha256Hex("workshop-pseudonym\u{1F}" + opaqueID).prefix(6).uppercased()
  }

  public func record(pseudonymize: Bool) -> CompletionRecord.Learner {
    pseudonymize
      ? .init(id: opaqueID, name: Self.pseudonym(for: opaqueID), pseudonymous: true)
      : .init(id: opaqueID, name: displayName, pseudonymous: false)
  }
}

/// Builds a completion record from a learner's journal and the course content.
///
/// Attempts follow the session's rules: a lesson attempt starts at `lesson-started` (the
/// session only emits it for a lesson not in progress; an open attempt with nothing in it is
/// continued instead) or `lesson-restarted`, and ends at `lesson-completed`. A question's points in
/// an attempt are those of its best answer (`Scoring.counted`); the attempt's score is the one the
/// session showed when the attempt ended, which `RecordVerifier` checks follows from them.
public enum RecordBuilder {
  public static func build(
    events: [JournalEvent], course: Course, learner: CompletionRecord.Learner,
    generatedAt: String, engine: String = WorkshopVersion.current
  ) -> CompletionRecord {
    var perLesson: [String: [AttemptDraft]] = [:]
    var lessonOrder: [String] = []

    for event in events {
      // Reviews are practice after the lesson: they never change what the lesson recorded.
      guard !event.kind.isReview, let lessonID = event.lesson else { continue }
      if let c = event.course {
        guard c == course.id else { continue }
      } else if course.lesson(id: lessonID) == nil {
        continue
      }
      if perLesson[lessonID] == nil {
        perLesson[lessonID] = []
        lessonOrder.append(lessonID)
      }
      var drafts = perLesson[lessonID]!
      func current() -> Int {
        if let last = drafts.indices.last, drafts[last].completedAt == nil { return last }
        drafts.append(AttemptDraft(number: drafts.count + 1, start: event))
        return drafts.count - 1
      }
      switch event.kind {
      case .lessonStarted:
        // The session starts a lesson afresh only when it is not in progress, so an attempt
        // still open here no longer counts (its content changed, say) unless nothing happened
        // in it yet.
        if let last = drafts.last, last.completedAt == nil, last.answers.isEmpty, last.skipped.isEmpty {
          break
        }
        drafts.append(AttemptDraft(number: drafts.count + 1, start: event))
      case .lessonRestarted:
        drafts.append(AttemptDraft(number: drafts.count + 1, start: event))
      case .questionsDrawn:
        let i = current()
        drafts[i].drawn = event.questions
      case .hintShown:
        let i = current()
        if let q = event.question {
          drafts[i].hints[q] = max(drafts[i].hints[q] ?? 0, event.hint ?? 1)
        }
      case .questionSkipped:
        let i = current()
        if let q = event.question, !drafts[i].skipped.contains(q) { drafts[i].skipped.append(q) }
      case .answerSubmitted:
        let i = current()
        drafts[i].answers.append((event, drafts[i].hints[event.question ?? ""] ?? 0))
      case .lessonCompleted:
        let i = current()
        drafts[i].completedAt = event.at
        drafts[i].completedSeconds = event.seconds
        drafts[i].score = event.score
        drafts[i].passed = event.passed
        drafts[i].lastAt = event.at
      case .pageViewed, .questionShown, .sessionStarted, .sessionEnded, .reviewAnswered, .reviewHintShown,
        .answerHeld:
        break
      }
      if let last = drafts.indices.last, event.kind != .lessonCompleted {
        drafts[last].lastAt = event.at
      }
      perLesson[lessonID] = drafts
    }

    var lessons: [CompletionRecord.LessonRecord] = []
    var known = Set<String>()
    for lesson in course.lessons {
      known.insert(lesson.id)
      lessons.append(
        lessonRecord(
          id: lesson.id, lesson: lesson, drafts: perLesson[lesson.id] ?? [], course: course,
          learner: learner))
    }
    // Progress in lessons the current content no longer has is still part of the history.
    for id in lessonOrder where !known.contains(id) {
      lessons.append(
        lessonRecord(id: id, lesson: nil, drafts: perLesson[id] ?? [], course: course, learner: learner))
    }

    let outcome = CompletionRecord.Outcome(
      Scoring.courseOutcome(lessons.map(\.standing)), passMark: course.policy.passMark)
    // From the work itself, never the export time, so re-exporting keeps the id (and digest).
    let recordID = NameUUID.make(
      "record", learner.id, course.id, course.version, course.digest,
      outcome.completedAt ?? lastActivity(lessons) ?? "not-started")
    var record = CompletionRecord(
      id: recordID, generatedAt: generatedAt, engine: engine, learner: learner,
      course: .init(
        id: course.id, title: course.title, version: course.version, digest: course.digest,
        language: course.language),
      policy: course.policy, outcome: outcome, lessons: lessons, digest: "")
    record.digest = CompletionRecord.computeDigest(of: record.unsignedJSON())
    return record
  }

  struct AttemptDraft {
    var number: Int
    var start: JournalEvent
    var drawn: [String]?
    var hints: [String: Int] = [:]
    var skipped: [String] = []
    var answers: [(JournalEvent, Int)] = []
    var completedAt: String?
    var completedSeconds: Double?
    var score: Double?
    var passed: Bool?
    var lastAt: String

    init(number: Int, start: JournalEvent) {
      self.number = number
      self.start = start
      self.lastAt = start.at
    }
  }

  static func lessonRecord(
    id: String, lesson: Lesson?, drafts: [AttemptDraft], course: Course,
    learner: CompletionRecord.Learner
  ) -> CompletionRecord.LessonRecord {
    let policy = lesson?.policy ?? course.policy
    var attempts: [CompletionRecord.Attempt] = []
    for d in drafts {
      var responses: [CompletionRecord.ResponseRecord] = []
      var best: [String: Double] = [:]
      for (e, hints) in d.answers {
        guard let qid = e.question, let response = e.response else { continue }
        let question = lesson?.question(id: qid)
        let earned = e.earned ?? 0
        best[qid] = Scoring.counted(previous: best[qid], answer: earned)
        responses.append(
          .init(
            question: qid, questionDigest: e.questionDigest ?? "",
            type: question?.kind.rawValue ?? kindName(response),
            points: question?.points ?? 1, raw: e.raw ?? "", response: response,
            outcome: e.outcome ?? ((e.credit ?? 0) >= 1 ? .correct : .wrong),
            credit: e.credit ?? 0, earned: earned, attempt: e.attempt ?? 1, hints: hints,
            seconds: e.seconds ?? 0, at: e.at, event: e.id))
      }
      let asked = d.drawn ?? lesson?.questions.map(\.id) ?? Array(best.keys).sorted()
      let possible = asked.reduce(0.0) { $0 + (lesson?.question(id: $1)?.points ?? 1) }
      let answeredSeconds = responses.reduce(0.0) { $0 + $1.seconds }
      attempts.append(
        .init(
          number: d.number,
          registration: NameUUID.make("registration", learner.id, course.id, id, String(d.number), d.start.id),
          lessonDigest: d.start.lessonDigest ?? lesson?.digest ?? "", startedAt: d.start.at,
          completedAt: d.completedAt, seconds: d.completedSeconds ?? answeredSeconds,
          score: d.score, passed: d.passed, possible: possible,
          earned: best.values.reduce(0, +), drawn: d.drawn, asked: asked, skipped: d.skipped,
          responses: responses))
    }
    let finished = attempts.filter { $0.completedAt != nil && $0.score != nil }
    // Best attempt: highest score, the earlier one on a tie (that is when it was first reached).
    var bestAttempt: CompletionRecord.Attempt?
    for a in finished where bestAttempt == nil || a.score! > bestAttempt!.score! + 1e-12 {
      bestAttempt = a
    }
    let state: CompletionRecord.LessonState
    if let b = bestAttempt {
      state = b.passed == true ? .passed : .notPassed
    } else {
      state = attempts.isEmpty ? .notStarted : .inProgress
    }
    return .init(
      id: id, title: lesson?.title ?? id, kind: lesson?.kind.rawValue ?? "lesson",
      required: lesson?.required ?? false, digest: lesson?.digest ?? attempts.last?.lessonDigest ?? "",
      policy: policy, state: state, score: bestAttempt?.score, bestAttempt: bestAttempt?.number,
      seconds: attempts.reduce(0) { $0 + $1.seconds }, startedAt: attempts.first?.startedAt,
      completedAt: bestAttempt?.completedAt, attempts: attempts)
  }

  /// The latest moment of recorded work: ISO timestamps in one format compare as text.
  static func lastActivity(_ lessons: [CompletionRecord.LessonRecord]) -> String? {
    var latest: String?
    for attempt in lessons.flatMap(\.attempts) {
      let moments = [attempt.startedAt] + [attempt.completedAt].compactMap { $0 } + attempt.responses.map(\.at)
      for m in moments where latest.map({ m > $0 }) ?? true { latest = m }
    }
    return latest
  }

  static func kindName(_ r: Response) -> String {
    switch r {
    case .choices: "single"
    case .text: "short"
    case .number: "numeric"
    case .order: "ordering"
    case .matches: "matching"
    }
  }
}

extension CompletionRecord.LessonRecord {
  /// What this lesson brings to the course outcome: its state and its best finished attempt.
  var standing: CourseLessonStanding {
    let best = bestAttempt.flatMap { n in attempts.first { $0.number == n } }
    return CourseLessonStanding(
      required: required, passed: state == .passed,
      best: best.map { .init(earned: $0.earned, possible: $0.possible, completedAt: $0.completedAt) },
      seconds: seconds)
  }
}

extension CompletionRecord.Outcome {
  /// The engine's course outcome as a record states it.
  init(_ outcome: CourseOutcome, passMark: Double) {
    self.init(
      completed: outcome.completed, passed: outcome.completed, decided: outcome.decided,
      score: outcome.score, earned: outcome.earned, possible: outcome.possible, passMark: passMark,
      completedAt: outcome.completedAt, seconds: outcome.seconds)
  }
}
