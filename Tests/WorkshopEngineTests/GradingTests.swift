import Testing
import WorkshopEngine

/// Small builders shared by the grading, parser and scoring tests.
enum Q {
  static func single(_ texts: [String] = ["Alpha", "Beta", "Gamma", "Delta"], correct: Int = 1)
    -> Question
  {
    let choices = texts.enumerated().map { i, t in
      Question.Choice(text: t, correct: i == correct, feedback: "fb-\(t)")
    }
    return Question(id: "single-q", prompt: "?", body: .single(choices), explanation: "e")
  }

  static func multiple(count: Int = 5, correct: Set<Int> = [0, 2, 3]) -> Question {
    let choices = (0..<count).map { i in
      Question.Choice(text: "choice \(i)", correct: correct.contains(i), feedback: "fb\(i)")
    }
    return Question(id: "multi-q", prompt: "?", body: .multiple(choices), explanation: "e")
  }

  static func trueFalse(_ answer: Bool) -> Question {
    Question(
      id: "tf-q", prompt: "?",
      body: .trueFalse(answer: answer, feedbackTrue: "said true", feedbackFalse: "said false"),
      explanation: "e")
  }

  static func short(
    _ accepted: [String], pattern: String? = nil, wrong: [Question.WrongAnswer] = [],
    otherwise: String? = "not quite"
  ) -> Question {
    Question(
      id: "short-q", prompt: "?",
      body: .shortAnswer(
        .init(accepted: accepted, pattern: pattern, wrongAnswers: wrong, otherwiseFeedback: otherwise)),
      explanation: "e")
  }

  static func numeric(_ rule: Question.NumericAnswer.Rule) -> Question {
    Question(
      id: "num-q", prompt: "?", body: .numeric(.init(rule: rule, otherwiseFeedback: "off")),
      explanation: "e")
  }

  static func ordering(_ count: Int = 4) -> Question {
    Question(
      id: "order-q", prompt: "?", body: .ordering(items: (1...count).map { "item \($0)" }),
      explanation: "e")
  }

  static func matching(_ count: Int = 4, rights: [String]? = nil) -> Question {
    let r = rights ?? (0..<count).map { "right \($0)" }
    return Question(
      id: "match-q", prompt: "?",
      body: .matching(pairs: (0..<count).map { .init(left: "left \($0)", right: r[$0]) }),
      explanation: "e")
  }
}

@Suite struct GradingChoiceTests {
  @Test func singleRightAndWrongCarryTheChosenFeedback() {
    let q = Q.single()
    #expect(Grader.grade(q, .choices([1])) == Grade(outcome: .correct, credit: 1, feedback: ["fb-Beta"], feedbackChoices: [1]))
    #expect(Grader.grade(q, .choices([3])) == Grade(outcome: .wrong, credit: 0, feedback: ["fb-Delta"], feedbackChoices: [3]))
  }

  @Test(arguments: [
    Response.choices([]), .choices([4]), .choices([-1]), .choices([1, 2]), .text("b"),
    .number(1), .order([1]), .matches([1]),
  ])
  func singleMalformedResponsesGradeWrong(_ response: Response) {
    let grade = Grader.grade(Q.single(), response)
    #expect(grade.outcome == .wrong)
    #expect(grade.credit == 0)
  }

  // Right choices are 0, 2, 3 of five: credit = (right − wrong) / 3, never below 0.
  @Test(arguments: [
    ([0, 2, 3], Grade.Outcome.correct, 1.0),
    ([0, 2], .partial, 2.0 / 3),
    ([0], .partial, 1.0 / 3),
    ([0, 2, 3, 1], .partial, 2.0 / 3),
    ([0, 2, 3, 1, 4], .partial, 1.0 / 3),
    ([0, 1], .wrong, 0.0),
    ([0, 1, 4], .wrong, 0.0),
    ([1, 4], .wrong, 0.0),
    ([], .wrong, 0.0),
    ([3, 2, 0, 0], .correct, 1.0),
  ] as [([Int], Grade.Outcome, Double)])
  func multipleCreditTable(picked: [Int], outcome: Grade.Outcome, credit: Double) {
    let grade = Grader.grade(Q.multiple(), .choices(picked))
    #expect(grade.outcome == outcome)
    #expect(abs(grade.credit - credit) < 1e-12)
  }

  @Test func multipleFeedbackComesFromEveryPickedChoiceInCanonicalOrder() {
    let grade = Grader.grade(Q.multiple(), .choices([3, 1]))
    #expect(grade.feedback == ["fb1", "fb3"])
  }

  @Test func multipleWithAnOutOfRangeIndexGradesWrong() {
    let grade = Grader.grade(Q.multiple(), .choices([0, 2, 3, 9]))
    #expect(grade == Grade(outcome: .wrong, credit: 0))
  }

  @Test(arguments: [(true, 0, true), (true, 1, false), (false, 1, true), (false, 0, false)] as [(Bool, Int, Bool)])
  func trueFalse(answer: Bool, pick: Int, right: Bool) {
    let grade = Grader.grade(Q.trueFalse(answer), .choices([pick]))
    #expect(grade.outcome == (right ? .correct : .wrong))
    #expect(grade.credit == (right ? 1 : 0))
    #expect(grade.feedback == [pick == 0 ? "said true" : "said false"])
  }

  @Test(arguments: [[2], [], [0, 1], [-1]] as [[Int]])
  func trueFalseMalformed(_ picks: [Int]) {
    #expect(Grader.grade(Q.trueFalse(true), .choices(picks)).outcome == .wrong)
  }
}

@Suite struct GradingShortAnswerTests {
  @Test func theFirstListedWrongAnswerGivesItsFeedbackAndBlankIsPlainWrong() {
    let key = Question.ShortAnswer(
      accepted: ["Apache 2.0"],
      wrongAnswers: [.init(answer: "MIT", feedback: "first"), .init(answer: "m.i.t.", feedback: "second")],
      otherwiseFeedback: "otherwise")
    let question = Question(id: "q", prompt: "Licence?", body: .shortAnswer(key), explanation: "", digest: "d")
    #expect(Grader.grade(question, .text("mit!")).feedback == ["first"])
    #expect(Grader.grade(question, .text("apache-2.0")).outcome == .correct)
    #expect(Grader.grade(question, .text("GPL")).feedback == ["otherwise"])
    let blank = Grader.grade(question, .text("  ?! "))
    #expect(blank.outcome == .wrong && blank.feedback.isEmpty)
  }

  @Test(arguments: [
    ("Café", "CAFE\u{301}"),
    ("café", "Cafe\u{301}"),
    ("U.S.A.", "usa"),
    ("ed25519", "Ed25519!"),
    ("ed25519", "ＥＤ２５５１９"),  // full-width letters and digits
    ("open source", "open-source"),
    ("tcp ip", "TCP/IP"),
    ("hello world", "  Hello,\t  world \n"),
    ("don't panic", "dont panic"),
    ("snake case", "snake_case"),
    ("version 3.5", "Version 3.5"),
    ("zero width", "zero\u{200B} width"),
  ] as [(String, String)])
  func normalisedVariantsAreAccepted(accepted: String, typed: String) {
    #expect(Grader.grade(Q.short([accepted]), .text(typed)).outcome == .correct)
  }

  @Test(arguments: [
    ("Café", "café"),
    ("CAFE\u{301}", "café"),
    ("  A  b\u{00A0}c  ", "a b c"),
    ("U.S.A.", "usa"),
    ("3.5", "3.5"),
    ("3.", "3"),
    ("ﬁne", "fine"),  // ligature, NFKC
    ("x²", "x2"),
    ("«quoted»", "quoted"),
    ("$100 + 5%", "100 5"),
    ("a — b", "a b"),
    ("!!!", ""),
  ] as [(String, String)])
  func normalizer(_ input: String, _ expected: String) {
    #expect(Normalizer.normalize(input) == expected)
  }

  @Test func wrongAnswersGiveTheirFeedbackElseTheGeneralOne() {
    let q = Q.short(["Ed25519"], wrong: [.init(answer: "RSA", feedback: "RSA is older")])
    #expect(Grader.grade(q, .text("rsa.")) == Grade(outcome: .wrong, credit: 0, feedback: ["RSA is older"]))
    #expect(Grader.grade(q, .text("DSA")) == Grade(outcome: .wrong, credit: 0, feedback: ["not quite"]))
    #expect(Grader.grade(Q.short(["x"], otherwise: nil), .text("y")).feedback == [])
  }

  @Test func patternMatchesTheWholeNormalisedResponseIgnoringCase() {
    let q = Q.short([], pattern: "ed ?25519|curve25519")
    #expect(Grader.grade(q, .text("ED-25519")).outcome == .correct)
    #expect(Grader.grade(q, .text("Curve25519")).outcome == .correct)
    // Anchored: a match inside a longer answer is not enough, even across an alternation.
    #expect(Grader.grade(q, .text("not ed25519")).outcome == .wrong)
    #expect(Grader.grade(q, .text("curve25519 maybe")).outcome == .wrong)
  }

  @Test func invalidPatternMatchesNothingAndIsReported() {
    #expect(Grader.grade(Q.short(["ok"], pattern: "(unclosed"), .text("(unclosed")).outcome == .wrong)
    #expect(Grader.grade(Q.short(["ok"], pattern: "(unclosed"), .text("OK")).outcome == .correct)
    #expect(Normalizer.patternError("(unclosed") != nil)
    #expect(Normalizer.patternError("a+b?") == nil)
  }

  @Test func emptyResponseIsWrong() {
    #expect(Grader.grade(Q.short([""]), .text("  ")).outcome == .wrong)
  }

  @Test func patternCacheIsSafeUnderConcurrentUse() async {
    let q = Q.short([], pattern: "[a-c]+")
    await withTaskGroup(of: Bool.self) { group in
      for i in 0..<64 {
        group.addTask { Grader.grade(q, .text(i % 2 == 0 ? "abc" : "abd")).outcome == .correct }
      }
      var results: [Bool] = []
      for await r in group { results.append(r) }
      #expect(results.filter { $0 }.count == 32)
    }
  }
}

@Suite struct GradingNumericTests {
  @Test(arguments: [
    (42.0, true), (42.000_000_000_1, true), (41.999, false), (43, false), (-42, false),
    (.infinity, false), (.nan, false),
  ] as [(Double, Bool)])
  func exact(_ value: Double, _ right: Bool) {
    #expect(Grader.grade(Q.numeric(.exact(42)), .number(value)).outcome == (right ? .correct : .wrong))
  }

  @Test func exactDecimalsSurviveBinaryRounding() {
    #expect(Grader.grade(Q.numeric(.exact(0.3)), .number(0.1 + 0.2)).outcome == .correct)
    #expect(Grader.grade(Q.numeric(.exact(1e20)), .number(1e20 + 1e5)).outcome == .correct)
    #expect(Grader.grade(Q.numeric(.exact(1e20)), .number(1.001e20)).outcome == .wrong)
  }

  @Test(arguments: [
    (42.5, true), (41.5, true), (42.0, true), (42.51, false), (41.49, false),
  ] as [(Double, Bool)])
  func toleranceBoundariesAreInclusive(_ value: Double, _ right: Bool) {
    let grade = Grader.grade(Q.numeric(.tolerance(value: 42, tolerance: 0.5)), .number(value))
    #expect(grade.outcome == (right ? .correct : .wrong))
    #expect(grade.feedback == (right ? [] : ["off"]))
  }

  @Test(arguments: [(0.4, true), (0.2, true), (0.41, false)] as [(Double, Bool)])
  func toleranceWithDecimalBoundary(_ value: Double, _ right: Bool) {
    let grade = Grader.grade(Q.numeric(.tolerance(value: 0.3, tolerance: 0.1)), .number(value))
    #expect(grade.outcome == (right ? .correct : .wrong))
  }

  @Test(arguments: [
    (40.0, true), (44.0, true), (42.0, true), (39.999, false), (44.001, false),
  ] as [(Double, Bool)])
  func rangeIsInclusive(_ value: Double, _ right: Bool) {
    #expect(
      Grader.grade(Q.numeric(.range(min: 40, max: 44)), .number(value)).outcome
        == (right ? .correct : .wrong))
  }

  @Test func wrongKindOfResponseIsWrong() {
    #expect(Grader.grade(Q.numeric(.exact(1)), .text("1")).outcome == .wrong)
  }
}

@Suite struct GradingOrderingMatchingTests {
  @Test(arguments: [
    ([0, 1, 2, 3], Grade.Outcome.correct), ([1, 0, 2, 3], .wrong), ([0, 1, 2], .wrong),
    ([0, 1, 2, 3, 3], .wrong), ([0, 1, 2, 9], .wrong), ([], .wrong),
  ] as [([Int], Grade.Outcome)])
  func orderingIsAllOrNothing(_ order: [Int], _ outcome: Grade.Outcome) {
    let grade = Grader.grade(Q.ordering(), .order(order))
    #expect(grade.outcome == outcome)
    #expect(grade.credit == (outcome == .correct ? 1 : 0))
  }

  @Test func orderingItemsWithTheSameTextMayTradePlaces() {
    let q = Question(id: "o", prompt: "?", body: .ordering(items: ["x", "y", "x"]), explanation: "e")
    #expect(Grader.grade(q, .order([2, 1, 0])).outcome == .correct)
    #expect(Grader.grade(q, .order([1, 0, 2])).outcome == .wrong)
    #expect(Grader.grade(q, .order([0, 1, 0])).outcome == .wrong)
  }

  @Test(arguments: [
    ([0, 1, 2, 3], Grade.Outcome.correct, 1.0),
    ([0, 1, 3, 2], .partial, 0.5),
    ([1, 0, 3, 2], .wrong, 0.0),
    ([0, 0, 0, 0], .partial, 0.25),
    ([3, 1, 2, 0], .partial, 0.5),
    ([0, 1, 2], .wrong, 0.0),
    ([0, 1, 2, 7], .wrong, 0.0),
    ([0, 1, 2, -1], .wrong, 0.0),
  ] as [([Int], Grade.Outcome, Double)])
  func matchingCreditIsTheShareOfPairs(_ matches: [Int], _ outcome: Grade.Outcome, _ credit: Double) {
    let grade = Grader.grade(Q.matching(), .matches(matches))
    #expect(grade.outcome == outcome)
    #expect(grade.credit == credit)
  }

  @Test func pairsWithTheSameRightTextAreInterchangeable() {
    let q = Q.matching(3, rights: ["odd", "even", "odd"])
    #expect(Grader.grade(q, .matches([2, 1, 0])).outcome == .correct)
  }
}

@Suite struct OrderingAndMatchingFeedbackTests {
  @Test func wrongOrderShowsTheAuthorsFeedback() {
    let q = Question(
      id: "o", prompt: "?", body: .ordering(items: ["a", "b", "c"], feedback: "Plan before you build."),
      explanation: "e")
    #expect(Grader.grade(q, .order([1, 0, 2])).feedback == ["Plan before you build."])
    #expect(Grader.grade(q, .order([0, 1, 2])).feedback.isEmpty)
  }

  @Test func wrongMatchShowsTheAuthorsFeedback() {
    let q = Question(
      id: "m", prompt: "?",
      body: .matching(
        pairs: [.init(left: "x", right: "1"), .init(left: "y", right: "2")], feedback: "Check y."),
      explanation: "e")
    #expect(Grader.grade(q, .matches([1, 0])).feedback.contains("Check y."))
    #expect(!Grader.grade(q, .matches([0, 1])).feedback.contains("Check y."))
  }
}
