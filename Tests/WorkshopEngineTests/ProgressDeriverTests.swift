import Foundation
import Testing

@testable import WorkshopEngine

enum Fixture {
  static func question(_ id: String, digest: String? = nil) -> Question {
    Question(
      id: id, prompt: "?", body: .single([.init(text: "a", correct: true), .init(text: "b", correct: false)]),
      explanation: "because", digest: digest ?? "digest-\(id)")
  }

  static func page(_ id: String) -> Page { Page(id: id, title: id, markdown: "## \(id)", line: 1) }

  static func lesson(
    _ id: String, items: [LessonItem], required: Bool = true, draw: Int? = nil,
    policy: Policy = Policy()
  ) -> Lesson {
    Lesson(
      id: id, title: id.capitalized, summary: "", objectives: [], estimatedMinutes: 5,
      kind: draw == nil ? .lesson : .assessment, required: required, policy: policy, draw: draw,
      items: items, path: "\(id).md", digest: "ld-\(id)")
  }

  static func course(_ lessons: [Lesson]) -> Course {
    Course(
      id: "c", title: "Course", version: "1", description: "", language: "en", policy: Policy(),
      lessons: lessons, directory: "/tmp", digest: "cd")
  }

  /// p1, q1, p2, q2, q3
  static let basic = lesson(
    "basic",
    items: [.page(page("p1")), .question(question("q1")), .page(page("p2")), .question(question("q2")),
            .question(question("q3"))])
}

func fold(_ events: [JournalEvent]) -> JournalSummary {
  var s = JournalSummary()
  for e in events { s.apply(e) }
  return s
}

func ev(_ kind: JournalEvent.Kind, _ lesson: String = "basic", page: String? = nil, q: String? = nil,
        digest: String? = nil, outcome: Grade.Outcome? = nil, attempt: Int? = nil, earned: Double? = nil,
        score: Double? = nil, passed: Bool? = nil, drawn: [String]? = nil) -> JournalEvent {
  JournalEvent(
    kind: kind, course: "c", lesson: lesson, page: page, question: q,
    questionDigest: q.map { digest ?? "digest-\($0)" }, outcome: outcome,
    credit: outcome.map { $0 == .correct ? 1 : 0 }, earned: earned ?? outcome.map { $0 == .correct ? 1 : 0 },
    attempt: attempt, score: score, passed: passed, questions: drawn, seed: drawn == nil ? nil : 42)
}

@Suite struct ProgressDeriverTests {
  let course = Fixture.course([Fixture.basic])

  func state(_ events: [JournalEvent], course: Course? = nil) -> LessonState {
    let c = course ?? self.course
    return ProgressDeriver.state(of: c, summary: fold(events)).lessons[0]
  }

  @Test func notStartedResumesAtTheBeginning() {
    let s = state([])
    #expect(s.status == .notStarted)
    #expect(s.resumeItemID == "p1")
    #expect(s.attempt == 0)
  }

  @Test func resumesAfterTheLastAcceptedAnswer() {
    let s = state([
      ev(.lessonStarted), ev(.pageViewed, page: "p1"),
      ev(.answerSubmitted, q: "q1", outcome: .correct, attempt: 1),
    ])
    #expect(s.status == .inProgress(answered: 1, total: 3))
    #expect(s.resumeItemID == "p2")
  }

  @Test func aWrongAnswerWithAttemptsLeftAsksTheQuestionAgain() {
    let events = [ev(.lessonStarted), ev(.answerSubmitted, q: "q1", outcome: .wrong, attempt: 1)]
    #expect(state(events).resumeItemID == "q1")
    #expect(state(events).status == .inProgress(answered: 0, total: 3))
    // The second (last) attempt finishes the question even when wrong.
    let more = events + [ev(.answerSubmitted, q: "q1", outcome: .wrong, attempt: 2)]
    #expect(state(more).resumeItemID == "p2")
    #expect(state(more).answers["q1"]?.attemptsUsed == 2)
  }

  @Test func aPageViewedResumesAtThatPage() {
    let s = state([ev(.lessonStarted), ev(.answerSubmitted, q: "q1", outcome: .correct), ev(.pageViewed, page: "p2")])
    #expect(s.resumeItemID == "p2")
  }

  @Test func skippedQuestionsAreFinished() {
    let s = state([ev(.lessonStarted), ev(.answerSubmitted, q: "q1", outcome: .correct), ev(.questionSkipped, q: "q2")])
    #expect(s.resumeItemID == "q3")
    #expect(s.status == .inProgress(answered: 2, total: 3))
  }

  @Test func changedQuestionIsAskedAgainAndUnchangedAnswersKept() {
    let events = [
      ev(.lessonStarted), ev(.answerSubmitted, q: "q1", outcome: .correct),
      ev(.answerSubmitted, q: "q2", outcome: .correct),
    ]
    var changed = Fixture.basic
    changed.items[1] = .question(Fixture.question("q1", digest: "new-content"))
    let s = state(events, course: Fixture.course([changed]))
    #expect(s.answers["q1"] == nil)
    #expect(s.answers["q2"] != nil)
    #expect(s.changedQuestionIDs == ["q1"])
    #expect(s.status == .inProgress(answered: 1, total: 3))
    #expect(s.resumeItemID == "q1")
    // Unchanged content: position continues after q2.
    #expect(state(events).resumeItemID == "q3")
  }

  @Test func completionPassesAndCourseCompletes() {
    let optional = Fixture.lesson("extra", items: [.question(Fixture.question("x"))], required: false)
    let c = Fixture.course([Fixture.basic, optional])
    let events = [
      ev(.lessonStarted), ev(.answerSubmitted, q: "q1", outcome: .correct),
      ev(.answerSubmitted, q: "q2", outcome: .correct), ev(.answerSubmitted, q: "q3", outcome: .wrong, attempt: 2),
      ev(.lessonCompleted, score: 0.67, passed: false),
    ]
    var st = ProgressDeriver.state(of: c, summary: fold(events))
    #expect(st.lessons[0].status == .notPassed(score: 0.67))
    #expect(st.lessons[0].resumeItemID == nil)
    #expect(!st.completed)
    #expect(st.lessons[1].status == .notStarted)

    // Taking it again starts a new attempt with no answers; passing completes the course.
    let retake = events + [
      ev(.lessonStarted), ev(.answerSubmitted, q: "q1", outcome: .correct),
    ]
    st = ProgressDeriver.state(of: c, summary: fold(retake))
    #expect(st.lessons[0].attempt == 2)
    #expect(st.lessons[0].status == .inProgress(answered: 1, total: 3))
    #expect(st.lessons[0].resumeItemID == "p2")
    let passed = retake + [ev(.lessonCompleted, score: 0.9, passed: true)]
    st = ProgressDeriver.state(of: c, summary: fold(passed))
    #expect(st.lessons[0].status == .passed(score: 0.9))
    #expect(st.lessons[0].bestScore == 0.9 && st.lessons[0].completions.count == 2)
    #expect(st.completed)
  }

  @Test func restartDropsTheCurrentAttemptsAnswers() {
    let s = state([
      ev(.lessonStarted), ev(.answerSubmitted, q: "q1", outcome: .correct), ev(.lessonRestarted),
    ])
    #expect(s.attempt == 2)
    #expect(s.answers.isEmpty)
    #expect(s.resumeItemID == "p1")
    #expect(s.status == .inProgress(answered: 0, total: 3))
  }

  @Test func drawnAssessmentCountsOnlyDrawnQuestions() {
    let pool = (1...6).map { LessonItem.question(Fixture.question("a\($0)")) }
    let exam = Fixture.lesson(
      "exam", items: [.page(Fixture.page("intro"))] + pool, draw: 3, policy: Policy(mode: .exam))
    let c = Fixture.course([exam])
    var s = ProgressDeriver.state(of: c, summary: fold([])).lessons[0]
    #expect(s.status == .notStarted)
    let events = [
      ev(.lessonStarted, "exam"), ev(.questionsDrawn, "exam", drawn: ["a5", "a2", "a4"]),
      ev(.pageViewed, "exam", page: "intro"),
      ev(.answerSubmitted, "exam", q: "a5", outcome: .wrong, attempt: 1),
    ]
    s = ProgressDeriver.state(of: c, summary: fold(events)).lessons[0]
    #expect(s.questionIDs == ["a5", "a2", "a4"])
    // Exam mode: one attempt, so a wrong answer finishes the question.
    #expect(s.status == .inProgress(answered: 1, total: 3))
    #expect(s.resumeItemID == "a2")
    #expect(ProgressDeriver.itemSequence(exam, draw: fold(events).lesson(course: "c", lesson: "exam")?.currentDraw).map(\.id)
      == ["intro", "a5", "a2", "a4"])
  }

  @Test func absurdCountsDoNotCrashTheReplay() {
    let s = state([
      ev(.answerSubmitted, q: "q1", outcome: .wrong, attempt: Int.max),
      ev(.answerSubmitted, q: "q1", outcome: .wrong, attempt: nil),
    ])
    #expect(s.answers["q1"]?.attemptsUsed == Int.max)
  }

  @Test func summaryTracksHintsTimeAndPosition() throws {
    let t0: Int64 = 1_800_000_000_000
    func at(_ s: Int64) -> String { Timestamp.format(milliseconds: t0 + s * 1000) }
    var events = [
      JournalEvent(at: at(0), kind: .sessionStarted),
      JournalEvent(at: at(10), kind: .lessonStarted, course: "c", lesson: "basic"),
      JournalEvent(at: at(20), kind: .hintShown, course: "c", lesson: "basic", question: "q1", questionDigest: "digest-q1", hint: 1),
      JournalEvent(at: at(30), kind: .hintShown, course: "c", lesson: "basic", question: "q1", questionDigest: "digest-q1", hint: 2),
    ]
    events.append(JournalEvent(at: at(3630), kind: .answerSubmitted, course: "c", lesson: "basic", question: "q1",
                               questionDigest: "digest-q1", raw: "a", response: .choices([0]), outcome: .correct,
                               credit: 1, earned: 0.8, attempt: 1))
    let summary = fold(events)
    let lesson = try #require(summary.lesson(course: "c", lesson: "basic"))
    let q = try #require(lesson.questions["q1"])
    #expect(q.hintsShown == 2 && q.raw == "a" && q.response == .choices([0]) && q.bestEarned == 0.8)
    #expect(lesson.position == Position(kind: .question, itemID: "q1", finished: true))
    // 10 + 10 + 10 s, plus an hour's gap capped at five minutes.
    #expect(summary.totalSeconds == 330)
    #expect(summary.firstActivity == at(0) && summary.lastActivity == at(3630))
    let s = ProgressDeriver.state(of: course, summary: summary).lessons[0]
    #expect(s.earned == 0.8 && s.possible == 3)
  }
}
