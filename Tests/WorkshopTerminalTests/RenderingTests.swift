import Testing
@testable import WorkshopTerminal

@Suite struct SanitizerTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var input: String
    var expected: String
    var testDescription: String { expected }
  }

  @Test(
    "escape sequences and control characters are removed",
    arguments: [
      Case(input: "a\u{1B}[31mred\u{1B}[0m", expected: "ared"),
      Case(input: "x\u{1B}]0;title\u{07}y", expected: "xy"),
      Case(input: "x\u{1B}]8;;http://e\u{1B}\\link", expected: "xlink"),
      Case(input: "bell\u{07}\u{08}", expected: "bell"),
      Case(input: "c1\u{9B}2Jz", expected: "c1z"),
      Case(input: "bidi\u{202E}txt", expected: "biditxt"),
      Case(input: "tab\there", expected: "tab here"),
      Case(input: "line\nnext", expected: "line\nnext"),
      Case(input: "café ✓ 日本", expected: "café ✓ 日本"),
    ])
  func cleans(_ c: Case) {
    #expect(Sanitizer.clean(c.input) == c.expected)
  }

  @Test("newlines become spaces when a single line is wanted")
  func singleLine() {
    #expect(Sanitizer.clean("a\nb", keepNewlines: false) == "a b")
  }
}

@Suite struct DisplayWidthTests {
  @Test("wide and combining characters are counted by the columns they take")
  func widths() {
    #expect(DisplayWidth.of("abc") == 3)
    #expect(DisplayWidth.of("日本") == 4)
    #expect(DisplayWidth.of("e\u{301}") == 1)
    #expect(DisplayWidth.of("👍") == 2)
  }
}

@Suite struct MarkdownRendererTests {
  let plain = MarkdownRenderer(theme: .plainText, width: 40)
  let color = MarkdownRenderer(theme: Theme(color: true, plain: false), width: 40)

  @Test("paragraphs wrap to the width, counting wide characters as two columns")
  func wraps() {
    let text = String(repeating: "word ", count: 30) + String(repeating: "日本", count: 30)
    let out = plain.render(text)
    for line in out.split(separator: "\n") {
      #expect(DisplayWidth.of(line) <= 40)
    }
    #expect(out.split(separator: "\n").count > 4)
  }

  @Test("links show their address and images their description")
  func links() {
    let out = plain.render("See [the site](https://example.org) and ![a chart](chart.png).")
      .replacingOccurrences(of: "\n", with: " ")
    #expect(out.contains("the site (https://example.org)"))
    #expect(out.contains("[image: a chart] (chart.png)"))
  }

  @Test("lists, code blocks and block quotes keep their shape")
  func blocks() {
    let out = plain.render("- one\n- two\n\n1. first\n2. second\n\n```\nlet x = 1\n```\n\n> Careful here.")
    #expect(out.contains("- one\n- two"))
    #expect(out.contains("1. first\n2. second"))
    #expect(out.contains("Code:\n    let x = 1\nEnd of code."))
    #expect(out.contains("Note:\n  Careful here."))
  }

  @Test("styles become escape sequences only when colour is on")
  func styles() {
    let md = "# Title\n\nSome *emphasis*, **strong** and `code`."
    let styled = color.render(md)
    #expect(styled.contains("\u{1B}[3memphasis\u{1B}[0m"))
    #expect(styled.contains("\u{1B}[1mstrong\u{1B}[0m"))
    #expect(!plain.render(md).contains("\u{1B}"))
    #expect(plain.render(md).contains("Some emphasis, strong and `code`."))
    let bullets = color.render("- item\n\n> quote")
    #expect(bullets.contains("•") && bullets.contains("│"))
  }

  @Test("escape sequences in lesson text never reach the terminal")
  func sanitizes() {
    let out = color.render("Hi \u{1B}[2J there `x\u{1B}[31m` [l\u{1B}](http://a\u{1B}b)")
    #expect(!out.contains("\u{1B}[2J") && !out.contains("\u{1B}[31m"))
  }
}

@Suite struct LineInputTests {
  @Test("command words, colon commands and = answers")
  func classify() {
    #expect(LineInput.classify("") == .empty)
    #expect(LineInput.classify("  ") == .empty)
    #expect(LineInput.classify("hint") == .command(.hint))
    #expect(LineInput.classify(" Quit ") == .command(.quit))
    #expect(LineInput.classify(":skip") == .command(.skip))
    #expect(LineInput.classify(":nope") == .unknownCommand(":nope"))
    #expect(LineInput.classify("=next") == .answer("next"))
    #expect(LineInput.classify("==x") == .answer("=x"))
    #expect(LineInput.classify("next time") == .answer("next time"))
    #expect(LineInput.classify("b") == .answer("b"))
  }
}

@Suite struct CompletionTests {
  @Test("completion matches by prefix, ignoring case, and keeps a leading colon")
  func matches() {
    let words = ["hint", "help", "home", "basics"]
    #expect(Completion.matches("he", in: words) == ["help"])
    #expect(Completion.matches("H", in: words) == ["hint", "help", "home"])
    #expect(Completion.matches(":hi", in: words) == [":hint"])
    #expect(Completion.commonPrefix(["hint", "hire"]) == "hi")
  }
}
