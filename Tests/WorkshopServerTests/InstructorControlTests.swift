import Foundation
import Testing
import WorkshopEngine
@testable import WorkshopServer

/// The instructor's controls as the state machine decides them: handing over the pace, opening a
/// lesson by number, and answers shown in the lesson file's letters.
@Suite struct InstructorControlTests {
  @Test func handingThePaceToLearnersKeepsEachOneWhereTheRoomWasAndTellsThem() throws {
    var h = Harness()
    _ = h.join(1, "Ana")
    _ = h.join(2, "Bob")
    h.command(InstructorCommand(.openLesson, lesson: "basics"))
    h.command(InstructorCommand(.next))
    #expect(h.answer(1, "capital", "b")?.type == .ack)

    let actions = h.command(InstructorCommand(.pace, pacing: .student))
    for conn in [1, 2] {
      let told = h.messages(to: conn, in: actions)
      #expect(told.first?.type == .paced && told.first?.pacing == .student, "learner \(conn) is told first")
      #expect(told.last?.item?.index == 1 && told.last?.item?.question?.id == "capital", "and stays on the question")
    }
    #expect(actions.contains { if case .announce(let line) = $0 { line.contains("from where the room was") } else { false } })
    // Bob had not answered when the question closed: at his own pace he still can.
    let bob = h.request(2, LearnerRequest(type: .answer, submission: "b1", question: "capital", input: "b"))
    #expect(bob.first?.type == .ack && bob.first?.outcome == .correct)
    #expect(h.request(2, LearnerRequest(type: .next)).first?.item?.question?.id == "sky", "he goes on from where he was")
    // Ana, who had answered, goes on from the question too, not from the lesson's first page.
    #expect(h.request(1, LearnerRequest(type: .next)).first?.item?.index == 2)

    // The same positions after a restart: the rule lives in `apply`.
    let replayed = try Classroom.replay(h.facts, course: Fixture.course())
    #expect(replayed.participants["ana"]?.position == h.room.participants["ana"]?.position)
    #expect(replayed.participants["bob"]?.position["basics"] == 2)

    // Taking the pace back tells them too; asking for the pace in force is refused.
    let back = h.command(InstructorCommand(.pace, pacing: .instructor))
    #expect(h.messages(to: 1, in: back).first?.pacing == .instructor)
    #expect(h.command(InstructorCommand(.pace, pacing: .instructor)).contains { if case .refused = $0 { true } else { false } })
  }

  @Test func aLessonOpensByIdOrNumberAndATypoGetsASuggestion() {
    var h = Harness()
    #expect(h.room.lesson(named: "1").map(\.id) == .success("basics"))
    #expect(h.room.lesson(named: "BASICS").map(\.id) == .success("basics"))
    #expect(h.room.lesson(named: "2").map(\.id) == .failure(InputProblem("there is no lesson 2: the course has 1, numbered from 1")))
    let typo = h.command(InstructorCommand(.openLesson, lesson: "basic"))
    #expect(typo == [.refused("no lesson `basic` in demo; did you mean `basics`?")])
    h.command(InstructorCommand(.openLesson, lesson: "1"))
    #expect(h.room.lessonID == "basics")
  }

  @Test func theRosterAndTheInstructorsScreenShowAnswersInTheLessonFilesLetters() throws {
    var h = Harness(policy: Policy(shuffle: true))
    // Two learners who see Paris (the authored B) under different letters.
    let lesson = Fixture.course().lessons[0]
    func letterOfParis(_ pid: String) -> String {
      let shown = Shuffler.presentation(for: Fixture.q1, learner: pid, shuffle: true).displayIndex(canonical: 1)!
      return Presentation.letter(shown)
    }
    let names = (1...40).map { "Learner \($0)" }
    let first = names[0]
    let second = try #require(
      names.dropFirst().first { letterOfParis(NameRules.slug($0)!) != letterOfParis(NameRules.slug(first)!) })
    _ = h.join(1, first)
    _ = h.join(2, second)
    h.command(InstructorCommand(.openLesson, lesson: lesson.id))
    h.command(InstructorCommand(.next))
    let pids = h.room.order
    #expect(h.answer(1, "capital", letterOfParis(pids[0]))?.type == .ack)
    #expect(h.answer(2, "capital", letterOfParis(pids[1]))?.type == .ack)

    let view = InstructorView.make(h.room, version: 1)
    #expect(view.people.map(\.answer) == ["B", "B"])
    let csv = LiveRoster.csv(h.room).split(separator: "\n").map(String.init)
    #expect(csv[0].contains(",answer_as_authored,") && csv[0].hasSuffix(",status"))
    let capital = csv.filter { $0.contains(",capital,") }
    #expect(capital.count == 2)
    #expect(capital.allSatisfy { $0.contains(",B,true,") && $0.hasSuffix(",answered") }, "\(capital)")
  }

  @Test func theRosterTellsASkipFromNoAnswer() {
    var h = Harness()
    _ = h.join(1, "Ana")
    _ = h.join(2, "Bob")
    h.command(InstructorCommand(.openLesson, lesson: "basics"))
    h.command(InstructorCommand(.next))
    #expect(h.request(1, LearnerRequest(type: .skip, question: "capital")).first?.type == .skipped)
    let rows = LiveRoster.csv(h.room).split(separator: "\n").filter { $0.contains(",capital,") }
    #expect(rows.first { $0.contains(",ana,") }?.hasSuffix(",skipped") == true, "\(rows)")
    #expect(rows.first { $0.contains(",bob,") }?.hasSuffix(",") == true, "\(rows)")
  }
}
