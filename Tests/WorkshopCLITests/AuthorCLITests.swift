import Foundation
import Testing
import WorkshopEngine
import WorkshopTestSupport

/// `workshop lint` and `workshop preview` as an author runs them.
@Suite struct AuthorCLITests {
  static let brokenLesson = """
    ---
    id: commits
    title: Commits
    ---

    ## Ids

    ```question
    id: commit-id-length
    type: numeric
    prompt: How many hexadecimal digits has a full commit id?
    answer: 32
    explanation: A SHA-1 id has 40 hex digits.
    examples:
      accept: ["40"]
    ```

    ```question
    id: broken
    type: order
    prompt: Put these in order.
    ```

    """

  func workshop(_ arguments: [String], in folder: TemporaryFolder) throws -> ProcessResult {
    try ProcessRunner.run(
      try BuiltProducts.workshop(), arguments,
      environment: ["WORKSHOP_CACHE": folder.file("cache"), "COLUMNS": "80"])
  }

  @Test func lintShowsTheLineWithACaretAndKeepsTheCompilerForm() throws {
    let folder = try TemporaryFolder(prefix: "workshop-lint")
    defer { folder.remove() }
    try folder.write("lessons/git/course.yaml", "id: git\ntitle: Git\nlessons: [01-commits.md]\n")
    try folder.write("lessons/git/01-commits.md", Self.brokenLesson)
    let result = try workshop(["lint", folder.file("lessons")], in: folder)
    #expect(result.status == 1)
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let keyLine = try #require(lines.firstIndex { $0.contains("accepted example '40'") }, "\(result.stdout)")
    #expect(lines[keyLine].hasPrefix(folder.file("lessons/git/01-commits.md") + ":15:"))
    #expect(lines[keyLine].contains(": error: "))
    #expect(lines[keyLine + 1] == "  15 |   accept: [\"40\"]")
    let caret = try #require(lines[keyLine + 2].firstIndex(of: "^"))
    let column = lines[keyLine + 2].distance(from: lines[keyLine + 2].startIndex, to: caret)
    #expect(lines[keyLine + 1].dropFirst(column).hasPrefix("\"40\"") || lines[keyLine + 1].dropFirst(column).hasPrefix("40"))
    #expect(result.stdout.contains("unknown question type 'order'"))
    #expect(result.stdout.contains("3 errors"))

    // --json is unchanged: diagnostics only, no excerpts.
    let json = try workshop(["lint", "--json", folder.file("lessons")], in: folder)
    #expect(!json.stdout.contains(" | "))
    #expect(json.stdout.contains("\"errors\":3"))
  }

  @Test func lintTakesOneLessonFile() throws {
    let folder = try TemporaryFolder(prefix: "workshop-lint")
    defer { folder.remove() }
    try folder.write(
      "lessons/git/course.yaml", "id: git\ntitle: Git\nlessons: [01-commits.md, 02-branches.md]\n")
    try folder.write("lessons/git/01-commits.md", Self.brokenLesson)
    try folder.write("lessons/git/02-branches.md", "---\nid: branches\ntitle: Branches\n---\n\nFine.\n")
    let good = try workshop(["lint", folder.file("lessons/git/02-branches.md")], in: folder)
    #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
    #expect(good.stdout.contains("1 lesson, 0 questions — 0 errors"))
    let bad = try workshop(["lint", folder.file("lessons/git/01-commits.md")], in: folder)
    #expect(bad.status == 1)
    #expect(bad.stdout.contains("3 errors"))
    #expect(!bad.stdout.contains("not a folder"))
  }

  @Test func previewShowsALessonAndOneQuestionWithoutAProfile() throws {
    let folder = try TemporaryFolder(prefix: "workshop-preview")
    defer { folder.remove() }
    let lessons = BuiltProducts.packageRoot.appendingPathComponent("lessons").path
    let progress = folder.file("progress")
    let page = try ProcessRunner.run(
      try BuiltProducts.workshop(),
      ["preview", "welcome", "--lessons", lessons, "--progress", progress],
      environment: ["WORKSHOP_CACHE": folder.file("cache"), "COLUMNS": "60"])
    #expect(page.status == 0, "\(page.stderr)")
    #expect(page.stdout.contains("Lesson 1 of 9: Welcome"))
    #expect(page.stdout.contains("What it does"))
    #expect(!page.stdout.contains("|---|"))
    #expect(page.stdout.split(separator: "\n").allSatisfy { $0.count <= 60 || $0.contains("://") })

    let question = try ProcessRunner.run(
      try BuiltProducts.workshop(),
      ["preview", "welcome/alliance-founders", "--answers", "--lessons", lessons],
      environment: ["WORKSHOP_CACHE": folder.file("cache")])
    #expect(question.status == 0, "\(question.stderr)")
    #expect(question.stdout.contains("Type the letter of your answer."))
    #expect(question.stdout.contains("The right answer:"))
    #expect(!question.stdout.contains("What it does"))
    #expect(!FileManager.default.fileExists(atPath: progress))

    let missing = try ProcessRunner.run(
      try BuiltProducts.workshop(), ["preview", "welcome/nope", "--lessons", lessons],
      environment: ["WORKSHOP_CACHE": folder.file("cache")])
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("has no question or page 'nope'"))
  }
}
