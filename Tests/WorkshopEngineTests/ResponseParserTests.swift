import Testing
import WorkshopEngine

private func parse(_ input: String, _ q: Question, _ p: Presentation? = nil) -> Result<Response, InputError> {
  ResponseParser.parse(input, for: q, presentation: p ?? Shuffler.presentation(for: q, learner: "x", shuffle: false))
}

private func errorMessage(_ r: Result<Response, InputError>) -> String? {
  if case .failure(let e) = r { return e.message }
  return nil
}

@Suite struct ResponseParserChoiceTests {
  @Test(arguments: [
    ("b", 1), ("B", 1), ("2", 1), (" b ", 1), ("b.", 1), ("(b)", 1), ("b)", 1), ("ｂ", 1), ("４", 3),
    ("a", 0), ("d", 3),
  ] as [(String, Int)])
  func singleAccepts(_ input: String, _ canonical: Int) {
    #expect(parse(input, Q.single()) == .success(.choices([canonical])))
  }

  @Test(arguments: [
    ("a c", "Choose one answer, for example b."),
    ("ac", "Choose one answer, for example b."),
    ("a, b", "Choose one answer, for example b."),
    ("e", "Choose a letter from a to d."),
    ("hello", "Choose a letter from a to d."),
    ("", "Choose one answer, for example b."),
    ("5", "Choose a letter from a to d or a number from 1 to 4."),
    ("0", "Choose a letter from a to d or a number from 1 to 4."),
  ] as [(String, String)])
  func singleRejects(_ input: String, _ message: String) {
    #expect(errorMessage(parse(input, Q.single())) == message)
  }

  @Test func singleMapsDisplayLettersThroughThePresentation() {
    let p = Presentation(order: [2, 0, 3, 1])
    #expect(parse("a", Q.single(), p) == .success(.choices([2])))
    #expect(parse("d", Q.single(), p) == .success(.choices([1])))
    #expect(parse("2", Q.single(), p) == .success(.choices([0])))
    #expect(ResponseParser.describe(.choices([1]), for: Q.single(), presentation: p) == "D")
  }

  @Test func aPresentationForAnotherQuestionFallsBackToCanonical() {
    #expect(parse("b", Q.single(), Presentation(order: [0, 0, 1])) == .success(.choices([1])))
  }

  @Test(arguments: [
    ("a, c", [0, 2]), ("a c", [0, 2]), ("ac", [0, 2]), ("a,c", [0, 2]), ("1 3", [0, 2]),
    ("13", [0, 2]), ("c a c", [0, 2]), ("A, C, D.", [0, 2, 3]), ("a and c", [0, 2]),
    ("e", [4]), ("ａ，ｃ", [0, 2]),
  ] as [(String, [Int])])
  func multipleAccepts(_ input: String, _ canonical: [Int]) {
    #expect(parse(input, Q.multiple()) == .success(.choices(canonical)))
  }

  @Test(arguments: ["", "  ", "f", "a, z", "6", "a?", "a-3"])
  func multipleRejects(_ input: String) {
    #expect(errorMessage(parse(input, Q.multiple())) != nil)
  }

  @Test func multipleMessages() {
    #expect(errorMessage(parse("", Q.multiple())) == "Choose one or more letters, for example a, c.")
    #expect(errorMessage(parse("a f", Q.multiple())) == "Choose letters from a to e, for example a, c.")
  }

  @Test func multipleMapsThroughThePresentationAndDescribesInDisplayOrder() {
    let q = Q.multiple()
    let p = Presentation(order: [4, 3, 2, 1, 0])
    #expect(parse("a b", q, p) == .success(.choices([3, 4])))
    #expect(ResponseParser.describe(.choices([0, 2, 3]), for: q, presentation: p) == "B, C, E")
    #expect(ResponseParser.describe(.choices([0, 9]), for: q, presentation: p) == "E, ?")
  }

  @Test(arguments: [
    ("t", true), ("T", true), ("true", true), ("TRUE", true), ("yes", true), ("y", true), ("a", true),
    ("f", false), ("False", false), ("no", false), ("N", false), ("b", false), (" false. ", false),
  ] as [(String, Bool)])
  func trueFalseAccepts(_ input: String, _ value: Bool) {
    let r = parse(input, Q.trueFalse(true))
    #expect(r == .success(.choices([value ? 0 : 1])))
    if case .success(let response) = r {
      #expect(ResponseParser.describe(response, for: Q.trueFalse(true), presentation: .canonical(count: 2)) == (value ? "True" : "False"))
    }
  }

  @Test(arguments: ["", "maybe", "c", "tf", "1"])
  func trueFalseRejects(_ input: String) {
    #expect(errorMessage(parse(input, Q.trueFalse(false))) == "Answer true or false (t or f).")
  }
}

@Suite struct ResponseParserTextNumberTests {
  @Test func shortKeepsTheTrimmedText() {
    #expect(parse("  Ed25519 \n", Q.short(["x"])) == .success(.text("Ed25519")))
    #expect(errorMessage(parse("   ", Q.short(["x"]))) == "Type an answer.")
    #expect(errorMessage(parse("?!", Q.short(["x"]))) == "Type an answer in words or numbers.")
  }

  @Test(arguments: [
    ("42", 42.0), ("42.0", 42), ("-3", -3), ("+3", 3), ("1e3", 1000), ("1E-2", 0.01), ("1,000", 1000),
    ("1 000", 1000), ("1,234,567.5", 1_234_567.5), (" 3.5 ", 3.5), (".5", 0.5), ("-.5", -0.5),
    ("42.", 42), ("\u{2212}7", -7), ("４２", 42), ("١٢", 12), ("1\u{202F}000", 1000), ("0", 0),
    ("1 000 000", 1_000_000), ("2.5e-3", 0.0025),
  ] as [(String, Double)])
  func numericAccepts(_ input: String, _ value: Double) {
    #expect(parse(input, Q.numeric(.exact(0))) == .success(.number(value)))
  }

  @Test(arguments: [
    ("3.5%", "Type the number without a % sign, for example 3.5 rather than 3.5%."),
    ("3,5", "Use a point for decimals, for example 3.5 rather than 3,5."),
    ("abc", "Type a number, for example 42 or 3.5."),
    ("", "Type a number, for example 42 or 3.5."),
    ("½", "Type a number, for example 42 or 3.5."),
    ("1/2", "Type a number, for example 42 or 3.5."),
    ("42 km", "Type a number, for example 42 or 3.5."),
    ("1,00", "Use a point for decimals, for example 3.5 rather than 3,5."),
    ("12,34,567", "Type a number, for example 42 or 3.5."),
    ("1.2.3", "Type a number, for example 42 or 3.5."),
    ("inf", "Type a number, for example 42 or 3.5."),
    ("nan", "Type a number, for example 42 or 3.5."),
    ("e5", "Type a number, for example 42 or 3.5."),
    ("1e", "Type a number, for example 42 or 3.5."),
    ("--1", "Type a number, for example 42 or 3.5."),
    ("0x10", "Type a number, for example 42 or 3.5."),
    ("1e999", "That number is too large."),
  ] as [(String, String)])
  func numericRejects(_ input: String, _ message: String) {
    #expect(errorMessage(parse(input, Q.numeric(.exact(0)))) == message)
  }

  @Test func numericDescribe() {
    let q = Q.numeric(.exact(0))
    #expect(ResponseParser.describe(.number(1000), for: q, presentation: .canonical(count: 0)) == "1000")
    #expect(ResponseParser.describe(.number(3.5), for: q, presentation: .canonical(count: 0)) == "3.5")
    #expect(ResponseParser.describe(.number(-2), for: q, presentation: .canonical(count: 0)) == "-2")
  }
}

@Suite struct ResponseParserOrderingMatchingTests {
  @Test(arguments: ["3 1 2 4", "3,1,2,4", "3, 1, 2, 4", "3124", "3-1-2-4", "3 > 1 > 2 > 4", "３１２４"])
  func orderingAcceptsSeveralForms(_ input: String) {
    #expect(parse(input, Q.ordering(), .canonical(count: 4)) == .success(.order([2, 0, 1, 3])))
  }

  @Test func orderingMapsDisplayNumbersToCanonicalItems() {
    let q = Q.ordering(3)
    let p = Presentation(order: [2, 0, 1])  // item shown first is canonical item 2
    #expect(parse("2 3 1", q, p) == .success(.order([0, 1, 2])))
    #expect(Grader.grade(q, try! parse("2 3 1", q, p).get()).outcome == .correct)
    #expect(ResponseParser.describe(.order([0, 1, 2]), for: q, presentation: p) == "2 3 1")
  }

  @Test(arguments: [
    ("3 1 2", "Use each number from 1 to 4 once: 4 is missing."),
    ("3 1 1 2", "Use each number from 1 to 4 once: 4 is missing; 1 is repeated."),
    ("1 1 1 1", "Use each number from 1 to 4 once: 2, 3 and 4 are missing; 1 is repeated."),
    ("1 2 3 5", "Use the numbers 1 to 4; 5 is not one of them."),
    ("0 1 2 3", "Use the numbers 1 to 4; 0 is not one of them."),
    ("a b c d", "Type the item numbers in the right order, for example 4 3 2 1."),
    ("", "Type the item numbers in the right order, for example 4 3 2 1."),
    ("312", "Use the numbers 1 to 4; 312 is not one of them."),
  ] as [(String, String)])
  func orderingRejects(_ input: String, _ message: String) {
    #expect(errorMessage(parse(input, Q.ordering(), .canonical(count: 4))) == message)
  }

  @Test func orderingWithTenOrMoreItemsNeedsSeparators() {
    let q = Q.ordering(10)
    #expect(parse("10 9 8 7 6 5 4 3 2 1", q, .canonical(count: 10)) == .success(.order(Array((0..<10).reversed()))))
    #expect(errorMessage(parse("1234567890", q, .canonical(count: 10))) != nil)
  }

  @Test(arguments: ["a-2 b-1 c-3", "a2 b1 c3", "a-2, b-1, c-3", "A-2 B-1 C-3", "a:2 b:1 c:3", "a2b1c3",
                    "c-3 a-2 b-1", "a 2 b 1 c 3", "a=2; b=1; c=3", "a→2 b→1 c→3"])
  func matchingAcceptsSeveralForms(_ input: String) {
    #expect(parse(input, Q.matching(3), .canonical(count: 3)) == .success(.matches([1, 0, 2])))
  }

  @Test func matchingMapsShownNumbersToCanonicalRightItems() {
    let q = Q.matching(3)
    let p = Presentation(order: [1, 2, 0])  // right column shown as: right1, right2, right0
    let response = try! parse("a-3 b-1 c-2", q, p).get()
    #expect(response == .matches([0, 1, 2]))
    #expect(Grader.grade(q, response).outcome == .correct)
    #expect(ResponseParser.describe(response, for: q, presentation: p) == "a-3 b-1 c-2")
  }

  @Test(arguments: [
    ("a-2 b-1", "Match every letter from a to c: c is missing."),
    ("a-2", "Match every letter from a to c: b and c are missing."),
    ("a-2 a-1 c-3", "Match a only once."),
    ("a-2 b-1 d-3", "There is no item d; use the letters a to c."),
    ("a-2 b-4 c-3", "Use the numbers 1 to 3; 4 is not one of them."),
    ("a-0 b-1 c-3", "Use the numbers 1 to 3; 0 is not one of them."),
    ("a b c", "Match each letter to a number, for example a-2 b-3 c-1."),
    ("", "Match each letter to a number, for example a-2 b-3 c-1."),
    ("1-a 2-b", "Match each letter to a number, for example a-2 b-3 c-1."),
  ] as [(String, String)])
  func matchingRejects(_ input: String, _ message: String) {
    #expect(errorMessage(parse(input, Q.matching(3), .canonical(count: 3))) == message)
  }

  @Test func matchingAllowsTheSameRightNumberTwice() {
    #expect(parse("a-1 b-1 c-1", Q.matching(3), .canonical(count: 3)) == .success(.matches([0, 0, 0])))
  }
}

@Suite struct ResponseParserRoundTripTests {
  /// Whatever the shuffle, typing back what `describe` shows gives the same canonical response.
  @Test(arguments: ["ana", "bo", "chen", "dara"])
  func describeThenParseRoundTrips(_ learner: String) throws {
    let cases: [(Question, Response)] = [
      (Q.single(), .choices([2])),
      (Q.multiple(), .choices([0, 3, 4])),
      (Q.ordering(5), .order([4, 0, 3, 1, 2])),
      (Q.matching(4), .matches([3, 1, 0, 2])),
      (Q.numeric(.exact(1)), .number(-12.25)),
      (Q.trueFalse(true), .choices([1])),
    ]
    for (q, response) in cases {
      let p = Shuffler.presentation(for: q, learner: learner, shuffle: true)
      let shown = ResponseParser.describe(response, for: q, presentation: p)
      #expect(ResponseParser.parse(shown, for: q, presentation: p) == .success(response), "\(q.kind) \(shown)")
    }
  }
}
