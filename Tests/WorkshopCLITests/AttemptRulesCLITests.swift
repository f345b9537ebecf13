import Foundation
import Testing
import WorkshopEngine
import WorkshopTestSupport

/// Reading a passed lesson again, the assessment's retake rules, and an exam's revisit and
/// submit, through the built binary with piped input.
@Suite(.serialized) struct AttemptRulesCLITests {
  static func flat(_ text: String) -> String {
    var s = text.replacingOccurrences(of: "\n", with: " ")
    while s.contains("  ") { s = s.replacingOccurrences(of: "  ", with: " ") }
    return s
  }

  @Test("a passed lesson opens for reading: own answers shown, no new attempt, result kept")
  func passedLessonOpensForReading() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let passed = try f.run(["start", "first-steps", "--learner", "ana"], input: ["", "b", "", "", "=next", ""])
    #expect(passed.stdout.contains("Score: 2 of 2 points (100%)."))
    let before = try f.journal().count
    let r = try f.run(["--learner", "ana"], input: ["1", "", "a", "", "", "", "menu"])
    #expect(r.status == 0, "\(r.stderr)")
    let text = Self.flat(r.stdout)
    #expect(text.contains("You have finished this lesson (passed, 100%). You are reading it again"))
    #expect(text.contains("Your answer: B ✓ Correct."))
    #expect(text.contains("You are reading this lesson again, so answers are not taken"))
    #expect(text.contains("End of your reading of First Steps."))
    #expect(!text.contains("new attempt"), "the menu keeps the result: \(text)")
    let after = try f.journal().dropFirst(before)
    #expect(!after.contains { [.lessonStarted, .answerSubmitted, .pageViewed, .lessonRestarted].contains($0.kind) })
    let list = try f.run(["list", "--learner", "ana"])
    #expect(Self.flat(list.stdout).contains("passed 100%"), "\(list.stdout)")
  }

  @Test("restart from reading asks first, then begins a new attempt and keeps the best result")
  func restartFromReading() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    _ = try f.run(["start", "first-steps", "--learner", "ana"], input: ["", "b", "", "", "=next", ""])
    let r = try f.run(["start", "first-steps", "--learner", "ana"], input: ["restart", "no", "restart", "yes", "", "a"])
    #expect(r.status == 0, "\(r.stderr)")
    let text = Self.flat(r.stdout)
    #expect(text.contains("Take this lesson again? Your best result so far is kept"))
    #expect(text.contains("Staying where you are."))
    #expect(text.contains("The lesson starts over."))
    #expect(text.contains("Not quite."), "the new attempt takes answers")
    let events = try f.journal()
    #expect(events.filter { $0.kind == .lessonRestarted }.count == 1)
    let menu = try f.run(["--learner", "ana"], input: ["menu"])
    #expect(Self.flat(menu.stdout).contains("passed, 100%; new attempt in progress"))
  }

  static let manifestWithAssessment =
    SessionFixture.manifest + "\nassessment: 03-check.md\n"

  static func assessment(policy: String, questions: Int = 2, draw: Int? = nil) -> String {
    var text = """
      ---
      id: check
      title: Check
      summary: Questions on the course.
      minutes: 2
      policy:
        mode: exam
      \(policy)
      """
    if let draw { text += "\ndraw: \(draw)" }
    text += "\n---\n## Before you start\nAnswer each question.\n"
    for n in 1...questions {
      text += """

        ```question
        id: check-\(n)
        type: truefalse
        prompt: Statement number \(n) is true.
        answer: true
        feedback:
          true: Right.
          false: It is true.
        explanation: Every statement here is true.
        ```

        """
    }
    return text
  }

  func assessmentFixture(policy: String, questions: Int = 2, draw: Int? = nil) throws -> SessionFixture {
    let f = try SessionFixture()
    try f.folder.write("lessons/fixture-course/course.yaml", Self.manifestWithAssessment)
    try f.folder.write(
      "lessons/fixture-course/03-check.md", Self.assessment(policy: policy, questions: questions, draw: draw))
    return f
  }

  @Test("an exam holds answers until submit: go back by number, change an answer, see flags and gaps")
  func examRevisitAndSubmit() throws {
    let f = try assessmentFixture(policy: "  skip: true\n  shuffle: false")
    defer { f.remove() }
    let r = try f.run(
      ["start", "check", "--learner", "ana"],
      input: ["", "flag", "f", "skip", "5", "1", "t", "2", "", "submit"])
    #expect(r.status == 0, "\(r.stderr)")
    let text = Self.flat(r.stdout)
    #expect(text.contains("Answer saved. You can change it until you submit the assessment."))
    #expect(text.contains("Flagged: this question is listed before you submit"))
    #expect(text.contains("Before you submit You have answered 1 of 2 questions."))
    #expect(text.contains("No answer yet: question 2. If you submit now, it scores no points."))
    #expect(text.contains("Flagged to look at again: question 1."))
    #expect(text.contains("There is no question 5"))
    #expect(text.contains("Your answer so far: False"))
    #expect(text.contains("Answer changed."))
    #expect(text.contains("End of assessment: Check"))
    #expect(text.contains("Score: 1 of 2 points (50%)."))
    let events = try f.journal()
    #expect(events.filter { $0.kind == .answerHeld }.map(\.raw) == ["f", "t"])
    let submitted = events.filter { $0.kind == .answerSubmitted }
    #expect(submitted.map(\.question) == ["check-1"])
    #expect(submitted.first?.outcome == .correct, "the changed answer is the one graded")
    #expect(events.filter { $0.kind == .questionSkipped }.map(\.question) == ["check-2"])
    #expect(events.last { $0.kind == .lessonCompleted }?.score == 0.5)
  }

  @Test("held exam answers survive quitting; coming back goes on to submitting")
  func heldAnswersResume() throws {
    let f = try assessmentFixture(policy: "  shuffle: false")
    defer { f.remove() }
    _ = try f.run(["start", "check", "--learner", "ana"], input: ["", "t", "t"])
    #expect(try f.journal().filter { $0.kind == .answerSubmitted }.isEmpty, "nothing is submitted before submit")
    let r = try f.run(["start", "check", "--learner", "ana"], input: ["submit"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(Self.flat(r.stdout).contains("You have answered 2 of 2 questions."))
    #expect(r.stdout.contains("Score: 2 of 2 points (100%)."))
  }

  @Test("retakes: a wait after a failed attempt, then a limit on attempts")
  func retakeRules() throws {
    let f = try assessmentFixture(policy: "  retakes: 1\n  retake_after: 24h\n  shuffle: false")
    defer { f.remove() }
    let day1 = ["WORKSHOP_NOW": "2026-12-01T09:00:00Z"]
    let failed = try f.run(["start", "check", "--learner", "ana"], input: ["", "f", "f", "submit"], environment: day1)
    let failedText = Self.flat(failed.stdout)
    #expect(failedText.contains("Not passed yet"))
    #expect(failedText.contains("You can take it again from 2026-12-02 09:0"), "\(failedText)")

    let tooSoon = try f.run(["start", "check", "--learner", "ana"], input: ["restart"], environment: ["WORKSHOP_NOW": "2026-12-01T20:00:00Z"])
    let soonText = Self.flat(tooSoon.stdout)
    #expect(soonText.contains("You are reading it again"), "a failed attempt is shown, not retaken: \(soonText)")
    #expect(soonText.contains("You can take it again from 2026-12-02"))
    #expect(try f.journal().filter { $0.kind == .lessonStarted }.count == 1)

    let later = ["WORKSHOP_NOW": "2026-12-02T10:00:00Z"]
    let retake = try f.run(["start", "check", "--learner", "ana"], input: ["", "f", "f", "submit"], environment: later)
    #expect(retake.stdout.contains("Statement number 1"), "the retake begins")
    #expect(Self.flat(retake.stdout).contains("You have used all 2 attempts the course allows"))

    let after = try f.run(["start", "check", "--learner", "ana"], input: ["restart"], environment: ["WORKSHOP_NOW": "2026-12-09T10:00:00Z"])
    #expect(Self.flat(after.stdout).contains("You have used all 2 attempts"))
    #expect(try f.journal().filter { $0.kind == .lessonCompleted }.count == 2)
    #expect(!(try f.journal()).contains { $0.kind == .lessonRestarted })
  }

  @Test("a retake draws questions not asked before while the pool has them")
  func retakeDrawsUnseenQuestions() throws {
    let f = try assessmentFixture(policy: "  shuffle: false", questions: 4, draw: 2)
    defer { f.remove() }
    _ = try f.run(["start", "check", "--learner", "ana"], input: ["", "f", "f", "submit"])
    _ = try f.run(["start", "check", "--learner", "ana"], input: [""])
    let draws = try f.journal().filter { $0.kind == .questionsDrawn }.map { Set($0.questions ?? []) }
    #expect(draws.count == 2)
    #expect(draws.count == 2 && draws[0].isDisjoint(with: draws[1]), "\(draws)")
  }

  @Test("a retake policy that cannot be read is a lint error")
  func badRetakePolicyIsALintError() throws {
    let f = try assessmentFixture(policy: "  retake_after: tomorrow\n  retakes: -1")
    defer { f.remove() }
    let r = try ProcessRunner.run(try BuiltProducts.workshop(), ["lint", f.lessons])
    #expect(r.status != 0)
    #expect(r.stdout.contains("'retake_after' must be a wait such as 30m, 24h or 7d") || r.stderr.contains("'retake_after' must be a wait"))
    #expect((r.stdout + r.stderr).contains("'retakes' must be 0 or more"))
  }

  static func lessonWithObjectives(_ numbers: (String, String)) -> String {
    SessionFixture.firstLesson
      .replacingOccurrences(
        of: "minutes: 4\n",
        with: "minutes: 4\nobjectives:\n  - Tell a permissive licence from a restrictive one.\n"
          + "  - Name the command that moves on.\n  - Explain why licences matter.\n")
      .replacingOccurrences(of: "id: pick-permissive\n", with: "id: pick-permissive\nobjectives: \(numbers.0)\n")
      .replacingOccurrences(of: "id: say-next\n", with: "id: say-next\nobjectives: \(numbers.1)\n")
  }

  @Test("the end of a lesson ticks off the objectives its questions showed")
  func objectivesCheckedOff() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    try f.folder.write("lessons/fixture-course/01-first-steps.md", Self.lessonWithObjectives(("[1]", "2")))
    let r = try f.run(["start", "first-steps", "--learner", "ana"], input: ["", "a", "a", "", "", "=next", ""])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("What you showed of this lesson's objectives:\n"))
    #expect(r.stdout.contains("  ✗ Tell a permissive licence from a restrictive one. (look again at question 1)\n"))
    #expect(r.stdout.contains("  ✓ Name the command that moves on.\n"))
    #expect(r.stdout.contains("  · Explain why licences matter. (no question in this attempt checks it)\n"))
    let plain = try f.run(["start", "second-lesson", "--learner", "bea", "--plain"], input: [])
    #expect(!plain.stdout.contains("What you showed"), "a lesson whose questions name no objective ticks nothing")
  }

  @Test("a question naming an objective the lesson does not list is a lint error")
  func objectiveOutOfRangeIsALintError() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    try f.folder.write("lessons/fixture-course/01-first-steps.md", Self.lessonWithObjectives(("[1, 4]", "two")))
    let r = try ProcessRunner.run(try BuiltProducts.workshop(), ["lint", f.lessons])
    let all = r.stdout + r.stderr
    #expect(r.status != 0)
    #expect(all.contains("objective 4 does not exist: the lesson lists 3 objectives"))
    #expect(all.contains("'objectives' lists objectives by number"))
  }

  @Test("a right answer that earns only part of the points says so")
  func partCreditIsSaid() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let r = try f.run(["start", "first-steps", "--learner", "ana"], input: ["", "a", "b"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(Self.flat(r.stdout).contains("Correct. It earns 0.5 of 1 point: later attempts and hints earn less."))
  }

  @Test("with one learner on the machine, Enter at the learner list picks them")
  func enterPicksTheOnlyLearner() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    _ = try f.run([], input: ["Bo Lind", "quit"])
    let r = try f.run([], input: ["", "quit"])
    #expect(r.stdout.contains("Press Enter to go on as Bo Lind, or type new to add a learner."))
    #expect(r.stdout.contains("Bo Lind."), "\(r.stdout)")
    #expect(r.stdout.contains("First Steps"), "the menu follows")
  }

  @Test("coming back to a question says the attempts and hints already used")
  func resumeSaysAttemptsAndHints() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    _ = try f.run(["start", "first-steps", "--learner", "ana"], input: ["", "a", "hint"])
    let r = try f.run(["start", "first-steps", "--learner", "ana"], input: ["progress", "b"])
    let text = Self.flat(r.stdout)
    #expect(text.contains("You have used 1 of 2 attempts, so the next is your last and you have seen 1 hint on this question."))
    #expect(text.components(separatedBy: "Which licence allows any use?").count == 3, "progress shows the question again")
    #expect(text.contains("Correct."))
  }

  @Test("progress after the end of a lesson keeps its end: restart still applies to it")
  func progressKeepsTheEndOfTheLesson() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let r = try f.run(["start", "second-lesson", "--learner", "ana"], input: ["", "f", "progress", "restart", "yes"])
    let text = Self.flat(r.stdout)
    #expect(!text.contains("Pick a lesson first"))
    #expect(text.contains("The lesson starts over."))
  }

  @Test("on a terminal, TAB completes flag in an exam and submit before submitting")
  func examWordsComplete() throws {
    let f = try assessmentFixture(policy: "  shuffle: false")
    defer { f.remove() }
    let t = try PseudoTerminal(
      try BuiltProducts.workshop(),
      ["start", "check", "--learner", "ana", "--lessons", f.lessons, "--progress", f.progress],
      environment: ["WORKSHOP_CACHE": f.cache])
    #expect(t.waitFor("> "))
    var mark = t.mark
    t.send("\r")
    #expect(t.waitFor("Statement number 1", after: mark))
    mark = t.mark
    t.send("fl\t\r")
    #expect(t.waitFor("Flagged:", after: mark))
    mark = t.mark
    t.send("t\r")
    #expect(t.waitFor("Statement number 2", after: mark))
    mark = t.mark
    t.send("t\r")
    #expect(t.waitFor("Flagged to look at again: question 1.", after: mark))
    mark = t.mark
    t.send("sub\t\r")
    #expect(t.waitFor("Score: 2 of 2 points (100%).", after: mark))
    t.send("\u{04}")
    #expect(t.waitForExit() == 0)
  }
}
