import Foundation
import Testing

@testable import WorkshopEngine

/// Retakes, the retake draw, an exam's held answers and objectives, as the engine decides them.
@Suite struct AttemptRulesTests {
  static func question(_ n: Int, objectives: [Int] = []) -> Question {
    Question(
      id: "q\(n)", prompt: "Statement \(n)?", body: .trueFalse(answer: true, feedbackTrue: nil, feedbackFalse: nil),
      explanation: "Because.", digest: "d\(n)", objectives: objectives)
  }

  static func lesson(
    kind: Lesson.Kind = .assessment, policy: Policy = Policy(mode: .exam, shuffle: false), count: Int = 2,
    draw: Int? = nil, objectives: [String] = [], questionObjectives: [[Int]] = []
  ) -> Lesson {
    let items = (1...count).map { n in
      LessonItem.question(question(n, objectives: questionObjectives.indices.contains(n - 1) ? questionObjectives[n - 1] : []))
    }
    return Lesson(
      id: "final", title: "Final", summary: "", objectives: objectives, estimatedMinutes: 5, kind: kind,
      required: true, policy: policy, draw: draw, items: items, path: "final.md", digest: "d-final")
  }

  static func state(_ lesson: Lesson, _ events: [JournalEvent]) -> LessonState {
    var summary = JournalSummary()
    for e in events { summary.apply(e) }
    return ProgressDeriver.state(of: lesson, record: summary.lesson(course: "c", lesson: lesson.id))
  }

  static func event(_ kind: JournalEvent.Kind, at: String, passed: Bool = false) -> JournalEvent {
    JournalEvent(at: at, kind: kind, course: "c", lesson: "final", lessonDigest: "d-final", score: 0.2, passed: passed)
  }

  @Test("an assessment allows its retakes, each after the wait; ordinary lessons have no limit")
  func retakeRule() throws {
    var policy = Policy(mode: .exam, shuffle: false)
    policy.retakes = 1
    policy.retakeAfter = 3600
    let exam = Self.lesson(policy: policy)
    let once = Self.state(exam, [
      Self.event(.lessonStarted, at: "2026-12-01T09:00:00.000Z"), Self.event(.lessonCompleted, at: "2026-12-01T09:10:00.000Z"),
    ])
    let soon = Date(timeIntervalSince1970: Double(Timestamp.parse("2026-12-01T09:30:00.000Z")!) / 1000)
    let later = soon.addingTimeInterval(3600)
    #expect(RetakeRule.newAttempt(at: exam, state: once, now: soon) == .notBefore(Date(timeIntervalSince1970: Double(Timestamp.parse("2026-12-01T10:10:00.000Z")!) / 1000)))
    #expect(RetakeRule.newAttempt(at: exam, state: once, now: later) == .allowed(retakesLeft: 0))
    #expect(LessonOpening.decide(lesson: exam, state: once, now: soon) == .review(retake: RetakeRule.newAttempt(at: exam, state: once, now: soon)))
    #expect(LessonOpening.decide(lesson: exam, state: once, now: later) == .begin(retakesLeft: 0))
    let twice = Self.state(exam, [
      Self.event(.lessonStarted, at: "2026-12-01T09:00:00.000Z"), Self.event(.lessonCompleted, at: "2026-12-01T09:10:00.000Z"),
      Self.event(.lessonStarted, at: "2026-12-02T09:00:00.000Z"), Self.event(.lessonCompleted, at: "2026-12-02T09:10:00.000Z"),
    ])
    #expect(RetakeRule.newAttempt(at: exam, state: twice, now: later.addingTimeInterval(86_400 * 7)) == .noneLeft(attempts: 2))

    let practice = Self.lesson(kind: .lesson, policy: policy)
    let practised = Self.state(practice, [
      Self.event(.lessonStarted, at: "2026-12-01T09:00:00.000Z"), Self.event(.lessonCompleted, at: "2026-12-01T09:10:00.000Z", passed: true),
      Self.event(.lessonRestarted, at: "2026-12-01T09:11:00.000Z"), Self.event(.lessonCompleted, at: "2026-12-01T09:12:00.000Z"),
      Self.event(.lessonRestarted, at: "2026-12-01T09:13:00.000Z"), Self.event(.lessonCompleted, at: "2026-12-01T09:14:00.000Z"),
    ])
    #expect(RetakeRule.newAttempt(at: practice, state: practised, now: soon) == .allowed(retakesLeft: nil))
  }

  @Test("a passed lesson opens for reading; a restarted one with nothing done resumes its new attempt")
  func openingAPassedLesson() {
    let practice = Self.lesson(kind: .lesson, policy: Policy(shuffle: false))
    let passed = Self.state(practice, [
      Self.event(.lessonStarted, at: "2026-12-01T09:00:00.000Z"), Self.event(.lessonCompleted, at: "2026-12-01T09:10:00.000Z", passed: true),
    ])
    #expect(LessonOpening.decide(lesson: practice, state: passed, now: Date()) == .review(retake: .allowed(retakesLeft: nil)))
    let restarted = Self.state(practice, [
      Self.event(.lessonStarted, at: "2026-12-01T09:00:00.000Z"), Self.event(.lessonCompleted, at: "2026-12-01T09:10:00.000Z", passed: true),
      Self.event(.lessonRestarted, at: "2026-12-01T09:11:00.000Z"),
    ])
    #expect(LessonOpening.decide(lesson: practice, state: restarted, now: Date()) == .resume)
  }

  @Test("a retake draws unseen questions first and falls back on seen ones only when it must")
  func retakeDraw() {
    let pool = Self.lesson(count: 5, draw: 3)
    let first = AssessmentDraw.draw(from: pool, count: 3, learner: "ana", courseID: "c", attempt: 1)
    let second = AssessmentDraw.draw(from: pool, count: 3, learner: "ana", courseID: "c", attempt: 2, seen: Set(first.questionIDs))
    let unseen = Set(pool.questions.map(\.id)).subtracting(first.questionIDs)
    #expect(unseen.isSubset(of: Set(second.questionIDs)), "both unseen questions are asked")
    #expect(second.questionIDs.count == 3 && Set(second.questionIDs).count == 3)
    #expect(AssessmentDraw.draw(from: pool, count: 3, learner: "ana", courseID: "c", attempt: 1, seen: []).questionIDs == first.questionIDs,
      "a first attempt draws as it always did")
  }

  @Test("an exam answer is held, can change, survives a replay and a checkpoint, and counts once submitted")
  func heldAnswers() throws {
    let exam = Self.lesson()
    let clock: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_795_000_000) }
    var attempt = LessonAttempt(courseID: "c", lesson: exam, learner: "ana", clock: clock)
    var events: [JournalEvent] = []
    guard case .held(_, false, let first) = attempt.answer("f", raw: "f") else { Issue.record("not held"); return }
    events += first.all
    guard case .held(_, true, let changed) = attempt.answer("t", raw: "t") else { Issue.record("not changed"); return }
    events += changed.all
    #expect(attempt.unansweredNumbers == [2])
    #expect(!events.contains { $0.kind == .answerSubmitted })

    var summary = JournalSummary()
    for e in events { summary.apply(e) }
    let restored = try #require(JournalSummary(binary: summary.binaryEncoded()))
    #expect(restored == summary)
    let state = ProgressDeriver.state(of: exam, record: restored.lesson(course: "c", lesson: "final"))
    #expect(state.answers["q1"]?.held != nil && state.answers["q1"]?.heldRaw == "t", "the changed answer is the one held")
    #expect(state.status == .inProgress(answered: 1, total: 2))

    guard case .finished(let score, _, let journaling) = attempt.submit(seconds: 10) else { Issue.record("not finished"); return }
    #expect(score.earned == 1)
    let kinds = journaling.all.map(\.kind)
    #expect(kinds == [.answerSubmitted, .questionSkipped, .lessonCompleted])
    #expect(journaling.all.first?.raw == "t")
  }

  @Test("objectives are shown when their questions earn the pass mark, and unchecked ones are said")
  func objectives() {
    let lesson = Self.lesson(
      kind: .lesson, policy: Policy(shuffle: false), count: 3, objectives: ["One", "Two", "Three"],
      questionObjectives: [[1], [1, 2], []])
    var attempt = LessonAttempt(courseID: "c", lesson: lesson, learner: "ana", clock: { Date() })
    _ = attempt.answer("t", raw: "t")
    attempt.index = 1
    _ = attempt.answer("f", raw: "f")
    _ = attempt.answer("f", raw: "f")
    let results = attempt.objectiveResults
    #expect(results.map(\.standing) == [.notYet, .notYet, .notChecked])
    #expect(results[0].missedQuestions == [2])
    #expect(LessonAttempt(courseID: "c", lesson: Self.lesson(kind: .lesson), learner: "a", clock: { Date() }).objectiveResults.isEmpty)
  }

  @Test("retake_after reads waits in s, m, h and d")
  func durations() {
    #expect(PolicyDecoder.duration("24h") == 86_400)
    #expect(PolicyDecoder.duration("1d12h") == 129_600)
    #expect(PolicyDecoder.duration("30m") == 1800)
    #expect(PolicyDecoder.duration("0") == 0)
    #expect(PolicyDecoder.duration("tomorrow") == nil)
    #expect(PolicyDecoder.duration("24") == nil)
    #expect(PolicyDecoder.duration("") == nil)
  }
}

@Suite struct BundledObjectivesTests {
  @Test("every objective of every lesson of the bundled course is checked by a question")
  func everyObjectiveIsChecked() throws {
    let course = try BundledCourse.course()
    for lesson in course.lessons where lesson.kind == .lesson {
      let checked = Set(lesson.questions.flatMap(\.objectives))
      #expect(!lesson.objectives.isEmpty, "\(lesson.id) lists its objectives")
      #expect(checked == Set(1...max(1, lesson.objectives.count)), "\(lesson.id): objectives checked \(checked.sorted())")
    }
  }
}
