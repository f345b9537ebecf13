import Foundation
import Testing
import WorkshopEngine
import WorkshopTestSupport

/// Every screen a learner meets, on real pseudo-terminals 60 and 100 columns wide: no line wider
/// than the window, no word cut in two, no table shown as raw pipes.
@Suite(.serialized) struct ScreenWidthTests {
  static let manifest = """
    id: wide-course
    title: "Working Openly: a Course Whose Title Is Long Enough to Need Wrapping"
    lessons:
      - 01-how-to-use.md
      - {file: 02-stewardship.md, required: false}
    assessment: 03-check.md
    policy:
      attempts: 1
      shuffle: false
    """

  static let howTo = """
    ---
    id: how-to-use
    title: How to Use Workshop When You Are New to Command Lines
    summary: The commands, a table of them, and a first question.
    minutes: 5
    ---

    ## Commands

    Each lesson is a series of short pages and questions. Type a command on its own line:

    | Command | What it does |
    |---|---|
    | `next` (or Enter) | go to the next page |
    | `hint` | show a hint (it may cost a little credit) |
    | `skip` | leave a question for later |
    | `progress` | show your scores so far, lesson by lesson |

    Internationalisation matters: 日本語のテキストも正しく折り返されます。 Read more in
    https://allenai.org/blog/olmo-open-language-model-87ccfc95f580 and elsewhere.

    ```question
    id: which-command
    type: single
    prompt: Which command shows your scores so far, lesson by lesson, across the whole course?
    choices:
      - text: The progress command, typed on its own line at the prompt
        correct: true
        feedback: Right, progress lists every lesson with its state.
      - text: The hint command, which shows a hint
        feedback: A hint helps with a question; it does not list scores.
    explanation: Progress shows every lesson of the course with its state and score.
    ```

    """

  static let stewardship = """
    ---
    id: stewardship
    title: Responsible Stewardship of Openly Released Model Weights and Datasets
    minutes: 3
    ---

    ## Reading

    Nothing to answer here.

    """

  static let check = """
    ---
    id: check
    title: Final Check
    summary: Three questions in exam mode.
    minutes: 4
    policy:
      pass_mark: 0.3
    ---

    ## Before you start

    Three questions; the review comes at the end.

    ```question
    id: steps-in-order
    type: ordering
    prompt: Put these release steps in the order that works.
    items:
      - Collect consent from the people whose messages are used
      - Remove personal information from the training messages
      - Train the model on the cleaned messages
      - Publish the model card with its known limitations
    explanation: Consent comes first, then cleaning, training and documentation.
    ```

    ```question
    id: match-licences
    type: matching
    prompt: Match each licence with what it allows.
    pairs:
      - left: Apache License 2.0
        right: Any use, with a patent grant
      - left: Creative Commons Attribution-NonCommercial
        right: Non-commercial use with attribution
      - left: OpenRAIL-M
        right: Use with behavioural restrictions
    explanation: Each licence sets its own terms.
    ```

    ```question
    id: weights-not-source
    type: truefalse
    prompt: Open weights are the same as open source.
    answer: false
    feedback:
      true: They are not the same.
      false: Right.
    explanation: Open source also needs the code and a licence that allows any use.
    ```

    """

  /// Words from the lessons and from workshop's own messages that must appear whole.
  static let words = [
    "Internationalisation", "elsewhere.", "lesson,", "Stewardship", "Responsible", "Datasets",
    "Wrapping", "Collect", "consent", "information", "behavioural", "restrictions", "completed",
    "certificate", "Attribution-NonCommercial", "https://allenai.org/blog/olmo-open-language-model-87ccfc95f580",
  ]

  @Test("menu, table page, question, exam review and course end fit the window", arguments: [60, 100])
  func everyScreenFits(columns: Int) throws {
    let folder = try TemporaryFolder(prefix: "workshop-width")
    defer { folder.remove() }
    try folder.write("lessons/wide/course.yaml", Self.manifest)
    try folder.write("lessons/wide/01-how-to-use.md", Self.howTo)
    try folder.write("lessons/wide/02-stewardship.md", Self.stewardship)
    try folder.write("lessons/wide/03-check.md", Self.check)
    let t = try PseudoTerminal(
      try BuiltProducts.workshop(),
      ["--learner", "ana", "--lessons", folder.file("lessons"), "--progress", folder.file("progress")],
      environment: ["WORKSHOP_CACHE": folder.file("cache")], columns: UInt16(columns), rows: 60)
    #expect(t.waitFor("> "))
    var mark = t.mark
    t.send("1\r")
    #expect(t.waitFor("Press Enter", after: mark))
    mark = t.mark
    t.send("\r")
    #expect(t.waitFor("Type the letter", after: mark))
    mark = t.mark
    t.send("a\r")
    #expect(t.waitFor("Correct", after: mark))
    mark = t.mark
    t.send("\r")
    #expect(t.waitFor("End of lesson", after: mark))
    mark = t.mark
    t.send("3\r")
    #expect(t.waitFor("Before you start", after: mark))
    mark = t.mark
    t.send("\r")
    #expect(t.waitFor("order that works", after: mark))
    mark = t.mark
    t.send("4 3 2 1\r")
    #expect(t.waitFor("Match each licence", after: mark))
    mark = t.mark
    t.send("a-3 b-2 c-1\r")
    #expect(t.waitFor("Open weights are the same", after: mark))
    mark = t.mark
    t.send("f\r")
    #expect(t.waitFor("Before you submit", after: mark), "\(t.output[mark...])")
    mark = t.mark
    t.send("submit\r")
    #expect(t.waitFor("Course completed", after: mark), "\(t.output[mark...])")
    mark = t.mark
    t.send("progress\r")
    #expect(t.waitFor("Final Check", after: mark))
    t.send("quit\r")
    #expect(t.waitForExit() == 0)

    let screen = Self.withoutEscapes(t.output)
    for line in screen.split(separator: "\n") {
      let width = Self.displayWidth(line)
      let isAddress = line.contains("https://") && line.split(separator: " ").count == 1
      #expect(width <= columns || isAddress, "line of \(width) columns: \(line)")
    }
    // The exam review spells out ordering and matching answers item by item.
    #expect(screen.contains("The right order:"))
    #expect(screen.contains("Your matches:"))
    #expect(screen.contains("a. Apache License 2.0 → "))
    #expect(screen.contains("workshop export --learner ana --course wide-course"))
    #expect(!screen.contains("|---|"))
    #expect(!screen.contains("| Command |"))
    let tokens = Set(screen.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
    for word in Self.words {
      #expect(tokens.contains(word) || tokens.contains { $0.hasPrefix(word) }, "'\(word)' is not whole on screen")
    }
  }

  /// The terminal output without colour and cursor sequences.
  static func withoutEscapes(_ text: String) -> String {
    var out = ""
    var iterator = text.unicodeScalars.makeIterator()
    while let s = iterator.next() {
      if s == "\u{1B}" {
        guard let next = iterator.next() else { break }
        if next == "[" {
          while let c = iterator.next(), !(0x40...0x7E).contains(c.value) {}
        }
        continue
      }
      if s == "\u{07}" || s == "\u{08}" { continue }
      out.unicodeScalars.append(s)
    }
    return out
  }

  /// Columns a line takes: two for East Asian wide characters.
  static func displayWidth(_ line: Substring) -> Int {
    line.reduce(0) { total, ch in
      let v = ch.unicodeScalars.first!.value
      let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v)
        || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFF00...0xFF60).contains(v)
      return total + (wide ? 2 : 1)
    }
  }
}
