import Testing
import WorkshopEngine
@testable import WorkshopTerminal

@Suite struct TableRenderingTests {
  static let table = """
    Type a command on its own line:

    | Command | What it does |
    |---|---|
    | `next` (or Enter) | go to the next page |
    | `hint` | show a hint (it may cost a little credit) |
    | `skip` | leave a question for later |
    | 日本語 | wide characters take two columns each |
    """

  let noColor = Theme(color: false, plain: false)

  @Test("a table that fits is drawn as aligned columns under a rule", arguments: [60, 100])
  func grid(width: Int) throws {
    let text = MarkdownRenderer(theme: noColor, width: width).render(Self.table)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(!text.contains("|"))
    #expect(lines.allSatisfy { DisplayWidth.of($0) <= width }, "\(text)")
    let header = try #require(lines.first { $0.hasPrefix("Command") })
    let row = try #require(lines.first { $0.hasPrefix("`hint`") })
    // The second column starts at the same display column in the header and in a row.
    #expect(header.range(of: "What it does")?.lowerBound.utf16Offset(in: header)
      == row.range(of: "show a hint")?.lowerBound.utf16Offset(in: row))
    #expect(lines.contains { $0.hasPrefix("─") })
    #expect(text.contains("leave a question for later") || width < 60)
  }

  @Test("a narrow window wraps cells inside their column, by words")
  func wrapsCells() {
    let text = MarkdownRenderer(theme: noColor, width: 36).render(Self.table)
    let lines = text.split(separator: "\n")
    #expect(lines.allSatisfy { DisplayWidth.of($0) <= 36 }, "\(text)")
    #expect(!text.contains("|"))
    let words = Set(text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
    for word in ["question", "credit)", "columns", "Command"] {
      #expect(words.contains(word), "\(word) is broken in:\n\(text)")
    }
  }

  @Test("too many columns for the window: one block per row, header beside each value")
  func records() {
    let wide = "| A | B | C | D | E |\n|---|---|---|---|---|\n| alpha | beta | gamma | delta | epsilon |\n"
    let text = MarkdownRenderer(theme: noColor, width: 20).render(wide)
    #expect(text.contains("A: alpha"))
    #expect(text.contains("E: epsilon"))
    #expect(!text.contains("|"))
  }

  @Test("--plain reads a table row by row, each value after its header")
  func plain() {
    let text = MarkdownRenderer(theme: .plainText, width: 80).render(Self.table)
    #expect(text.contains("Row 1. Command: `next` (or Enter). What it does: go to the next page."))
    #expect(!text.contains("─"))
    #expect(!text.contains("|"))
  }

  @Test("an address is never cut, even when it is wider than the window")
  func longAddress() {
    let url = "https://allenai.org/blog/olmo-open-language-model-87ccfc95f580"
    let text = MarkdownRenderer(theme: noColor, width: 40).render("See [the OLMo post](\(url)) for more.")
    #expect(text.contains(url))
  }

  @Test("a lint excerpt puts the caret under the column, counting wide characters")
  func excerpt() {
    let d = Diagnostic(severity: .error, path: "x.md", line: 12, column: 4, message: "m")
    let lines = SourceExcerpt.lines(for: d, sourceLine: "日本 x: y", width: 80)
    #expect(lines == ["  12 | 日本 x: y", "     |      ^"])
    let long = String(repeating: "a", count: 200) + "X" + String(repeating: "b", count: 200)
    let cut = SourceExcerpt.lines(
      for: Diagnostic(severity: .error, path: "x.md", line: 1, column: 201, message: "m"),
      sourceLine: long, width: 60)
    #expect(cut.allSatisfy { DisplayWidth.of($0) <= 60 }, "\(cut)")
    let caret = cut[1].firstIndex(of: "^").map { cut[1].distance(from: cut[1].startIndex, to: $0) }
    let mark = cut[0].firstIndex(of: "X").map { cut[0].distance(from: cut[0].startIndex, to: $0) }
    #expect(caret != nil && caret == mark)
  }

  @Test("server text is wrapped by words, keeps its indent, and colour takes no room")
  func fitsServerText() {
    let feedback = "  Both took part from the start, but as members. The two companies that launched the Alliance were IBM and Meta."
    let fitted = TextWrap.fit(feedback, width: 60)
    let lines = fitted.split(separator: "\n")
    #expect(lines.count == 2)
    #expect(lines.allSatisfy { $0.hasPrefix("  ") && DisplayWidth.of($0) <= 60 })
    #expect(fitted.contains("IBM"))
    let styled = "\u{1B}[1m" + String(repeating: "word ", count: 11) + "end\u{1B}[0m"
    #expect(!TextWrap.fit(styled, width: 60).contains("\n"))
  }
}
