import Foundation
import Testing
import WorkshopEngine

/// `workshop lint` quotes the line a diagnostic points at: the line must be the one the loader
/// counted, whatever the file's byte-order mark and line endings.
@Suite struct SourceLinesTests {
  @Test("the quoted line is the one a diagnostic's line number names, with a BOM and CRLF endings")
  func quotesTheDiagnosticsLine() throws {
    let folder = try TemporaryFolder()
    try folder.write("course.yaml", "id: temp\ntitle: Temp\nlessons: [01-lesson.md]\n")
    let lesson = [
      "---", "id: lesson", "title: Lesson", "---", "", "```question", "id: q", "type: truefalse",
      "prompt: Is the sky green?", "answer: false", "explanation: It is not.", "bogus: 1", "```", "",
    ].joined(separator: "\r\n")
    try folder.write("01-lesson.md", bytes: [0xEF, 0xBB, 0xBF] + Array(lesson.utf8))

    let report = Linter.run(root: folder.path)
    let diagnostic = try #require(report.diagnostics.first { $0.message.contains("bogus") })
    var lines = SourceLines()
    #expect(lines.line(diagnostic.line, of: diagnostic.path) == "bogus: 1")
    #expect(lines.line(1, of: diagnostic.path) == "---")
    #expect(lines.line(0, of: diagnostic.path) == nil)
    #expect(lines.line(100, of: diagnostic.path) == nil)
    #expect(lines.line(1, of: folder.path + "/missing.md") == nil)
  }
}
