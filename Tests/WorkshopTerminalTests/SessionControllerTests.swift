import Foundation
import Testing
import WorkshopEngine
@testable import WorkshopTerminal

@Suite struct SessionControllerTests {
  @Test("a known learner is greeted and sees the menu with each lesson's state")
  func menuOnStart() throws {
    var s = SessionDriver()
    let text = try s.start()
    #expect(text.contains("Hello, Ana."))
    #expect(text.contains("Sample Course"))
    #expect(text.contains("1. Basics. Not started. About 5 minutes."))
    #expect(s.kinds == [.sessionStarted])
  }

  @Test("opening a lesson journals its start and the first page, and shows the position")
  func openLesson() throws {
    var s = SessionDriver()
    try s.start()
    let text = s.send("1")
    #expect(s.kinds == [.sessionStarted, .lessonStarted, .pageViewed])
    #expect(s.events[1].lesson == "basics" && s.events[1].course == "sample")
    #expect(s.events[2].page == "intro")
    #expect(text.contains("Lesson 1 of 2: Basics. About 5 minutes."))
    #expect(text.contains("Page 1 of 2."))
    #expect(text.contains("Some reading with `code`."))
  }

  @Test("a wrong answer costs an attempt and offers a hint; the right one shows the explanation")
  func wrongThenRight() throws {
    var s = SessionDriver()
    try s.start()
    s.send("basics")
    let question = s.send("")
    #expect(question.contains("Question 1 of 2. Choose one answer."))
    #expect(question.contains("Choice A: A restrictive one"))
    #expect(question.contains("Choice B: A permissive one"))

    let wrong = s.send("a")
    #expect(wrong.contains("Not quite."))
    #expect(wrong.contains("It restricts use."))
    #expect(wrong.contains("Try again: attempt 2 of 2. Type hint for a hint."))
    #expect(!wrong.contains("Permissive licences allow any use."))

    let hint = s.send("hint")
    #expect(hint.contains("Hint 1 of 2:"))
    #expect(hint.contains("Think of MIT."))

    let right = s.send("B")
    #expect(right.contains("Correct."))
    #expect(right.contains("Permissive licences allow any use."))
    let answers = s.events.filter { $0.kind == .answerSubmitted }
    #expect(answers.map(\.attempt) == [1, 2])
    #expect(answers.map(\.outcome) == [.wrong, .correct])
    #expect(answers[1].earned == 0.5)
    #expect(answers[1].response == .choices([1]))
    #expect(answers[1].questionDigest == "d-single")
    #expect(s.events.contains { $0.kind == .hintShown && $0.hint == 1 && $0.question == "pick-one" })
  }

  @Test("a malformed answer shows why and costs no attempt")
  func malformedAnswer() throws {
    var s = SessionDriver()
    try s.start()
    s.send("1")
    s.send("")
    let before = s.events.count
    let text = s.send("zz")
    #expect(text.contains("did not use an attempt"))
    #expect(s.events.count == before)
  }

  @Test("a command word is a command; =word answers a free-text question with it")
  func commandsAndAnswers() throws {
    var s = SessionDriver()
    try s.start()
    s.send("1")
    s.send("")
    s.send("b")
    s.send("")  // after feedback
    s.send("")  // second page
    let next = s.send("next")
    #expect(next.contains("Type your answer first"))
    #expect(!s.events.contains { $0.question == "say-next" && $0.kind == .answerSubmitted })
    let answered = s.send("=next")
    #expect(answered.contains("Correct."))
    #expect(s.events.last { $0.kind == .answerSubmitted }?.raw == "=next")
    let help = s.send(":help").replacingOccurrences(of: "\n", with: " ")
    #expect(help.contains("start it with =, as in =next"))
  }

  @Test("the end of a lesson reports the score, the missed questions and what comes next")
  func endOfLesson() throws {
    var s = SessionDriver()
    try s.start()
    s.send("1")
    s.send("")
    s.send("a")
    s.send("c")  // both attempts wrong
    s.send("")
    s.send("")
    s.send("next ")  // still a command: surrounding spaces do not matter
    let later = s.send("skip")  // the last question: left for later, it comes straight back
    #expect(later.contains("One question still needs an answer before the lesson ends."))
    let end = s.send("skip")  // skipped again: final, and the lesson ends
    #expect(s.events.last?.kind == .lessonCompleted)
    #expect(s.events.last?.score == 0)
    #expect(s.events.last?.passed == false)
    #expect(end.contains("Score: 0 of 2 points (0%)."))
    #expect(end.contains("Not passed yet (the pass mark is 70%)."))
    #expect(end.contains("The right answer: B. A permissive one"))
    #expect(end.contains("You skipped this question."))
    #expect(end.contains("Next: lesson 2 of 2"))
    let second = s.send("")
    #expect(second.contains("Lesson 2 of 2: Basics."))
  }

  @Test("exam mode holds feedback until the end of the lesson")
  func examMode() throws {
    let exam = Policy(mode: .exam, shuffle: false)
    let lesson = SampleCourse.lesson(
      policy: exam, items: [.question(SampleCourse.single), .question(SampleCourse.truth)])
    var s = SessionDriver(course: SampleCourse.course([lesson]))
    try s.start()
    let first = s.send("1")
    #expect(first.contains("Exam mode"))
    let afterFirst = s.send("a")
    #expect(afterFirst.contains("Answer saved."))
    #expect(!afterFirst.contains("Not quite."))
    #expect(afterFirst.contains("Question 2 of 2. True or false."))
    let confirm = s.send("false")  // after the last answer, the learner confirms submission
    #expect(confirm.contains("You have answered 2 of 2 questions."))
    #expect(!s.kinds.contains(.answerSubmitted), "nothing is graded before submitting")
    let end = s.send("submit")
    #expect(end.contains("Question 1: not right."))
    #expect(end.contains("Question 2: correct."))
    #expect(end.contains("Permissive licences allow any use."))
  }

  @Test("skipping and hints follow the policy")
  func policyLimits() throws {
    let strict = Policy(hintsAllowed: false, skipAllowed: false, shuffle: false)
    let lesson = SampleCourse.lesson(policy: strict, items: [.question(SampleCourse.single)])
    var s = SessionDriver(course: SampleCourse.course([lesson]))
    try s.start()
    s.send("1")
    #expect(s.send("skip").contains("Skipping is turned off"))
    #expect(s.send("hint").contains("Hints are turned off"))
    #expect(!s.kinds.contains(.questionSkipped) && !s.kinds.contains(.hintShown))
  }

  @Test("quit records the end of the session and exits with status 0")
  func quit() throws {
    var s = SessionDriver()
    try s.start()
    s.send("1")
    let text = s.send("quit")
    #expect(text.contains("Your progress is saved."))
    #expect(s.kinds.last == .sessionEnded)
    #expect(s.exitStatus == 0)
  }

  @Test("back returns to the previous page and repeat shows the item again without journaling")
  func backAndRepeat() throws {
    var s = SessionDriver()
    try s.start()
    s.send("1")
    s.send("")
    let back = s.send("back")
    #expect(back.contains("Page 1 of 2."))
    let count = s.events.count
    let again = s.send("repeat")
    #expect(again.contains("Page 1 of 2."))
    #expect(s.events.count == count)
  }

  @Test("lesson text cannot send escape sequences, and plain mode sends none of its own")
  func sanitizedPlainOutput() throws {
    let page = Page(id: "evil", title: "Evil", markdown: "## Evil\n\nHello \u{1B}[2J\u{1B}]0;title\u{07}world", line: 1)
    let lesson = SampleCourse.lesson(items: [.page(page), .question(SampleCourse.single)])
    var s = SessionDriver(course: SampleCourse.course([lesson]))
    try s.start()
    s.send("1")
    s.send("")
    s.send("help")
    s.send("b")
    s.send("")
    #expect(s.transcript.contains("Hello world"))
    #expect(!s.transcript.contains("\u{1B}"))
    #expect(!s.transcript.contains("✓") && !s.transcript.contains("•"))
  }

  @Test("with colour on, verdicts are still written in words")
  func colourKeepsWords() throws {
    var s = SessionDriver(theme: Theme(color: true, plain: false))
    try s.start()
    s.send("1")
    s.send("")
    let text = s.send("a")
    #expect(text.contains("\u{1B}["))
    #expect(text.contains("Not quite."))
  }

  @Test("TAB offers commands, lesson ids in the menu, and choice letters at a question")
  func completionWords() throws {
    var s = SessionDriver()
    try s.start()
    #expect(s.controller.completionWords.contains("basics"))
    #expect(s.controller.completionWords.contains("continue"))
    s.send("1")
    s.send("")
    let words = s.controller.completionWords
    #expect(words.contains("hint") && words.contains("a") && words.contains("c"))
    #expect(!words.contains("d"))
  }

  @Test("a new learner is asked for a name and the session asks the host to create them")
  func newLearner() {
    var c = SessionController(
      library: SampleCourse.library(), options: SessionOptions(theme: .plainText, width: 80))
    let first = c.start()
    #expect(first.text.contains("What shall I call you?"))
    let out = c.handle(line: "  Ana María ")
    #expect(out.request == .createLearner(name: "Ana María"))
  }
}

@Suite struct AssessmentDrawSessionTests {
  static func assessment() -> Lesson {
    let questions = (1...4).map { i in
      Question(
        id: "q\(i)", prompt: "Question number \(i)?",
        body: .trueFalse(answer: true, feedbackTrue: nil, feedbackFalse: nil),
        explanation: "Because.", digest: "d\(i)")
    }
    return Lesson(
      id: "final", title: "Final", summary: "", objectives: [], estimatedMinutes: 10,
      kind: .assessment, required: true, policy: Policy(mode: .exam, shuffle: false), draw: 3,
      items: questions.map(LessonItem.question), path: "final.md", digest: "d-final")
  }

  @Test("a resumed assessment asks the same drawn questions in the same order")
  func resumedDraw() throws {
    let course = SampleCourse.course([Self.assessment()])
    var first = SessionDriver(course: course)
    try first.start()
    first.send("final")
    first.send("t")
    first.send("quit")
    let ids = try #require(first.events.first { $0.kind == .questionsDrawn }?.questions)
    var summary = JournalSummary()
    for event in first.events { summary.apply(event) }
    var second = SessionDriver(course: course)
    try second.start(summary: summary)
    let text = second.send("continue")
    #expect(!second.kinds.contains(.questionsDrawn), "no second draw")
    #expect(text.contains("Question 2 of 3."))
    #expect(text.contains("Question number \(ids[1].dropFirst())?"))
    second.send("t")
    second.send("t")
    second.send("submit")
    #expect(
      second.events.filter { $0.kind == .answerSubmitted }.compactMap(\.question).sorted() == ids.compactMap { $0 }.sorted(),
      "the answer held in the first session is submitted with the others")
  }

  @Test("an assessment with draw asks the drawn questions and journals the draw")
  func drawn() throws {
    let questions = (1...4).map { i in
      Question(
        id: "q\(i)", prompt: "Question number \(i)?",
        body: .trueFalse(answer: true, feedbackTrue: nil, feedbackFalse: nil),
        explanation: "Because.", digest: "d\(i)")
    }
    let lesson = Lesson(
      id: "final", title: "Final", summary: "", objectives: [], estimatedMinutes: 10,
      kind: .assessment, required: true, policy: Policy(mode: .exam, shuffle: false), draw: 2,
      items: questions.map(LessonItem.question), path: "final.md", digest: "d-final")
    var s = SessionDriver(course: SampleCourse.course([lesson]))
    try s.start()
    let text = s.send("final")
    let draw = try #require(s.events.first { $0.kind == .questionsDrawn })
    let ids = try #require(draw.questions)
    #expect(ids.count == 2)
    #expect(Set(ids).isSubset(of: ["q1", "q2", "q3", "q4"]))
    #expect(text.contains("Assessment 1 of 1: Final."))
    #expect(text.contains("Question 1 of 2. True or false."))
    #expect(text.contains("Question number \(ids[0].dropFirst())?"))
    s.send("t")
    s.send("t")
    let end = s.send("submit")
    #expect(end.contains("Score: 2 of 2 points (100%)."))
    #expect(s.events.filter { $0.kind == .answerSubmitted }.map(\.question) == ids)
  }
}

@Suite struct SessionResumeTests {
  /// A second session fed the first one's journal.
  func resumed(after lines: [String], course: Course = SampleCourse.course()) throws -> (SessionDriver, String) {
    var first = SessionDriver(course: course)
    try first.start()
    for line in lines { first.send(line) }
    first.send("quit")
    var summary = JournalSummary()
    for event in first.events { summary.apply(event) }
    var second = SessionDriver(course: course)
    let text = try second.start(summary: summary)
    return (second, text)
  }

  @Test("a returning learner is offered the lesson in progress and lands on the open question")
  func resumeAtQuestion() throws {
    var (s, welcome) = try resumed(after: ["1", "", "a"])
    #expect(welcome.contains("Welcome back, Ana."))
    #expect(welcome.contains("In progress, 0 of 2 answered."))
    #expect(welcome.contains("continue \"Basics\" where you left off"))
    let text = s.send("")
    #expect(text.contains("Picking up where you left off: question 1 of 2."))
    #expect(text.contains("Which licence forbids nothing?"))
    #expect(!s.kinds.contains(.lessonStarted), "resuming does not start a new attempt")
    // One attempt was used before: this wrong answer is the last.
    let last = s.send("c")
    #expect(last.contains("The right answer: B."))
    #expect(s.events.last { $0.kind == .answerSubmitted }?.attempt == 2)
  }

  @Test("a learner who stopped at a question they had not answered comes back to it, not the page before")
  func resumeAtUnansweredQuestion() throws {
    var (s, _) = try resumed(after: ["1", ""])
    let text = s.send("continue")
    #expect(text.contains("Picking up where you left off: question 1 of 2."))
    #expect(text.contains("Which licence forbids nothing?"))
  }

  @Test("a learner who stopped on a page comes back to that page")
  func resumeAtPage() throws {
    var (s, _) = try resumed(after: ["1", "", "b", ""])
    let text = s.send("continue")
    #expect(text.contains("Picking up where you left off: page 2 of 2."))
    #expect(text.contains("More reading."))
  }

  @Test("`workshop continue` goes straight to the open question")
  func continueAtStart() throws {
    var first = SessionDriver()
    try first.start()
    for line in ["1", "", "b", "", "", "stop"] { first.send(line) }
    var summary = JournalSummary()
    for event in first.events { summary.apply(event) }
    var second = SessionDriver()
    let text = second.record(
      second.controller.start(learner: try SampleCourse.learner(), summary: summary, resume: true))
    #expect(text.contains("Question 2 of 2. Short answer."))
    #expect(text.contains("Which word moves on?"))
  }

  @Test("finishing every required lesson completes the course and points to export")
  func courseCompleted() throws {
    let lesson = SampleCourse.lesson(items: [.question(SampleCourse.truth)])
    var s = SessionDriver(course: SampleCourse.course([lesson]))
    try s.start()
    s.send("1")
    s.send("false")
    let end = s.send("")
    #expect(end.contains("Passed"))
    #expect(end.contains("Course completed: Sample Course"))
    #expect(end.contains("1. Basics. Passed, 100%. About 5 minutes."))
    // The real command, with the learner and the course, not a promise of one.
    #expect(end.contains("workshop export --learner"))
    #expect(end.contains("--course sample"))
    #expect(end.contains("--format html"))
    #expect(!end.contains("once it is available"))
  }
}

@Suite struct SaveOrderTests {
  @Test("answers, hints and skips are saved before their feedback; page views may follow it")
  func saveBeforeShowing() throws {
    var c = SessionController(
      library: SampleCourse.library(), options: SessionOptions(theme: .plainText, width: 80))
    let start = c.start(learner: try SampleCourse.learner(), summary: JournalSummary())
    #expect(start.saveBeforeShowing == 0)
    let open = c.handle(line: "1")
    #expect(open.events.map(\.kind) == [.lessonStarted, .pageViewed])
    #expect(open.saveBeforeShowing == 0)
    _ = c.handle(line: "")
    let hint = c.handle(line: "hint")
    #expect(hint.saveBeforeShowing == 1)
    let answer = c.handle(line: "b")
    #expect(answer.events.map(\.kind) == [.answerSubmitted])
    #expect(answer.saveBeforeShowing == 1)
    _ = c.handle(line: "")
    _ = c.handle(line: "")
    let later = c.handle(line: "skip")
    #expect(!later.events.contains { $0.kind == .questionSkipped }, "left for later: nothing given up yet")
    #expect(later.saveBeforeShowing == 0)
    let skip = c.handle(line: "skip")
    #expect(skip.events.map(\.kind) == [.questionSkipped, .lessonCompleted])
    #expect(skip.saveBeforeShowing == 2)
  }
}
