import Foundation
import WorkshopEngine
import WorkshopTestSupport

/// A two-lesson course written to a temporary folder, plus a progress folder, for running the
/// built `workshop` against.
struct SessionFixture {
  let folder: TemporaryFolder
  var lessons: String { folder.file("lessons") }
  var progress: String { folder.file("progress") }
  /// The lesson snapshot cache, kept inside the fixture so tests leave nothing behind.
  var cache: String { folder.file("cache") }

  init() throws {
    folder = try TemporaryFolder(prefix: "workshop-session")
    try folder.write("lessons/fixture-course/course.yaml", Self.manifest)
    try folder.write("lessons/fixture-course/01-first-steps.md", Self.firstLesson)
    try folder.write("lessons/fixture-course/02-second-lesson.md", Self.secondLesson)
  }

  /// Runs `workshop` with these folders; `input` is what the learner types, one line each.
  func run(_ arguments: [String], input: [String] = [], environment: [String: String] = [:])
    throws -> ProcessResult
  {
    let text = input.map { $0 + "\n" }.joined()
    return try ProcessRunner.run(
      try BuiltProducts.workshop(), arguments + ["--lessons", lessons, "--progress", progress],
      input: text, environment: environment.merging(["WORKSHOP_CACHE": cache]) { a, _ in a })
  }

  func journal(_ learner: String = "ana") throws -> [JournalEvent] {
    try JournalReader.read(path: progress + "/\(learner)/journal.jsonl").events
  }

  func remove() { folder.remove() }

  static let manifest = """
    id: fixture-course
    title: Fixture Course
    version: 1.0.0
    description: A course for testing the session.
    language: en
    lessons:
      - 01-first-steps.md
      - 02-second-lesson.md
    policy:
      attempts: 2
      credit: [1.0, 0.5]
      pass_mark: 0.7
      shuffle: false
    """

  static let firstLesson = """
    ---
    id: first-steps
    title: First Steps
    summary: Reading and answering.
    minutes: 4
    ---

    ## Reading

    Some *reading* about `licences`, with a [link](https://example.org).

    ```question
    id: pick-permissive
    type: single
    prompt: Which licence allows any use?
    choices:
      - text: A restrictive licence
        feedback: It restricts what you may do.
      - text: A permissive licence
        correct: true
        feedback: Right, it allows any use.
      - text: No licence
        feedback: Without a licence nothing is allowed.
    explanation: Permissive licences allow any use, commercial use included.
    hints:
      - Think of the MIT licence.
      - It is the second choice.
    ```

    ## More reading

    A second page.

    ```question
    id: say-next
    type: short
    prompt: Which command moves on?
    answers: [next]
    explanation: The command that moves on is next.
    ```

    """

  static let secondLesson = """
    ---
    id: second-lesson
    title: Second Lesson
    summary: One more question.
    minutes: 2
    ---

    ## Only page

    Almost done.

    ```question
    id: open-weights
    type: truefalse
    prompt: Open weights are the same as open source.
    answer: false
    feedback:
      true: They are not the same.
      false: Right.
    explanation: Open source also needs a licence that allows any use.
    ```

    """
}
