import Testing
import WorkshopEngine

@Suite struct ScoringTests {
  @Test(arguments: [
    // points, credit, attempt, hints, hintCost, expected
    (1.0, 1.0, 1, 0, 0.0, 1.0),
    (1.0, 1.0, 2, 0, 0.0, 0.5),
    (1.0, 1.0, 5, 0, 0.0, 0.5),  // the last credit value repeats
    (2.0, 0.5, 1, 0, 0.0, 1.0),
    (2.0, 1.0, 1, 1, 0.25, 1.5),
    (2.0, 1.0, 2, 1, 0.25, 0.5),
    (2.0, 1.0, 2, 3, 0.25, 0.0),  // clamped at 0
    (1.0, 0.0, 1, 2, 0.1, 0.0),
    (3.0, 2.0, 1, 0, 0.0, 3.0),  // credit above 1 cannot earn more than the points
    (0.0, 1.0, 1, 0, 0.0, 0.0),
    (1.0, .nan, 1, 0, 0.0, 0.0),
    (4.0, 1.0, 1, -3, 0.5, 4.0),  // negative hint counts are ignored
  ] as [(Double, Double, Int, Int, Double, Double)])
  func earned(points: Double, credit: Double, attempt: Int, hints: Int, hintCost: Double, expected: Double) {
    let policy = Policy(creditPerAttempt: [1.0, 0.5], hintCost: hintCost)
    let value = Scoring.earned(points: points, credit: credit, attempt: attempt, hintsShown: hints, policy: policy)
    #expect(abs(value - expected) < 1e-12)
  }

  @Test func emptyCreditListMeansFullCredit() {
    let policy = Policy(creditPerAttempt: [])
    #expect(Scoring.earned(points: 2, credit: 1, attempt: 3, hintsShown: 0, policy: policy) == 2)
  }

  @Test(arguments: [
    ([1.0, 0.5, 0.0], [1.0, 1.0, 1.0], 0.5, 0.5, true),
    ([1.0, 0.0, 0.0], [1.0, 1.0, 1.0], 0.5, 1.0 / 3, false),
    ([0.7, 0.0], [0.5, 0.5], 0.7, 0.7, true),  // floating error at the pass mark still passes
    ([], [], 0.7, 1.0, true),
    ([2.0], [2.0], 1.0, 1.0, true),
    ([0.1, 0.2], [0.15, 0.15], 1.0, 1.0, true),
  ] as [([Double], [Double], Double, Double, Bool)])
  func lessonScore(earned: [Double], possible: [Double], passMark: Double, share: Double, passed: Bool) {
    let score = Scoring.lessonScore(earned: earned, possible: possible, passMark: passMark)
    #expect(abs(score.share - share) < 1e-12)
    #expect(score.passed == passed)
    #expect(score.earned == earned.reduce(0, +))
    #expect(score.possible == possible.reduce(0, +))
  }
}

@Suite struct CourseOutcomeTests {
  typealias Best = CourseLessonStanding.BestAttempt

  static func standing(
    required: Bool = true, passed: Bool, best: Best?, seconds: Double = 60
  ) -> CourseLessonStanding {
    CourseLessonStanding(required: required, passed: passed, best: best, seconds: seconds)
  }

  @Test func completedWhenEveryRequiredLessonIsPassed() {
    let lessons = [
      Self.standing(required: false, passed: false, best: nil, seconds: 30),
      Self.standing(passed: true, best: Best(earned: 4, possible: 5, completedAt: "2026-11-02T10:00:00.000Z")),
      Self.standing(passed: true, best: Best(earned: 3, possible: 3, completedAt: "2026-11-01T10:00:00.000Z")),
    ]
    let outcome = Scoring.courseOutcome(lessons)
    #expect(outcome.completed && outcome.decided)
    // Weighted by points, not the mean of the lessons' shares.
    #expect(abs(outcome.score! - 7.0 / 8) < 1e-12)
    #expect(outcome.earned == 7 && outcome.possible == 8)
    #expect(outcome.completedAt == "2026-11-02T10:00:00.000Z")
    #expect(outcome.seconds == 150)
  }

  @Test func aFailedRequiredLessonDecidesButDoesNotComplete() {
    let outcome = Scoring.courseOutcome([
      Self.standing(passed: true, best: Best(earned: 5, possible: 5, completedAt: "2026-11-01T10:00:00.000Z")),
      Self.standing(passed: false, best: Best(earned: 1, possible: 5, completedAt: "2026-11-03T10:00:00.000Z")),
    ])
    #expect(!outcome.completed && outcome.decided)
    #expect(outcome.score == 0.6)
    #expect(outcome.completedAt == "2026-11-03T10:00:00.000Z")
  }

  @Test func anUnfinishedRequiredLessonLeavesItUndecided() {
    let outcome = Scoring.courseOutcome([
      Self.standing(passed: true, best: Best(earned: 5, possible: 5, completedAt: "2026-11-01T10:00:00.000Z")),
      Self.standing(passed: false, best: nil),
    ])
    #expect(!outcome.completed && !outcome.decided)
    #expect(outcome.score == 1)
    #expect(outcome.completedAt == nil)
    #expect(Scoring.courseOutcome([Self.standing(passed: false, best: nil)]).score == nil)
  }

  @Test func aCourseWithNoRequiredLessonIsNeverCompleted() {
    let optional = Self.standing(
      required: false, passed: true, best: Best(earned: 2, possible: 2, completedAt: "2026-11-01T10:00:00.000Z"))
    let outcome = Scoring.courseOutcome([optional])
    #expect(!outcome.completed && !outcome.decided && outcome.score == nil)
    #expect(!Scoring.courseCompleted([(required: false, passed: true)]))
    #expect(!Scoring.courseCompleted([] as [(required: Bool, passed: Bool)]))
  }

  /// `list`, `progress` and the menu read completion from the deriver, which asks the same rule.
  @Test func theDeriverAsksTheSameRule() {
    let question = Question(
      id: "q", prompt: "Open?", body: .trueFalse(answer: true, feedbackTrue: nil, feedbackFalse: nil),
      explanation: "Yes.", digest: "d-q")
    let lesson = Lesson(
      id: "only", title: "Only", summary: "", objectives: [], estimatedMinutes: 1, kind: .lesson,
      required: false, policy: Policy(), draw: nil, items: [.question(question)], path: "only.md", digest: "l")
    let course = Course(
      id: "c", title: "C", version: "1", description: "", language: "en", policy: Policy(), lessons: [lesson],
      directory: "/nowhere", digest: "c")
    var summary = JournalSummary()
    for kind in [JournalEvent.Kind.lessonStarted, .lessonCompleted] {
      summary.apply(
        JournalEvent(
          at: "2026-11-01T10:00:00.000Z", kind: kind, course: "c", lesson: "only", score: 1, passed: true))
    }
    let state = ProgressDeriver.state(of: course, summary: summary)
    #expect(state.lessons[0].everPassed)
    #expect(!state.completed)
    var required = course
    required.lessons[0].required = true
    #expect(ProgressDeriver.state(of: required, summary: summary).completed)
  }
}

@Suite struct SessionScoreTests {
  @Test func aSessionPassesWhenEveryLessonRunPassesAndAddsTheirPoints() {
    let passed = Scoring.lessonScore(earned: [1, 1], possible: [1, 1], passMark: 0.7)
    let failed = Scoring.lessonScore(earned: [0.5, 0], possible: [1, 1], passMark: 0.7)
    let both = Scoring.sessionScore([passed, failed])
    #expect(both.earned == 2.5 && both.possible == 4)
    #expect(both.share == 0.625)
    #expect(!both.passed)
    #expect(Scoring.sessionScore([passed]).passed)
  }

  @Test func nothingAskedIsZeroAndNotPassed() {
    let none = Scoring.sessionScore([])
    #expect(none.share == 0 && !none.passed)
  }
}
