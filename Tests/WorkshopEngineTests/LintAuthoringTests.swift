import Foundation
import Testing
import WorkshopEngine

/// What an author meets while writing a lesson: every problem in one run, each at the line that
/// is wrong, and one file at a time.
@Suite struct LintAuthoringTests {
  static let numericQuestion = """
    ```question
    id: commit-id-length
    type: numeric
    prompt: How many hexadecimal digits has a full commit id?
    answer: 32
    explanation: A SHA-1 id has 40 hex digits.
    examples:
      accept: ["40"]
    ```
    """

  @Test func answerKeyProofsRunAlongsideOtherErrors() throws {
    let folder = try TemporaryFolder()
    try folder.write("course.yaml", "id: temp\ntitle: Temp\nlessons: [01-lesson.md]\n")
    let lesson = """
      ---
      id: lesson
      title: Lesson
      ---

      \(Self.numericQuestion)

      ```question
      id: broken
      type: order
      prompt: Put these in order.
      ```

      """
    try folder.write("01-lesson.md", lesson)
    let report = Linter.run(root: folder.path)
    let messages = report.diagnostics.map { "\($0.line):\($0.column) \($0.message)" }
    #expect(messages.contains { $0.hasPrefix("13:") && $0.contains("accepted example '40'") && $0.contains("grades wrong") }, "\(messages)")
    #expect(messages.contains { $0.contains("unknown question type 'order'") }, "\(messages)")
  }

  @Test func aCourseWhoseAnswerKeyIsWrongIsNotOffered() throws {
    let folder = try TemporaryFolder()
    try folder.write("course.yaml", "id: temp\ntitle: Temp\nlessons: [01-lesson.md]\n")
    try folder.write("01-lesson.md", "---\nid: lesson\ntitle: Lesson\n---\n\n\(Self.numericQuestion)\n")
    let (library, diagnostics) = LessonLoader.load(root: folder.path)
    #expect(library.courses.isEmpty)
    #expect(diagnostics.errorCount == 1)
  }

  @Test func anUnclosedQuestionBlockIsReportedWhereItOpens() throws {
    let folder = try TemporaryFolder()
    try folder.write("course.yaml", "id: temp\ntitle: Temp\nlessons: [01-lesson.md]\n")
    let lesson = """
      ---
      id: lesson
      title: Lesson
      ---

      ## First

      ```question
      id: first
      type: truefalse
      prompt: Fences must be closed.
      answer: true
      explanation: Otherwise the block runs on.

      ## Second

      Some prose: with a colon, which YAML would trip over.

      ```question
      id: second
      type: truefalse
      prompt: Another.
      answer: true
      explanation: Yes.
      ```

      """
    try folder.write("01-lesson.md", lesson)
    let diagnostics = Linter.lint(root: folder.path)
    #expect(diagnostics.count == 1, "\(diagnostics.map(\.description))")
    let first = try #require(diagnostics.first)
    #expect(first.line == 8 && first.column == 1)
    #expect(first.message.contains("never closed"))
    #expect(first.message.contains("line 19"))
  }

  @Test func aQuestionBlockLeftOpenAtTheEndOfTheFileIsReported() throws {
    let folder = try TemporaryFolder()
    try folder.write("course.yaml", "id: temp\ntitle: Temp\nlessons: [01-lesson.md]\n")
    try folder.write(
      "01-lesson.md",
      "---\nid: lesson\ntitle: Lesson\n---\n\n```question\nid: q\ntype: truefalse\nprompt: P\nanswer: true\nexplanation: E\n")
    let diagnostics = Linter.lint(root: folder.path)
    #expect(diagnostics.map { "\($0.line):\($0.column)" } == ["6:1"], "\(diagnostics.map(\.description))")
    #expect(diagnostics.first?.message.contains("never closed") == true)
  }

  @Test func markdownTheTerminalCannotShowIsAWarning() throws {
    let folder = try TemporaryFolder()
    try folder.write("course.yaml", "id: temp\ntitle: Temp\nlessons: [01-lesson.md]\n")
    let lesson = """
      ---
      id: lesson
      title: Lesson
      ---

      ## Tables

      | Good | Table |
      |---|---|
      | a | b |

      | Broken | Table | Here |
      |---|---|
      | a | b | c |

      <div>raw</div>

      Some <b>bold</b> text.

      """
    try folder.write("01-lesson.md", lesson)
    let diagnostics = Linter.lint(root: folder.path)
    let found = diagnostics.map { "\($0.line):\($0.severity.rawValue)" }
    #expect(found == ["12:warning", "16:warning", "18:warning"], "\(diagnostics.map(\.description))")
    #expect(diagnostics.first?.message.contains("delimiter row") == true)
  }

  @Test func oneLessonFileIsLintedWithItsCourse() throws {
    let folder = try TemporaryFolder()
    try folder.write(
      "course.yaml", "id: temp\ntitle: Temp\nlessons: [01-lesson.md, 02-other.md]\npolicy:\n  mode: exam\n")
    try folder.write("01-lesson.md", "---\nid: lesson\ntitle: Lesson\n---\n\n\(Self.numericQuestion)\n")
    try folder.write("02-other.md", "---\nid: other\n---\n")
    let report = Linter.run(file: folder.path + "/01-lesson.md")
    #expect(report.lessons == 1)
    #expect(report.questions == 1)
    #expect(report.diagnostics.count == 1, "\(report.diagnostics.map(\.description))")
    #expect(report.diagnostics.allSatisfy { $0.path.hasSuffix("01-lesson.md") })

    // A file outside any course is checked on its own.
    let loose = try TemporaryFolder()
    try loose.write("draft.md", "---\nid: draft\ntitle: Draft\n---\n\nText.\n")
    let alone = Linter.run(file: loose.path + "/draft.md")
    #expect(alone.diagnostics.isEmpty, "\(alone.diagnostics.map(\.description))")
    #expect(alone.courses == 0 && alone.lessons == 1)
  }
}

@Suite struct MarkdownTableTests {
  @Test func readsCellsAlignmentAndEscapedPipes() throws {
    let lines: [Substring] = [
      "Intro line", "| Command | What `a|b` does | N |", "|:---|---|--:|", "| `next` | go \\| on | 1 |",
      "| short |",
    ]
    let found = try #require(MarkdownTable.find(in: lines))
    #expect(found.leadingLines == 1)
    #expect(found.table.header == ["Command", "What `a|b` does", "N"])
    #expect(found.table.alignments == [.left, .left, .right])
    #expect(found.table.rows == [["`next`", "go | on", "1"], ["short", "", ""]])
  }

  @Test func aParagraphWithPipesButNoDelimiterRowIsNoTable() {
    #expect(MarkdownTable.find(in: ["a | b", "c | d"]) == nil)
    #expect(!MarkdownTable.looksLikeBrokenTable(["a | b", "c | d"]))
  }
}
