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

  // MARK: - Random answer scripts

  /// Three attempts with falling credit and a cost per hint, so best-versus-last and hint
  /// arithmetic both matter.
  static let strictPolicy = Policy(
    attempts: 3, creditPerAttempt: [1, 0.6, 0.3], hintCost: 0.1, passMark: 0.6, shuffle: false)

  static func scriptedCourse() -> Course {
    let lesson = SampleCourse.lesson(
      policy: strictPolicy,
      items: [
        .page(Page(id: "intro", title: "Intro", markdown: "Reading.", line: 1)),
        .question(many), .question(SampleCourse.single),
        .page(Page(id: "more", title: "More", markdown: "More reading.", line: 9)),
        .question(SampleCourse.short),
      ])
    return SampleCourse.course([lesson])
  }

  /// Typed answers per question: right, partly right, wrong.
  static let answers: [String: [String]] = [
    "many": ["a, b", "a", "c"], "pick-one": ["b", "a", "c"], "say-next": ["next", "nex", "stop"],
  ]

  struct SplitMix {
    var state: UInt64
    mutating func next(_ n: Int) -> Int {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return Int((z ^ (z >> 31)) % UInt64(n))
    }
  }

  /// One learner doing random things; returns the journal and, for every finished attempt, the
  /// text the learner was shown when it finished.
  static func randomLearner(seed: UInt64, course: Course) throws -> (events: [JournalEvent], finishes: [String]) {
    var random = SplitMix(state: seed)
    var journal: [JournalEvent] = []
    var finishes: [String] = []
    var s = SessionDriver(course: course)
    try s.start()
    func send(_ line: String, _ s: inout SessionDriver) {
      let before = s.events.count
      let text = s.send(line)
      if s.events[before...].contains(where: { $0.kind == .lessonCompleted }) { finishes.append(text) }
    }
    send("1", &s)
    for _ in 0..<40 {
      guard case .lesson(let run) = s.controller.mode else {
        send("1", &s)
        continue
      }
      if run.finished {
        send(random.next(2) == 0 ? "restart" : "", &s)
        continue
      }
      switch random.next(10) {
      case 0...4:
        if case .question(let q) = run.current, let options = answers[q.id] {
          send(options[random.next(options.count)], &s)
        } else {
          send("", &s)
        }
      case 5: send("hint", &s)
      case 6: send("skip", &s)
      case 7: send("", &s)
      case 8:
        // Killed and started again: only the journal survives.
        journal += s.events
        var summary = JournalSummary()
        for e in journal { summary.apply(e) }
        s = SessionDriver(course: course)
        try s.start(summary: summary)
        send("1", &s)
      default:
        send("restart", &s)
        send(random.next(3) == 0 ? "no" : "yes", &s)
      }
    }
    // Finish the lesson whatever state it is in.
    for _ in 0..<20 {
      guard case .lesson(let run) = s.controller.mode, !run.finished else { break }
      send("skip", &s)
    }
    return (journal + s.events, finishes)
  }

  @Test("random scripts: the score shown at the end of each attempt is the record's and verify agrees")
  func randomScripts() throws {
    let course = Self.scriptedCourse()
    var finishedAttempts = 0
    for seed in UInt64(1)...60 {
      let (events, finishes) = try Self.randomLearner(seed: seed, course: course)
      let record = Self.record(events, course: course)
      #expect(Self.findings(record) == [], "seed \(seed)")
      let finished = try #require(record.lessons.first).attempts.filter { $0.completedAt != nil }
      #expect(finished.count == finishes.count, "seed \(seed)")
      for (attempt, shown) in zip(finished, finishes) {
        let score = try #require(attempt.score)
        let line = Copy.score(earned: attempt.earned, total: attempt.possible, share: score)
        #expect(shown.contains(line), "seed \(seed): expected \(line)")
        #expect(shown.contains(Copy.passLine(passed: attempt.passed == true, mark: Self.strictPolicy.passMark)))
      }
      finishedAttempts += finished.count
    }
    // The scripts must actually reach the end of lessons for the comparison to mean anything.
    #expect(finishedAttempts >= 60)
  }
}
