import Foundation
import Testing
import WorkshopEngine
@testable import WorkshopTerminal

/// Each question type as the session shows and grades it.
@Suite struct QuestionTypeSessionTests {
  func session(_ q: Question, policy: Policy = Policy(shuffle: false)) throws -> SessionDriver {
    let lesson = SampleCourse.lesson(policy: policy, items: [.question(q)])
    var s = SessionDriver(course: SampleCourse.course([lesson]))
    try s.start()
    s.send("1")
    return s
  }

  @Test("select all that apply: partial credit is said in words and may be retried")
  func multiple() throws {
    let q = Question(
      id: "many", prompt: "Pick the open ones.",
      body: .multiple([
        .init(text: "MIT", correct: true), .init(text: "Apache-2.0", correct: true),
        .init(text: "Proprietary", correct: false, feedback: "Not open."),
      ]), explanation: "MIT and Apache are open licences.", digest: "d-many")
    var s = try session(q)
    #expect(s.transcript.contains("Question 1 of 1. Select all that apply."))
    let partial = s.send("a")
    #expect(partial.contains("Partly right."))
    #expect(partial.contains("Try again: attempt 2 of 2."))
    let right = s.send("a, b")
    #expect(right.contains("Correct."))
    #expect(s.events.last?.response == .choices([0, 1]))
  }

  @Test("numeric answers accept the usual ways of writing a number")
  func numeric() throws {
    let q = Question(
      id: "n", prompt: "How many?", body: .numeric(.init(rule: .exact(1000))),
      explanation: "A thousand.", digest: "d-n")
    var s = try session(q)
    #expect(s.transcript.contains("Type a number."))
    #expect(s.send("1,000").contains("Correct."))
  }

  @Test("ordering lists the items by number and shows the right order when missed")
  func ordering() throws {
    let q = Question(
      id: "o", prompt: "Put in order.", body: .ordering(items: ["first", "second", "third"]),
      explanation: "That is the order.", digest: "d-o")
    var s = try session(q, policy: Policy(attempts: 1, shuffle: false))
    #expect(s.transcript.contains("Item 1:"))
    let p = Shuffler.presentation(for: q, learner: s.controller.learner!.id.rawValue, shuffle: false)
    let right = (0..<3).map { String(p.order.firstIndex(of: $0)! + 1) }.joined(separator: " ")
    let wrong = right == "1 2 3" ? "3 2 1" : "1 2 3"
    let text = s.send(wrong)
    #expect(text.contains("Not quite."))
    #expect(text.contains("The right answer: \(right)"))
  }

  @Test("matching shows both columns and takes letter-number pairs")
  func matching() throws {
    let q = Question(
      id: "m", prompt: "Match them.",
      body: .matching(pairs: [.init(left: "cat", right: "meow"), .init(left: "dog", right: "woof")]),
      explanation: "Animals.", digest: "d-m")
    var s = try session(q)
    #expect(s.transcript.contains("Match each of these:"))
    #expect(s.transcript.contains("Item a: cat"))
    let p = Shuffler.presentation(for: q, learner: s.controller.learner!.id.rawValue, shuffle: false)
    let answer = "a-\(p.order.firstIndex(of: 0)! + 1) b-\(p.order.firstIndex(of: 1)! + 1)"
    #expect(s.send(answer).contains("Correct."))
  }

  @Test("a hint that costs points says so; no more hints after the last")
  func hintCost() throws {
    var s = try session(SampleCourse.single, policy: Policy(hintCost: 0.25, shuffle: false))
    #expect(s.transcript.contains("A hint costs 25% of this question's points."), "the cost is told before a hint is taken")
    #expect(s.send("hint").contains("Each hint takes 25% of this question's points."))
    #expect(!s.send("hint").contains("Each hint takes"), "and not again after every hint")
    #expect(s.send("hint").contains("That was the last hint."))
    s.send("b")
    #expect(s.events.last { $0.kind == .answerSubmitted }?.earned == 0.5)
  }

  @Test("restart asks first, then starts the lesson over")
  func restart() throws {
    var s = try session(SampleCourse.single)
    s.send("a")
    #expect(s.send("restart").contains("Type yes to start over"))
    #expect(s.send("no").contains("Staying where you are."))
    s.send("restart")
    let text = s.send("yes")
    #expect(text.contains("The lesson starts over."))
    #expect(s.kinds.contains(.lessonRestarted))
    #expect(s.send("a").contains("Try again: attempt 2 of 2."), "attempts count afresh")
  }

  @Test("unknown colon words and commands out of place get a calm explanation")
  func misplaced() throws {
    var s = try session(SampleCourse.single)
    #expect(s.send(":frobnicate").contains("is not a command"))
    #expect(s.send("back").contains("This is the start of the lesson."))
    #expect(s.send("next").contains("Type your answer first"))
  }
}
