import Foundation
import Testing
import WorkshopEngine
@testable import WorkshopRecords

/// Five learners answer the basics lesson; statistics below are worked out by hand.
///
/// First answers (credit):     single  multi   tf     short  num     total
///   L1                        b 1     ac 1    T 0    1      42 1    4
///   L2                        b 1     a .5    T 0    1      42 1    3.5
///   L3 (hint on single)       a 0     ab 0    T 0    1      10 0    1
///   L4                        b 1     ac 1    F 1    1      50 0    4
///   L5                        a 0     c .5    F 1    lyon 0 skip    1.5
///
/// Every learner then finishes the lesson, which skips the questions still open (a wrong or
/// partly right first answer with a second attempt left), as the REPL requires.
enum RosterFixture {
  static func learner(_ i: Int) -> CompletionRecord {
    var s = Fixture.Script(seed: i)
    s.start("basics")
    let single: [Int] = [1, 1, 0, 1, 0]
    let multi: [[Int]] = [[0, 2], [0], [0, 1], [0, 2], [2]]
    let tf: [Int] = [0, 0, 0, 1, 1]
    if i == 3 { s.hint("basics", "q-single") }
    s.answer("basics", "q-single", .choices([single[i - 1]]), raw: "x")
    s.answer("basics", "q-multi", .choices(multi[i - 1]), raw: "x")
    s.answer("basics", "q-tf", .choices([tf[i - 1]]), raw: "x")
    s.answer("basics", "q-short", .text(i == 5 ? "lyon" : "paris"), raw: "x")
    if i == 5 {
      s.skip("basics", "q-num")
    } else {
      s.answer("basics", "q-num", .number([42, 42, 10, 50][i - 1]), raw: "x")
    }
    s.complete("basics")
    let identity = LearnerIdentity(opaqueID: LearnerIdentity.opaqueID(salt: "s", learner: "l\(i)"), displayName: "Learner Number \(i)")
    return RecordBuilder.build(
      events: s.events, course: Fixture.course, learner: identity.record(pseudonymize: false), generatedAt: Fixture.generatedAt)
  }

  static let library = LessonLibraryLookup { $0 == Fixture.course.id ? Fixture.course : nil }

  static func entries(withTampered: Bool = true) -> [RosterEntry] {
    var out = (1...5).map { i in
      RosterEntry.fromRecordData(Data(learner(i).fileText().utf8), source: "l\(i).json", library: library, grading: .engine)
    }
    if withTampered {
      // A sixth record claims full marks without the digest to back it.
      var forged = learner(4).json()
      forged = forged.setting("outcome", forged["outcome"]!.setting("score", .number(1)))
      out.append(RosterEntry.fromRecordData(Data(JSONWriter.canonical(forged).utf8), source: "forged.json", library: library, grading: .engine))
      out.append(RosterEntry.fromRecordData(Data("{not json".utf8), source: "broken.json", library: library, grading: .engine))
    }
    return out
  }
}

@Suite struct RosterStatistics {
  let roster = Roster.build(entries: RosterFixture.entries(), library: RosterFixture.library)

  func item(_ id: String) -> ItemStatistics { roster.sections[0].items.first { $0.questionID == id }! }

  @Test func aRecordOfTheEarlierSchemaIsListedAsOutdatedAndNotCounted() {
    let old = Fixture.finisherRecord().json().setting("schemaVersion", .number(1)).removing("digest")
    let file = old.setting("digest", .string(RecordHash.digest(of: old)))
    let entry = RosterEntry.fromRecordData(
      Data(JSONWriter.canonical(file).utf8), source: "old.json", library: RosterFixture.library, grading: .engine)
    #expect(entry.verification.label == "OUTDATED")
    #expect(!entry.verification.counts)
    #expect(entry.verification.details.contains { $0.contains("export it again") })
  }

  @Test func failingRecordsAreFlaggedAndNotCounted() {
    let rows = roster.sections[0].learners
    #expect(rows.count == 6)
    #expect(rows.filter(\.counted).count == 5)
    let forged = rows.first { $0.source == "forged.json" }!
    #expect(!forged.counted && forged.verification == "TAMPERED")
    #expect(forged.details.contains { $0.contains("outcome") })
    #expect(roster.unreadable.map(\.source) == ["broken.json"])
    #expect(rows.filter(\.counted).allSatisfy { $0.verification == "valid" })
    // Every question saw exactly the five counted learners.
    #expect(roster.sections[0].items.allSatisfy { $0.asked == 5 })
  }

  @Test func difficulty() {
    #expect(item("q-single").difficulty == 0.6)
    // Two partly right first answers (credit 0.5 each) count half: (1 + 1 + 0.5 + 0.5 + 0) / 5.
    #expect(item("q-multi").difficulty == 0.6)
    #expect(item("q-tf").difficulty == 0.4)
    #expect(item("q-short").difficulty == 0.8)
    #expect(item("q-num").difficulty == 0.5)
    #expect(item("q-num").answered == 4)
  }

  @Test func pointBiserialAgainstTheRestScore() throws {
    // q-single: rest scores 3, 2.5, 1, 3, 1.5 (mean 2.2, variance 0.66); right: L1 L2 L4.
    let single = (8.5 / 3 - 1.25) / 0.66.squareRoot() * 0.24.squareRoot()
    #expect(abs(try #require(item("q-single").discrimination) - single) < 1e-12)
    // q-tf: rest scores 4, 3.5, 1, 3, 0.5 (mean 2.4, variance 1.94); right: L4 L5.
    let tf = (1.75 - 8.5 / 3) / 1.94.squareRoot() * 0.24.squareRoot()
    #expect(abs(try #require(item("q-tf").discrimination) - tf) < 1e-12)
    #expect(tf < 0)
  }

  @Test func skipAndHintRates() {
    // A question still open at the end is skipped to finish: L3, L4 and L5 on q-num (L5 at
    // once), L3 and L5 on q-single.
    #expect(item("q-num").skipRate == 0.6)
    #expect(item("q-single").skipRate == 0.4)
    #expect(item("q-single").hintRate == 0.2)
    #expect(item("q-tf").hintRate == 0)
  }

  @Test func choiceCountsAndFlags() {
    #expect(item("q-single").choiceCounts == [2, 3, 0])
    #expect(item("q-single").flags == ["distractor C never picked"])
    #expect(item("q-multi").choiceCounts == [4, 1, 3, 0])
    #expect(item("q-multi").flags == ["distractor D never picked"])
    #expect(item("q-tf").choiceCounts == [3, 2])
    #expect(item("q-tf").flags == ["negative discrimination", "wrong choice A picked more often than the right answer"])
    #expect(item("q-short").flags == [])
  }

  @Test func noFlagsBelowTheMinimum() {
    let small = Roster.build(entries: Array(RosterFixture.entries(withTampered: false).prefix(4)), library: RosterFixture.library)
    #expect(small.sections[0].items.allSatisfy { $0.flags.isEmpty })
  }

  @Test func pseudonymsInTheRoster() {
    let p = Roster.build(entries: RosterFixture.entries(), library: RosterFixture.library, pseudonymize: true)
    #expect(p.sections[0].learners.allSatisfy { $0.name.hasPrefix("Learner ") && !$0.name.contains("Number") })
    #expect(!p.table().contains("Number"))
    #expect(!p.html(generatedAt: "x").contains("Number"))
    #expect(!p.learnersCSV(entries: RosterFixture.entries(), pseudonymize: true).contains("Number"))
  }

  @Test func goldenTable() {
    #expect(Fixture.matchesGolden(roster.table(), "roster.txt"))
  }

  @Test func goldenCSV() {
    #expect(Fixture.matchesGolden(roster.learnersCSV(entries: RosterFixture.entries(), pseudonymize: false), "roster.csv"))
    #expect(Fixture.matchesGolden(roster.itemsCSV(), "roster-items.csv"))
    // Negative discrimination is a number a spreadsheet can sort, not text.
    #expect(roster.itemsCSV().contains(",0.4,-0.381,") && !roster.itemsCSV().contains("'-"))
  }

  @Test func goldenHTMLIsSelfContained() {
    let html = roster.html(generatedAt: Fixture.generatedAt)
    #expect(Fixture.matchesGolden(html, "roster.html"))
    #expect(html.contains("<svg"))
    #expect(!html.contains("<script"))
    #expect(!html.contains("src="))
    #expect(!html.contains("@import"))
    // Links only within the page (the flagged questions point at their rows).
    #expect(!html.contains("href=\"http") && !html.contains("href=\"//"))
  }

  @Test func htmlShowsTextGroupsByLessonAndPutsFlaggedItemsFirst() throws {
    let html = roster.html(generatedAt: Fixture.generatedAt)
    // The question's text and each choice's text, the key marked.
    #expect(html.contains("Which licence allows *any* use?"))
    #expect(html.contains("<td>B ✓</td><td>Apache-2.0</td>"))
    #expect(html.contains("<td>A</td><td>Non-commercial</td>"))
    // Grouped by lesson, flagged questions first: two flags, then one, then none.
    let basics = try #require(html.range(of: "<h4>Basics <small>basics"))
    func row(_ id: String) throws -> String.Index {
      try #require(html.range(of: "<tr id=\"item-basics-\(id)\"", range: basics.upperBound..<html.endIndex)).lowerBound
    }
    #expect(try row("q-tf") < row("q-single"))
    #expect(try row("q-single") < row("q-short"))
    #expect(html.contains("<h4>Needs attention: 3 questions</h4>"))
    #expect(html.contains("<a href=\"#item-basics-q-tf\">Basics · Open weights are the same as open source.</a>"))
    // Every colour drawn in the item analysis has a line in the legend.
    let analysis = try #require(html.range(of: "<h3>Item analysis</h3>"))
    let legend = try #require(html.range(of: "</div>", range: analysis.upperBound..<html.endIndex))
    let key = String(html[analysis.upperBound..<legend.lowerBound])
    let drawn = String(html[legend.upperBound...])
    let colours = try Regex("(?:fill=\"|background:)(#[0-9a-f]{3,6})")
    let used = Set(drawn.matches(of: colours).map { String($0.output[1].substring!) })
    #expect(used.count >= 4)
    for colour in used { #expect(key.contains("background:\(colour)"), "\(colour) has no legend") }
  }
}
