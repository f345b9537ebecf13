import Testing
import WorkshopEngine

@Suite struct GradingShufflerTests {
  private static let learners = (0..<40).map { "learner-\($0)" }

  @Test func seedIsStableAndSeparatesItsParts() {
    #expect(Shuffler.seed("ana", "q1") == Shuffler.seed("ana", "q1"))
    #expect(Shuffler.seed("ana", "q1") != Shuffler.seed("an", "aq1"))
    #expect(Shuffler.seed("ana", "q1") != Shuffler.seed("q1", "ana"))
  }

  /// Pins the algorithm: a change here would silently change every learner's presentation.
  @Test func seedAndShuffleArePinned() {
    // First 8 bytes of SHA-256("ana\0q1"), big-endian; the order was worked out independently
    // from the SplitMix64 and Fisher–Yates definitions.
    #expect(Shuffler.seed("ana", "q1") == 0x6be9_b008_e9d5_9053)
    let q = Q.multiple(count: 8, correct: [0])
    #expect(Shuffler.presentation(for: q, learner: "ana", shuffle: true).order == [1, 5, 7, 3, 6, 2, 0, 4])
  }

  @Test(arguments: learners.prefix(10))
  func sameLearnerSameOrderAcrossCalls(_ learner: String) {
    for q in [Q.single(), Q.multiple(), Q.ordering(6), Q.matching(5)] {
      let first = Shuffler.presentation(for: q, learner: learner, shuffle: true)
      for _ in 0..<5 {
        #expect(Shuffler.presentation(for: q, learner: learner, shuffle: true) == first)
      }
      #expect(first.order.sorted() == Array(first.order.indices))
    }
  }

  @Test func differentLearnersUsuallySeeDifferentOrders() {
    let q = Q.multiple(count: 6, correct: [0])
    let orders = Set(Self.learners.map { Shuffler.presentation(for: q, learner: $0, shuffle: true).order })
    #expect(orders.count >= 30)  // 720 possible orders, 40 learners
  }

  @Test func shuffleOffGivesCanonicalChoices() {
    #expect(Shuffler.presentation(for: Q.single(), learner: "ana", shuffle: false) == .canonical(count: 4))
    #expect(Shuffler.presentation(for: Q.multiple(), learner: "ana", shuffle: false) == .canonical(count: 5))
  }

  @Test func trueFalseNeverShufflesAndTextHasNoPresentation() {
    for learner in Self.learners {
      #expect(Shuffler.presentation(for: Q.trueFalse(true), learner: learner, shuffle: true) == .canonical(count: 2))
    }
    #expect(Shuffler.presentation(for: Q.short(["x"]), learner: "a", shuffle: true).order == [])
    #expect(Shuffler.presentation(for: Q.numeric(.exact(1)), learner: "a", shuffle: true).order == [])
  }

  @Test(arguments: [2, 3, 4, 7])
  func orderingIsNeverShownSolved(_ count: Int) {
    let q = Q.ordering(count)
    for learner in Self.learners {
      for shuffle in [true, false] {
        let p = Shuffler.presentation(for: q, learner: learner, shuffle: shuffle)
        #expect(p.order != Array(0..<count))
        #expect(p.order.sorted() == Array(0..<count))
      }
    }
  }

  @Test func withShuffleOffOrderingAndMatchingAreTheSameForEveryLearner() {
    for q in [Q.ordering(5), Q.matching(5)] {
      let orders = Set(Self.learners.map { Shuffler.presentation(for: q, learner: $0, shuffle: false) })
      #expect(orders.count == 1)
    }
  }

  @Test func singleItemOrderingStaysPut() {
    #expect(Shuffler.presentation(for: Q.ordering(1), learner: "a", shuffle: true).order == [0])
  }

  @Test func presentationHelpers() {
    let p = Presentation(order: [2, 0, 1])
    #expect(p.canonicalIndex(display: 0) == 2)
    #expect(p.canonicalIndex(display: 3) == nil)
    #expect(p.displayIndex(canonical: 1) == 2)
    #expect(Presentation.letter(0) == "a")
    #expect(Presentation.letter(25) == "z")
    #expect(Presentation.letter(26) == "aa")
  }
}

@Suite struct GradingAssessmentDrawTests {
  private func lesson(questions: Int) -> Lesson {
    let items: [LessonItem] = (0..<questions).map { i in
      .question(
        Question(id: "q\(i)", prompt: "?", body: .trueFalse(answer: true, feedbackTrue: nil, feedbackFalse: nil), explanation: "e"))
    } + [.page(Page(id: "intro", title: "Intro", markdown: "# Intro", line: 1))]
    return Lesson(
      id: "final", title: "Final", summary: "", objectives: [], estimatedMinutes: 5, kind: .assessment,
      required: true, policy: .default, draw: 5, items: items, path: "final.md", digest: "")
  }

  @Test func drawIsDeterministicAndWithoutReplacement() {
    let l = lesson(questions: 20)
    let a = AssessmentDraw.draw(from: l, count: 5, learner: "ana", courseID: "c", attempt: 1)
    let b = AssessmentDraw.draw(from: l, count: 5, learner: "ana", courseID: "c", attempt: 1)
    #expect(a.questionIDs == b.questionIDs)
    #expect(a.seed == b.seed)
    #expect(a.questionIDs.count == 5)
    #expect(Set(a.questionIDs).count == 5)
    #expect(a.questionIDs.allSatisfy { l.question(id: $0) != nil })
    #expect(a.seed == Shuffler.seed("ana", "c", "final", "1"))
  }

  @Test func drawVariesWithLearnerCourseAndAttempt() {
    let l = lesson(questions: 20)
    let base = AssessmentDraw.draw(from: l, count: 5, learner: "ana", courseID: "c", attempt: 1)
    let others = [
      AssessmentDraw.draw(from: l, count: 5, learner: "bo", courseID: "c", attempt: 1),
      AssessmentDraw.draw(from: l, count: 5, learner: "ana", courseID: "d", attempt: 1),
      AssessmentDraw.draw(from: l, count: 5, learner: "ana", courseID: "c", attempt: 2),
    ]
    for other in others {
      #expect(other.seed != base.seed)
      #expect(other.questionIDs != base.questionIDs)
    }
  }

  @Test func everyQuestionGetsDrawnAcrossLearners() {
    let l = lesson(questions: 10)
    let drawn = Set((0..<50).flatMap {
      AssessmentDraw.draw(from: l, count: 3, learner: "l\($0)", courseID: "c", attempt: 1).questionIDs
    })
    #expect(drawn.count == 10)
  }

  @Test(arguments: [(0, 0), (-2, 0), (4, 4), (9, 4)] as [(Int, Int)])
  func countIsClampedToThePool(_ count: Int, _ expected: Int) {
    let draw = AssessmentDraw.draw(from: lesson(questions: 4), count: count, learner: "a", courseID: "c", attempt: 1)
    #expect(draw.questionIDs.count == expected)
  }
}
