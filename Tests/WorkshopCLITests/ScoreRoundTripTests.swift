import Foundation
import Testing
import WorkshopEngine
import WorkshopTestSupport

/// The built binary end to end: a learner's piped session, the journal it writes, the record
/// `export` builds from it and `verify` all agree on the score.
@Suite(.serialized) struct ScoreRoundTripTests {
  static let selectAll = """
    ---
    id: second-lesson
    title: Second Lesson
    summary: Select all that apply.
    minutes: 2
    ---

    ```question
    id: open-licences
    type: multiple
    prompt: Which licences are open?
    choices:
      - text: MIT
        correct: true
      - text: Apache-2.0
        correct: true
      - text: Proprietary
    explanation: MIT and Apache-2.0 are open licences.
    ```

    """

  @Test("partly right, then worse, then finish: the screen, the record and verify agree")
  func partlyRightThenWorse() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    try f.folder.write("lessons/fixture-course/02-second-lesson.md", Self.selectAll)
    let session = try f.run(["start", "second-lesson", "--learner", "Ana"], input: ["a", "c", ""])
    #expect(session.status == 0, "\(session.stderr)")
    #expect(session.stdout.contains("Partly right."))
    // The partial answer's half point counts, not the worse second try.
    #expect(session.stdout.contains("Score: 0.5 of 1 points (50%)."))
    let completed = try #require(try f.journal().last { $0.kind == .lessonCompleted })
    #expect(completed.score == 0.5)

    let out = f.folder.file("ana.json")
    let export = try f.run(["export", "--learner", "ana", "--course", "fixture-course", "--out", out])
    #expect(export.status == 0, "\(export.stderr)")
    let record = try String(contentsOfFile: out, encoding: .utf8)
    #expect(record.contains(#""score":0.5"#))
    let verify = try f.run(["verify", out])
    #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
  }
}
