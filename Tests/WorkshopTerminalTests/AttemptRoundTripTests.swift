import Foundation
import Testing
import WorkshopEngine
import WorkshopRecords
@testable import WorkshopTerminal

/// What the learner is told at the end of a lesson must be what the exported record says and
/// what `verify` recomputes from the responses.
@Suite struct AttemptRoundTripTests {
  static let many = Question(
    id: "many", prompt: "Pick the open ones.",
    body: .multiple([
      .init(text: "MIT", correct: true), .init(text: "Apache-2.0", correct: true),
      .init(text: "Proprietary", correct: false),
    ]), explanation: "MIT and Apache are open licences.", digest: "d-many")

  static func record(_ events: [JournalEvent], course: Course) -> CompletionRecord {
    RecordBuilder.build(
      events: events, course: course,
      learner: .init(id: "opaque", name: "Ana", pseudonymous: false),
      generatedAt: "2027-01-15T00:00:00Z")
  }

  static func findings(_ record: CompletionRecord) -> [String] {
    var report = VerificationReport()
    RecordVerifier.checkConsistency(record, grading: .engine, &report)
    return report.findings.map(\.description)
  }

  @Test("partly right, then worse, then finish: the best answer counts on screen, in the record and for verify")
  func partialThenWorse() throws {
    let lesson = SampleCourse.lesson(policy: Policy(passMark: 0.2, shuffle: false), items: [.question(Self.many)])
    let course = SampleCourse.course([lesson])
    var s = SessionDriver(course: course)
    try s.start()
    s.send("1")
    #expect(s.send("a").contains("Partly right."))
    #expect(s.send("c").contains("Not quite."))
    let end = s.send("")
    // Half the points at the first attempt beat nothing at the second.
    #expect(end.contains("0.5 of 1"))
    let completed = try #require(s.events.last { $0.kind == .lessonCompleted })
    #expect(completed.score == 0.5)
    #expect(completed.passed == true)

    let record = Self.record(s.events, course: course)
    let attempt = try #require(record.lessons.first?.attempts.first)
    #expect(attempt.score == 0.5)
    #expect(attempt.earned == 0.5)
    #expect(Self.findings(record) == [])
  }
}
