import Foundation
import Testing
import WorkshopEngine

/// A small pack for one item-writing check: files by name, and where the check must (or must not)
/// report. Every pack is written twice, once made to trip the check and once to stay quiet.
struct ItemPack: Sendable, CustomTestStringConvertible {
  var name: String
  var check: ItemWritingCheck
  var files: [String: String]
  /// file:line:column the warning must be at; nil for a pack that must stay quiet.
  var expected: (file: String, line: Int, column: Int)?

  var testDescription: String { name }
}

/// A lesson file: front matter lines, then one page and the given question blocks.
func lessonFile(id: String = "lesson", front: String = "", page: String = "Text.", _ questions: [String]) -> String {
  var text = "---\nid: \(id)\ntitle: Lesson \(id)\n\(front)---\n\n## Page\n\n\(page)\n"
  for question in questions { text += "\n```question\n\(question)```\n" }
  return text
}

func single(_ id: String, prompt: String = "Which one?", key: String, wrong: [String], hints: [String] = []) -> String {
  var yaml = "id: \(id)\ntype: single\nprompt: \(prompt)\nexplanation: Because.\n"
  if !hints.isEmpty { yaml += "hints:\n" + hints.map { "  - \($0)\n" }.joined() }
  yaml += "choices:\n  - text: \(key)\n    correct: true\n"
  for text in wrong { yaml += "  - text: \(text)\n    feedback: No.\n" }
  return yaml
}

func trueFalse(_ id: String, _ answer: Bool, extra: String = "") -> String {
  "id: \(id)\ntype: truefalse\nprompt: Is it so?\nanswer: \(answer)\nexplanation: Because.\nfeedback: {true: \"Yes.\", false: \"No.\"}\n\(extra)"
}

let oneLessonCourse = "id: temp\ntitle: Temp\nlessons: [01-lesson.md]\n"

let itemPacks: [ItemPack] = [
  // key-length: one question whose keyed choice dwarfs the others
  .init(
    name: "key far longer than the rest", check: .keyLength,
    files: ["course.yaml": oneLessonCourse, "01-lesson.md": lessonFile([
      single("q1", key: "Publish the weights with the full training code and data", wrong: ["Keep it", "Sell it"]),
    ])], expected: ("01-lesson.md", 16, 11)),
  .init(
    name: "key as long as the rest", check: .keyLength,
    files: ["course.yaml": oneLessonCourse, "01-lesson.md": lessonFile([
      single("q1", key: "Publish the weights", wrong: ["Keep them private", "Sell them as a service"]),
    ])], expected: nil),
  // key-length: the keyed choice is usually the longest
  .init(
    name: "key usually the longest", check: .keyLength,
    files: ["course.yaml": oneLessonCourse, "01-lesson.md": lessonFile((1...4).map {
      single("q\($0)", key: "Choice that is longer", wrong: ["Choice shorter one", "Choice short"])
    })], expected: ("01-lesson.md", 2, 5)),
  .init(
    name: "key longest half the time", check: .keyLength,
    files: ["course.yaml": oneLessonCourse, "01-lesson.md": lessonFile((1...4).map {
      $0 <= 2
        ? single("q\($0)", key: "Choice that is longer", wrong: ["Choice shorter one", "Choice short"])
        : single("q\($0)", key: "Choice short", wrong: ["Choice shorter one", "Choice that is longer"])
    })], expected: nil),
  // true-false-balance
  .init(
    name: "true/false keys all false", check: .trueFalseBalance,
    files: ["course.yaml": oneLessonCourse, "01-lesson.md": lessonFile((1...6).map { trueFalse("t\($0)", false) })],
    expected: ("01-lesson.md", 2, 5)),
  .init(
    name: "true/false keys balanced", check: .trueFalseBalance,
    files: ["course.yaml": oneLessonCourse, "01-lesson.md": lessonFile((1...6).map { trueFalse("t\($0)", $0 % 2 == 0) })],
    expected: nil),
  .init(
    name: "true/false keys lean false across lessons", check: .trueFalseBalance,
    files: [
      "course.yaml": "id: temp\ntitle: Temp\nlessons: [01-lesson.md, 02-lesson.md]\n",
      "01-lesson.md": lessonFile(id: "one", (1...3).map { trueFalse("t\($0)", false) }),
      "02-lesson.md": lessonFile(id: "two", (1...3).map { trueFalse("t\($0)", $0 == 1) }),
    ], expected: ("course.yaml", 1, 1)),
  // catch-all-choice
  .init(
    name: "all of the above", check: .catchAllChoice,
    files: ["course.yaml": oneLessonCourse, "01-lesson.md": lessonFile([
      single("q1", key: "All of the above", wrong: ["Code", "Weights"]),
    ])], expected: ("01-lesson.md", 16, 11)),
  .init(
    name: "a choice that starts with all", check: .catchAllChoice,
    files: ["course.yaml": oneLessonCourse, "01-lesson.md": lessonFile([
      single("q1", key: "All three licences", wrong: ["Only the first", "Only the last"]),
    ])], expected: nil),
  // near-duplicate-choice
  .init(
    name: "same words in another order", check: .nearDuplicateChoice,
    files: ["course.yaml": oneLessonCourse, "01-lesson.md": lessonFile([
      single("q1", key: "Publish the code", wrong: ["Publish the weights and code", "Publish the code and weights"]),
    ])], expected: ("01-lesson.md", 20, 11)),
  .init(
    name: "a typo apart", check: .nearDuplicateChoice,
    files: ["course.yaml": oneLessonCourse, "01-lesson.md": lessonFile([
      single("q1", key: "Reproducible builds", wrong: ["Reproducable builds", "Signed releases"]),
    ])], expected: ("01-lesson.md", 18, 11)),
  .init(
    name: "versions that differ", check: .nearDuplicateChoice,
    files: ["course.yaml": oneLessonCourse, "01-lesson.md": lessonFile([
      single("q1", key: "Llama 3.1 Community License", wrong: ["Llama 3.2 Community License", "Apache 2.0"]),
    ])], expected: nil),
  // answer-in-text
  .init(
    name: "hint names the key", check: .answerInText,
    files: ["course.yaml": oneLessonCourse, "01-lesson.md": lessonFile([
      single("q1", key: "Model card", wrong: ["Press release", "Blog post"], hints: ["Look for the model card."]),
    ])], expected: ("01-lesson.md", 16, 5)),
  .init(
    name: "prompt prints an accepted short answer", check: .answerInText,
    files: ["course.yaml": oneLessonCourse, "01-lesson.md": lessonFile([
      "id: q1\ntype: short\nprompt: CycloneDX calls its list for models an ML-BOM. What is the general term?\nanswers: [AI-BOM, ML-BOM]\nexplanation: Because.\n",
    ])], expected: ("01-lesson.md", 13, 9)),
  .init(
    name: "hint points to a concept", check: .answerInText,
    files: ["course.yaml": oneLessonCourse, "01-lesson.md": lessonFile([
      single("q1", key: "Model card", wrong: ["Press release", "Blog post"], hints: ["Which document describes intended use?"]),
      "id: q2\ntype: short\nprompt: What does CycloneDX call its list of model parts?\nanswers: [ML-BOM]\nexplanation: Because.\n",
    ])], expected: nil),
  // matching-overlap
  .init(
    name: "pair shares a word", check: .matchingOverlap,
    files: ["course.yaml": oneLessonCourse, "01-lesson.md": lessonFile([
      "id: q1\ntype: matching\nprompt: Match.\nexplanation: Because.\npairs:\n  - {left: Parameters, right: The learned numbers}\n  - {left: Code, right: The code that trains it}\n",
    ])], expected: ("01-lesson.md", 17, 12)),
  .init(
    name: "pairs share no word", check: .matchingOverlap,
    files: ["course.yaml": oneLessonCourse, "01-lesson.md": lessonFile([
      "id: q1\ntype: matching\nprompt: Match.\nexplanation: Because.\npairs:\n  - {left: Parameters, right: The learned numbers}\n  - {left: Code, right: What trains and runs the system}\n",
    ])], expected: nil),
  // untaught-topic
  .init(
    name: "exam assesses an untaught topic", check: .untaughtTopic,
    files: [
      "course.yaml": "id: temp\ntitle: Temp\nlessons: [01-lesson.md]\nassessment: 02-exam.md\n",
      "01-lesson.md": lessonFile(front: "teaches: [licences]\n", [trueFalse("t1", true)]),
      "02-exam.md": lessonFile(id: "exam", [trueFalse("e1", true, extra: "assesses: [attack-catalogues]\n")]),
    ], expected: ("02-exam.md", 17, 12)),
  .init(
    name: "exam question says nothing it assesses", check: .untaughtTopic,
    files: [
      "course.yaml": "id: temp\ntitle: Temp\nlessons: [01-lesson.md]\nassessment: 02-exam.md\n",
      "01-lesson.md": lessonFile(front: "teaches: [licences]\n", [trueFalse("t1", true)]),
      "02-exam.md": lessonFile(id: "exam", [trueFalse("e1", true)]),
    ], expected: ("02-exam.md", 10, 1)),
  .init(
    name: "exam assesses what a lesson teaches", check: .untaughtTopic,
    files: [
      "course.yaml": "id: temp\ntitle: Temp\nlessons: [01-lesson.md]\nassessment: 02-exam.md\n",
      "01-lesson.md": lessonFile(front: "teaches: [licences]\n", [trueFalse("t1", true)]),
      "02-exam.md": lessonFile(id: "exam", [trueFalse("e1", true, extra: "assesses: [licences]\n")]),
    ], expected: nil),
  .init(
    name: "lesson question assesses an untaught topic", check: .untaughtTopic,
    files: [
      "course.yaml": oneLessonCourse,
      "01-lesson.md": lessonFile(front: "teaches: [licences]\n", [trueFalse("t1", true, extra: "assesses: [licenses]\n")]),
    ], expected: ("01-lesson.md", 18, 12)),
  .init(
    name: "lesson questions may leave assesses out", check: .untaughtTopic,
    files: [
      "course.yaml": oneLessonCourse,
      "01-lesson.md": lessonFile(front: "teaches: [licences]\n", [trueFalse("t1", true), trueFalse("t2", true, extra: "assesses: [licences]\n")]),
    ], expected: nil),
  // source-quotation
  .init(
    name: "quotation that is not the source's words", check: .sourceQuotation,
    files: [
      "course.yaml": oneLessonCourse + "source: seed.txt\n",
      "seed.txt": "Where possible, developers should enable community\nscrutiny of models, datasets and benchmarks.\n",
      "01-lesson.md": lessonFile(page: "Text.\n\nThe principle asks developers to \"enable community scrutiny of all models\".", [trueFalse("t1", true)]),
    ], expected: ("01-lesson.md", 10, 34)),
  .init(
    name: "exact quotation and a quotation of someone else", check: .sourceQuotation,
    files: [
      "course.yaml": oneLessonCourse + "source: seed.txt\n",
      "seed.txt": "Where possible, developers should enable community\nscrutiny of models, datasets and benchmarks.\n",
      "01-lesson.md": lessonFile(page: "Text.\n\nIt says \"Where possible, developers should ENABLE community scrutiny\". A licence asks for \"Built with Llama\" on products.", [trueFalse("t1", true)]),
    ], expected: nil),
  .init(
    name: "no source file to check against", check: .sourceQuotation,
    files: [
      "course.yaml": oneLessonCourse + "source: missing.txt\n",
      "01-lesson.md": lessonFile(page: "Text.\n\nThe principle asks developers to \"enable community scrutiny of all models\".", [trueFalse("t1", true)]),
    ], expected: nil),
]

@Suite struct ItemWritingLintTests {
  @Test(arguments: itemPacks)
  func packTripsOrStaysQuiet(_ pack: ItemPack) throws {
    let folder = try TemporaryFolder()
    for (name, text) in pack.files { try folder.write(name, text) }
    let report = Linter.run(root: folder.path)
    #expect(report.errors == 0, "\(report.diagnostics.map(\.description))")
    let found = report.diagnostics.filter { ItemWritingCheck.of($0) == pack.check }
    guard let expected = pack.expected else {
      #expect(found.isEmpty, "\(found.map(\.description))")
      return
    }
    let match = found.first {
      $0.path.hasSuffix("/" + expected.file) && $0.line == expected.line && $0.column == expected.column
    }
    #expect(match != nil, "got: \(report.diagnostics.map(\.description))")
    #expect(match?.severity == .warning)
    #expect(match?.message.hasSuffix("[\(pack.check.rawValue)]") == true)
  }

  @Test func everyCheckHasAPackThatTripsItAndOneThatDoesNot() {
    for check in ItemWritingCheck.allCases {
      #expect(itemPacks.contains { $0.check == check && $0.expected != nil }, "\(check) never trips")
      #expect(itemPacks.contains { $0.check == check && $0.expected == nil }, "\(check) never stays quiet")
    }
  }

  /// The small packs the project ships stay clean under the new checks.
  @Test func shippedFixturesTripNoItemWritingCheck() {
    for root in [Fixtures.valid, Fixtures.packageRoot + "/Tests/Fixtures/getting-started"] {
      let found = Linter.lint(root: root).filter { ItemWritingCheck.of($0) != nil }
      #expect(found.isEmpty, "\(found.map(\.description))")
    }
  }
}
