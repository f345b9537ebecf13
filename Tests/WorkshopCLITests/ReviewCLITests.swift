import Foundation
import Testing
import WorkshopEngine
import WorkshopTestSupport

/// `workshop review` through the built binary, with `WORKSHOP_NOW` moving the clock: answer a
/// lesson, come back days later, review, and read the schedule back with `review --list --json`.
@Suite(.serialized) struct ReviewCLITests {
  static let lessonDay = "2026-12-01T09:00:00Z"
  static let threeDaysLater = "2026-12-04T09:30:00Z"

  struct Listing: Decodable {
    struct Card: Decodable {
      struct Log: Decodable {
        var rating: String
        var elapsedDays: Int?
      }
      var lesson: String
      var question: String
      var state: String
      var due: String
      var dueNow: Bool
      var stability: Double
      var difficulty: Double
      var retrievability: Double
      var reps: Int
      var lapses: Int
      var log: [Log]
    }
    var now: String
    var due: Int
    var dueToday: Int
    var cards: [Card]

    func card(_ question: String) -> Card? { cards.first { $0.question == question } }
  }

  func listing(_ f: SessionFixture, at now: String, _ extra: [String] = []) throws -> Listing {
    let r = try f.run(["review", "--list", "--json", "--learner", "ana"] + extra, environment: ["WORKSHOP_NOW": now])
    #expect(r.status == 0, "\(r.stderr)")
    return try JSONDecoder().decode(Listing.self, from: Data(r.stdout.utf8))
  }

  /// Takes the first lesson: the licence question right at the second attempt (Hard), the
  /// short answer right at once (Good).
  func takeFirstLesson(_ f: SessionFixture) throws {
    let r = try f.run(
      ["start", "first-steps", "--learner", "Ana"], input: ["", "a", "b", "", "", "=next", ""],
      environment: ["WORKSHOP_NOW": Self.lessonDay])
    #expect(r.status == 0)
    #expect(r.stdout.contains("Passed"))
  }

  /// The letter the right choice has in the review of a card reviewed `reps` times before.
  func reviewLetter(_ f: SessionFixture, question: String, reps: Int) throws -> String {
    let library = LessonLoader.load(root: f.lessons).library
    let q = try #require(library.courses.first?.lessons.flatMap(\.questions).first { $0.id == question })
    let p = ReviewDeck.presentation(for: q, learner: "ana", review: reps)
    guard case .single(let choices) = q.body, let right = choices.firstIndex(where: \.correct),
      let display = p.displayIndex(canonical: right)
    else { throw CocoaError(.featureUnsupported) }
    return Presentation.letter(display)
  }

  @Test("answered questions become cards rated from the lesson answer")
  func cardsFromLesson() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    try takeFirstLesson(f)
    let list = try listing(f, at: Self.lessonDay)
    #expect(list.cards.map(\.question) == ["pick-permissive", "say-next"])
    #expect(list.card("pick-permissive")?.log.map(\.rating) == ["hard"])
    #expect(list.card("say-next")?.log.map(\.rating) == ["good"])
    #expect(list.cards.allSatisfy { $0.state == "learning" && !$0.dueNow })
    #expect(list.due == 0)
    #expect(list.dueToday == 2)
    // The default stabilities of FSRS-6 for Hard and Good.
    #expect(abs((list.card("pick-permissive")?.stability ?? 0) - 1.2931) < 1e-9)
    #expect(abs((list.card("say-next")?.stability ?? 0) - 2.3065) < 1e-9)
    let narrowed = try listing(f, at: Self.lessonDay, ["--lesson", "second-lesson"])
    #expect(narrowed.cards.isEmpty)
  }

  @Test("days later the cards are due, a review reschedules them, and the lesson is untouched")
  func reviewLater() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    try takeFirstLesson(f)
    let before = try listing(f, at: Self.threeDaysLater)
    #expect(before.due == 2)
    // Lowest retrievability first: the card rated Hard has the lower stability.
    #expect(before.cards.sorted { $0.retrievability < $1.retrievability }.first?.question == "pick-permissive")

    let statusBefore = try lessonStatus(f)
    let letter = try reviewLetter(f, question: "pick-permissive", reps: 1)
    let r = try f.run(
      ["review", "--learner", "ana"], input: [letter, "", "=next", ""],
      environment: ["WORKSHOP_NOW": Self.threeDaysLater])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("2 cards are due."))
    #expect(r.stdout.contains("Which licence allows any use?"))
    #expect(r.stdout.contains("Correct."))
    #expect(r.stdout.contains("Review finished."))
    #expect(r.stdout.contains("You reviewed 2 cards and remembered 2."))

    let after = try listing(f, at: Self.threeDaysLater)
    #expect(after.due == 0)
    let licence = try #require(after.card("pick-permissive"))
    #expect(licence.log.map(\.rating) == ["hard", "good"])
    #expect(licence.log.last?.elapsedDays == 3)
    #expect(licence.reps == 2)
    let next = try #require(after.card("say-next"))
    #expect(next.log.map(\.rating) == ["good", "good"])
    #expect(next.state == "review")
    #expect(next.due > Self.threeDaysLater)

    let reviews = try f.journal().filter { $0.kind == .reviewAnswered }
    #expect(reviews.map(\.rating) == [3, 3])
    // Reviews never change the lesson: list's JSON is the same apart from the count of cards due.
    #expect(try lessonStatus(f) == statusBefore)
  }

  @Test("a hint seen in a review counts in the card's rating, even after leaving before answering")
  func hintThenLeave() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    try takeFirstLesson(f)
    let first = try f.run(
      ["review", "--learner", "ana"], input: ["hint", "quit"], environment: ["WORKSHOP_NOW": Self.threeDaysLater])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("Think of the MIT licence."))
    #expect(try f.journal().filter { $0.kind == .reviewHintShown }.map(\.hint) == [1])
    #expect(try listing(f, at: Self.threeDaysLater).card("pick-permissive")?.reps == 1)

    // Back later: the card carries on where it was left, so a right answer now is Hard, not Good.
    let letter = try reviewLetter(f, question: "pick-permissive", reps: 1)
    let second = try f.run(
      ["review", "--learner", "ana"], input: [letter, "", "quit"], environment: ["WORKSHOP_NOW": Self.threeDaysLater])
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.stdout.contains("Correct."))
    let reviews = try f.journal().filter { $0.kind == .reviewAnswered }
    #expect(reviews.map(\.rating) == [2])
    #expect(reviews.map(\.hint) == [1])
    #expect(try listing(f, at: Self.threeDaysLater).card("pick-permissive")?.log.map(\.rating) == ["hard", "hard"])
  }

  /// `list --json` without the review count.
  func lessonStatus(_ f: SessionFixture) throws -> String {
    let r = try f.run(["list", "--json", "--learner", "ana"], environment: ["WORKSHOP_NOW": Self.threeDaysLater])
    #expect(r.status == 0)
    #expect(r.stdout.contains("\"passed\""))
    return r.stdout.split(separator: "\n").filter { !$0.contains("reviewDueToday") }.joined(separator: "\n")
  }

  @Test("the menu offers the review when cards are due, and list --learner counts them")
  func menuOffersReview() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    try takeFirstLesson(f)
    let menu = try f.run(["--learner", "ana"], input: ["quit"], environment: ["WORKSHOP_NOW": Self.threeDaysLater])
    #expect(menu.stdout.contains("2 review cards are due today: type review to practise them."))
    let list = try f.run(["list", "--learner", "ana"], environment: ["WORKSHOP_NOW": Self.threeDaysLater])
    #expect(list.stdout.contains("2 review cards due today"))
    let nothing = try f.run(["review", "--learner", "ana"], input: [], environment: ["WORKSHOP_NOW": Self.lessonDay])
    #expect(nothing.stdout.contains("Nothing to review right now."))
  }

  @Test("a mistyped WORKSHOP_NOW is refused with a clear message")
  func badClock() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let r = try f.run(["list"], environment: ["WORKSHOP_NOW": "next tuesday"])
    #expect(r.status != 0)
    #expect(r.stderr.contains("WORKSHOP_NOW=next tuesday is not an ISO 8601 instant"))
  }
}
