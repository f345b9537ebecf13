import Foundation
import Testing
import WorkshopTestSupport

/// `workshop lint` as an author meets the item-writing checks: a warning that names its check,
/// exit 0 without `--strict`, exit 1 with it.
@Suite struct LintCLITests {
  private func pack() throws -> TemporaryFolder {
    let folder = try TemporaryFolder(prefix: "workshop-lint")
    try folder.write("course.yaml", "id: temp\ntitle: Temp\nlessons: [01-lesson.md]\n")
    try folder.write(
      "01-lesson.md",
      """
      ---
      id: lesson
      title: Lesson
      ---

      ## Page

      Text.

      ```question
      id: q1
      type: single
      prompt: Which one?
      explanation: Because.
      choices:
        - text: Publish the weights with the full training code and data
          correct: true
        - text: Keep it
          feedback: No.
        - text: All of the above
          feedback: No.
      ```

      """)
    return folder
  }

  @Test func itemWritingWarningsFailOnlyWithStrict() throws {
    let folder = try pack()
    defer { folder.remove() }
    let plain = try ProcessRunner.run(try BuiltProducts.workshop(), ["lint", folder.path])
    #expect(plain.status == 0, "\(plain.stdout)\(plain.stderr)")
    #expect(plain.stdout.contains("01-lesson.md:16:11: warning: the keyed choice of question 'q1' is"))
    #expect(plain.stdout.contains("[key-length]"))
    #expect(plain.stdout.contains("01-lesson.md:20:11: warning: choice 'All of the above'"))
    #expect(plain.stdout.contains("0 errors, 2 warnings"))
    let strict = try ProcessRunner.run(try BuiltProducts.workshop(), ["lint", "--strict", folder.path])
    #expect(strict.status == 1)
    #expect(strict.stdout.contains("[catch-all-choice]"))
  }
}
