import Foundation
import Testing
import WorkshopEngine
import WorkshopTestSupport

/// The built binary with piped input runs whole lessons; output and journal are checked.
@Suite(.serialized) struct SessionPipedTests {
  @Test("right answers pass the lesson and every answer is in the journal")
  func rightAnswers() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let r = try f.run(
      ["start", "first-steps", "--learner", "Ana"], input: ["", "b", "", "", "=next", ""])
    #expect(r.status == 0)
    #expect(r.stdout.contains("Lesson 1 of 2: First Steps"))
    #expect(r.stdout.contains("link (https://example.org)"))
    #expect(r.stdout.contains("A. A restrictive licence"))
    #expect(r.stdout.contains("Correct."))
    #expect(r.stdout.contains("Score: 2 of 2 points (100%)."))
    #expect(r.stdout.contains("Passed"))
    #expect(r.stdout.contains("Next: lesson 2 of 2, \"Second Lesson\""))
    #expect(!r.stdout.contains("> "), "no prompts in piped output")
    #expect(!r.stdout.contains("\u{1B}"), "no escape sequences when output is not a terminal")
    let events = try f.journal()
    #expect(events.first?.kind == .sessionStarted)
    #expect(events.last?.kind == .sessionEnded)
    let answers = events.filter { $0.kind == .answerSubmitted }
    #expect(answers.map(\.question) == ["pick-permissive", "say-next"])
    #expect(answers.map(\.outcome) == [.correct, .correct])
    let done = events.first { $0.kind == .lessonCompleted }
    #expect(done?.passed == true && done?.score == 1)
  }

  /// Unicode folding comes from the engine's own tables in the learner's binary (no ICU): a name
  /// with accents gives a plain learner id, and a full-width answer is the plain word.
  @Test("an accented learner name and a full-width answer fold as they always did")
  func unicodeNameAndAnswer() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let r = try f.run(
      ["start", "first-steps", "--learner", "Jörg Ø'Neil"], input: ["", "b", "", "", "ＮＥＸＴ", ""])
    #expect(r.status == 0)
    #expect(r.stdout.contains("Score: 2 of 2 points (100%)."))
    let answers = try f.journal("jorg-o-neil").filter { $0.kind == .answerSubmitted }
    #expect(answers.map(\.outcome) == [.correct, .correct])
  }

  @Test("wrong answers, a hint and a skip are shown and journaled")
  func wrongHintSkip() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let r = try f.run(
      ["start", "first-steps", "--learner", "ana"],
      input: ["", "a", "hint", "c", "", "", "skip", "skip"])
    #expect(r.status == 0)
    #expect(r.stdout.contains("Not quite."))
    #expect(r.stdout.contains("A: It restricts what you may do."), "feedback names the choice by its letter")
    #expect(r.stdout.contains("Try again: attempt 2 of 2."))
    #expect(r.stdout.contains("Hint 1 of 2:"))
    #expect(r.stdout.contains("Think of the MIT licence."))
    #expect(r.stdout.contains("The right answer: B. A permissive licence"))
    #expect(r.stdout.contains("Not passed yet"))
    #expect(r.stdout.contains("You skipped this question."))
    let kinds = try f.journal().map(\.kind)
    #expect(kinds.contains(.hintShown))
    #expect(kinds.contains(.questionSkipped))
    #expect(kinds.filter { $0 == .answerSubmitted }.count == 2)
    let done = try f.journal().first { $0.kind == .lessonCompleted }
    #expect(done?.passed == false)
  }

  @Test("a skipped question comes back once before the lesson ends, and counts when answered")
  func skipComesBack() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let r = try f.run(
      ["start", "first-steps", "--learner", "ana"], input: ["", "skip", "", "=next", "", "b", ""])
    #expect(r.status == 0)
    #expect(r.stdout.contains("Left for later: this question comes back once before the lesson ends."))
    #expect(r.stdout.contains("One question still needs an answer before the lesson ends."))
    #expect(r.stdout.contains("Score: 2 of 2 points (100%)."))
    let events = try f.journal()
    #expect(!events.contains { $0.kind == .questionSkipped }, "leaving a question for later gives nothing up")
    #expect(events.filter { $0.kind == .answerSubmitted }.map(\.question) == ["say-next", "pick-permissive"])
    #expect(events.first { $0.kind == .lessonCompleted }?.passed == true)
  }

  @Test("skipping a question again when it comes back is final")
  func secondSkipIsFinal() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let r = try f.run(
      ["start", "first-steps", "--learner", "ana"], input: ["", "b", "", "", "skip", "skip"])
    #expect(r.status == 0)
    #expect(r.stdout.contains("skip again to leave it unanswered"))
    #expect(r.stdout.contains("Skipped. It scores no points"))
    let events = try f.journal()
    #expect(events.filter { $0.kind == .questionSkipped }.map(\.question) == ["say-next"])
    #expect(events.first { $0.kind == .lessonCompleted }?.score == 0.5)
  }

  @Test("a command word typed at a free-text question is refused with the = escape named")
  func commandWordAnswerNamesEscape() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let r = try f.run(
      ["start", "first-steps", "--learner", "ana"], input: ["", "b", "", "", "next", "hint", "=next"])
    #expect(r.status == 0)
    let text = r.stdout.replacingOccurrences(of: "\n", with: " ")
    #expect(
      text.contains("Type your answer first, or skip. If your answer is the word next, type =next."),
      "no hint is offered where the question has none")
    #expect(text.contains("This question has no hints. If your answer is the word hint, type =hint."))
    #expect(r.stdout.contains("Correct."))
    let answers = try f.journal().filter { $0.kind == .answerSubmitted }
    #expect(answers.map(\.question) == ["pick-permissive", "say-next"], "refused words used no attempt")
  }

  @Test("the menu keeps a passed lesson's best result beside a new attempt in progress")
  func menuKeepsBestResult() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let passed = try f.run(["start", "first-steps", "--learner", "ana"], input: ["", "b", "", "", "=next", ""])
    #expect(passed.stdout.contains("Score: 2 of 2 points (100%)."))
    let r = try f.run(["--learner", "ana"], input: ["1", "restart", "yes", "menu"])
    #expect(r.status == 0, "\(r.stderr)")
    let text = r.stdout.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "  ", with: " ")
    #expect(text.contains("passed, 100%; new attempt in progress, 0 of 2 answered"))
  }

  @Test("a lesson's objectives are shown when it starts")
  func objectivesAtTheStart() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    try f.folder.write(
      "lessons/fixture-course/01-first-steps.md",
      SessionFixture.firstLesson.replacingOccurrences(
        of: "minutes: 4\n", with: "minutes: 4\nobjectives:\n  - Tell a permissive licence from a restrictive one.\n"))
    let r = try f.run(["start", "first-steps", "--learner", "ana"], input: [])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("In this lesson you will learn to:\n  - Tell a permissive licence from a restrictive one.\n"))
  }

  @Test("the end of a lesson lists the required lessons still to pass when no lesson follows")
  func stillToPassAtTheEnd() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let r = try f.run(["start", "second-lesson", "--learner", "ana"], input: ["", "f", ""])
    #expect(r.status == 0)
    #expect(r.stdout.contains("Still to pass for the course:\n  1. First Steps (first-steps)"))
    #expect(!r.stdout.contains("Second Lesson (second-lesson)"), "the lesson just passed is not listed")
  }

  @Test("a failed assessment lists the lessons that teach the missed questions' topics")
  func failedAssessmentListsLessonsToRevisit() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    try f.folder.write(
      "lessons/fixture-course/course.yaml", SessionFixture.manifest + "\nassessment: 03-check.md\n")
    try f.folder.write(
      "lessons/fixture-course/02-second-lesson.md",
      SessionFixture.secondLesson.replacingOccurrences(of: "answer: false\n", with: "answer: false\ntags: [weights]\n"))
    try f.folder.write("lessons/fixture-course/03-check.md", Self.assessment)
    let r = try f.run(["start", "check", "--learner", "ana"], input: ["", "t", "submit", ""])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("Not passed yet"))
    #expect(r.stdout.contains("(they teach what you missed):\n  2. Second Lesson (second-lesson)\n\n"))
    #expect(r.stdout.contains("Still to pass for the course:\n  1. First Steps (first-steps)\n  2. Second Lesson (second-lesson)\n"))
  }

  static let assessment = """
    ---
    id: check
    title: Check
    summary: One question on the topics of the course.
    minutes: 1
    policy:
      mode: exam
    ---
    ## Before you start
    One question.
    ```question
    id: check-weights
    type: truefalse
    prompt: Open weights are always open source.
    answer: false
    feedback:
      true: Weights alone are not the whole system.
      false: Right.
    explanation: Open source also needs the data information and the code under open terms.
    tags: [weights]
    ```
    """

  @Test("when progress cannot be saved, the session says so, shows no feedback and exits 1")
  func journalWriteFails() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let first = try f.run(["start", "first-steps", "--learner", "ana"], input: [""])
    #expect(first.status == 0)
    let journal = f.progress + "/ana/journal.jsonl"
    let size = try #require(try FileManager.default.attributesOfItem(atPath: journal)[.size] as? Int)
    let before = try f.journal()

    // The journal may not grow: as on a full disk, the next write fails.
    let r = try ProcessRunner.run(
      "/usr/bin/prlimit",
      ["--fsize=\(size)", try BuiltProducts.workshop(), "start", "first-steps", "--learner", "ana",
       "--lessons", f.lessons, "--progress", f.progress],
      input: "b\n", environment: ["WORKSHOP_CACHE": f.cache])
    #expect(r.status == 1)
    #expect(r.stderr.contains("could not save your progress"))
    #expect(!r.stdout.contains("Correct."), "no feedback for an answer that was not saved")
    let after = try JournalReader.read(path: journal)
    #expect(after.warnings.isEmpty, "the journal is intact: \(after.warnings)")
    #expect(after.events == before)
  }

  @Test("quitting mid-lesson and coming back lands on the same question, attempts kept")
  func quitAndResume() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let first = try f.run(["start", "first-steps", "--learner", "ana"], input: ["", "a", "quit"])
    #expect(first.status == 0)
    #expect(first.stdout.contains("Your progress is saved."))

    let second = try f.run(["--learner", "ana"], input: ["", "a"])
    #expect(second.status == 0)
    #expect(second.stdout.contains("Welcome back, ana") || second.stdout.contains("Welcome back, Ana"))
    #expect(second.stdout.contains("in progress"))
    #expect(second.stdout.contains("Picking up where you left off: question 1 of 2."))
    #expect(second.stdout.contains("Which licence allows any use?"))
    // The first attempt was used in the first session: this wrong answer is the last one.
    #expect(second.stdout.contains("The right answer: B. A permissive licence"))
    let attempts = try f.journal().filter { $0.kind == .answerSubmitted }.map(\.attempt)
    #expect(attempts == [1, 2])
  }

  @Test("the end of piped input saves like Ctrl-D and exits 0")
  func endOfInput() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let r = try f.run(["continue", "--learner", "ana"], input: [""])
    #expect(r.status == 0)
    #expect(r.stdout.contains("Your progress is saved."))
    #expect(try f.journal().last?.kind == .sessionEnded)
  }

  @Test("--plain spells states out and prints no escape sequences, even with colour asked for")
  func plainMode() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let r = try f.run(
      ["start", "first-steps", "--learner", "ana", "--plain"], input: ["", "b", "help"],
      environment: ["TERM": "xterm-256color"])
    #expect(r.stdout.contains("Question 1 of 2. Choose one answer."))
    #expect(r.stdout.contains("Choice A: A restrictive licence"))
    #expect(r.stdout.contains("Correct."))
    #expect(!r.stdout.contains("\u{1B}"))
    #expect(!r.stdout.contains("✓") && !r.stdout.contains("·") && !r.stdout.contains("│"))
  }

  @Test("a new learner is asked for a name once; the menu lists lessons with their state")
  func newLearnerAndMenu() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let r = try f.run([], input: ["Bo Lind", "quit"])
    #expect(r.stdout.contains("What shall I call you?"))
    #expect(r.stdout.contains("Hello, Bo Lind."))
    #expect(r.stdout.contains("First Steps"))
    #expect(r.stdout.contains("not started"))
    #expect(r.stdout.contains("about 4 minutes"))
    let again = try f.run([], input: ["1", "quit"])
    #expect(again.stdout.contains("Who is learning today?"))
    #expect(again.stdout.contains("1. Bo Lind"))
    #expect(again.stdout.contains("Welcome back, Bo Lind.") || again.stdout.contains("Hello, Bo Lind."))
  }

  @Test("an unknown lesson id is an error with exit status 1")
  func unknownLesson() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let r = try f.run(["start", "no-such-lesson", "--learner", "ana"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("no-such-lesson"))
  }

  @Test("each session command has --help")
  func help() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    for command in ["start", "learn", "continue"] {
      let r = try ProcessRunner.run(try BuiltProducts.workshop(), [command, "--help"])
      #expect(r.status == 0)
      #expect(r.stdout.contains("--plain"))
      #expect(r.stdout.contains("--learner"))
      #expect(r.stdout.contains("--lessons"))
    }
  }
}
