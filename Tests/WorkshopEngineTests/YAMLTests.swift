import Foundation
import Testing

@testable import WorkshopEngine

@Suite struct YAMLTests {
  private func parse(_ text: String) throws -> YAMLNode {
    try #require(try YAML.parse(text))
  }

  private func failure(_ text: String) -> YAMLError? {
    do {
      _ = try YAML.parse(text)
      return nil
    } catch {
      return error
    }
  }

  @Test func marksAreLinesAndColumnsOfEachNode() throws {
    let root = try parse("id: q1\nchoices:\n  - text: Ünï 🎉\n    correct: true\n  - [a, b]\n")
    #expect((root.line, root.column) == (1, 1))
    let id = try #require(root["id"])
    #expect(id.string == "q1")
    #expect((id.line, id.column) == (1, 5))
    guard case .sequence(let choices) = try #require(root["choices"]).content else {
      Issue.record("choices is not a list")
      return
    }
    #expect(choices.count == 2)
    #expect((choices[0].line, choices[0].column) == (3, 5))
    let correct = try #require(choices[0]["correct"])
    #expect((correct.line, correct.column) == (4, 14))
    #expect(correct.bool == true)
    // Columns count characters, not bytes.
    #expect(choices[0]["text"]?.string == "Ünï 🎉")
    #expect((choices[1].line, choices[1].column) == (5, 5))
  }

  @Test func scalarsStayTextUntilAskedForAType() throws {
    let root = try parse("a: no\nb: '42'\nc: 1e3\nd: ~\ne: \"\"\nf: +4\n")
    #expect(root["a"]?.string == "no")
    #expect(root["a"]?.bool == false)
    #expect(root["b"]?.number == nil, "quoted text is not a number")
    #expect(root["c"]?.number == 1000)
    #expect(root["d"]?.isNull == true)
    #expect(root["e"]?.isNull == false, "an empty quoted string is text, not null")
    #expect(root["f"]?.integer == 4)
  }

  @Test func emptyOrCommentOnlyTextHasNoDocument() throws {
    #expect(try YAML.parse("") == nil)
    #expect(try YAML.parse("# only a comment\n") == nil)
  }

  @Test func syntaxErrorsCarryLibyamlsProblemAndPlace() throws {
    let error = try #require(failure("id: q1\nitems: [a, b\nprompt: x\n"))
    #expect(error.message == "invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence)")
    #expect((error.line, error.column) == (3, 7))
  }

  @Test func duplicateKeysAreRefusedAtTheFirstInSortedOrder() throws {
    let error = try #require(failure("id: a\ntype: b\nid: c\ntype: d\n"))
    #expect(error.message == "duplicate key 'id', 'type'")
    #expect((error.line, error.column) == (1, 1))
    // Quoted and plain spellings are the same key; an explicit other tag is not.
    #expect(failure("a: 1\n'a': 2\n")?.message == "duplicate key 'a'")
    #expect(failure("a: 1\n!!str a: 2\n")?.message == "duplicate key 'a'")
    #expect(failure("1: x\n!!int 1: y\n") == nil)
  }

  @Test func anchorsAndAliasesAreRefused() throws {
    let defined = try #require(failure("a: &x 1\nb: *x\n"))
    #expect(defined.message == "YAML anchors and aliases are not allowed")
    #expect((defined.line, defined.column) == (1, 4))
    let undefined = try #require(failure("a: 1\nb: *nowhere\n"))
    #expect(undefined.message == "YAML anchors and aliases are not allowed")
    #expect((undefined.line, undefined.column) == (2, 4))
    // An anchor alone, never used, is refused all the same.
    #expect(failure("a: &x 1\n")?.message == "YAML anchors and aliases are not allowed")
    // Other errors in the same document come first, as they always have.
    #expect(failure("a: &x 1\nb: *x\na: 2\n")?.message == "duplicate key 'a'")
  }

  @Test func anAliasBombIsRefusedWithoutExpanding() throws {
    var text = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    for level in 1..<30 {
      let previous = String(repeating: "a", count: level)
      let name = previous + "a"
      text += "\(name): &\(name) [" + Array(repeating: "*" + previous, count: 9).joined(separator: ", ") + "]\n"
    }
    #expect(failure(text)?.message == "YAML anchors and aliases are not allowed")
  }

  @Test func deepNestingIsCutOffInsteadOfExhaustingTheStack() throws {
    let limit = YAMLComposer.maximumDepth
    func nested(_ depth: Int) -> String {
      String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }
    var node = try parse(nested(limit))
    var levels = 1
    while case .sequence(let items) = node.content, let first = items.first {
      node = first
      levels += 1
    }
    #expect(levels == limit)
    let error = try #require(failure(nested(500_000)))
    #expect(error.message == "invalid YAML: lists and mappings nested more than \(limit) levels deep")
    #expect((error.line, error.column) == (1, limit + 1))
  }

  @Test func onlyOneDocumentIsAllowed() throws {
    let error = try #require(failure("a: 1\n---\nb: 2\n"))
    #expect(error.message == "invalid YAML: but found another document (expected a single document in the stream)")
    #expect(error.line == 2)
  }

  @Test func readerErrorsArePlacedInCharacters() throws {
    let error = try #require(failure("a: é\u{7}\n"))
    #expect(error.message == "invalid YAML: control characters are not allowed")
    #expect((error.line, error.column) == (1, 5))
  }

  @Test func blocksIndentedInTheFileReportAtFileColumns() throws {
    let folder = try TemporaryFolder()
    try folder.write("course.yaml", "id: temp\ntitle: Temp\nlessons: [01-lesson.md]\n")
    try folder.write(
      "01-lesson.md",
      "---\nid: lesson\ntitle: Lesson\n---\n\n  ```question\n  id: q1\n  type: truefalse\n  id: q2\n  ```\n")
    let diagnostics = Linter.lint(root: folder.path)
    let duplicate = try #require(diagnostics.first { $0.message.hasPrefix("duplicate key") })
    #expect(duplicate.message == "duplicate key 'id'")
    #expect((duplicate.line, duplicate.column) == (7, 3))
  }
}
