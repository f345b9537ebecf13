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
