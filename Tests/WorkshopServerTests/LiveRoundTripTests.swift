import Foundation
import Testing
import WorkshopEngine
import WorkshopRecords
@testable import WorkshopServer

/// A live session's answers go through the same rules as a local one: its signed records verify,
/// their scores are the ones the room computed, and the end-of-session roster shows the same
/// statistics as `workshop roster` over those records.
@Suite struct LiveRoundTripTests {
  static let policy = Policy(
    attempts: 3, creditPerAttempt: [1, 0.6, 0.3], hintCost: 0.1, passMark: 0.5, shuffle: false)
  static let names = ["Ana", "Bob", "Cy", "Dee", "Eli", "Fay"]
  static let inputs: [String: [String]] = ["capital": ["a", "b", "c"], "sky": ["t", "f"], "word": ["hello", "hi"]]

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

  /// Several learners answer, retry, take hints and skip at random while the instructor opens
  /// every question; `openAll: false` leaves the last question unasked.
  static func session(seed: UInt64, openAll: Bool = true) -> Classroom {
    var random = SplitMix(state: seed)
    var h = Harness(policy: policy)
    for (i, name) in names.enumerated() { _ = h.join(ConnectionID(i + 1), name) }
    h.command(InstructorCommand(.openLesson, lesson: "basics"))
    for q in openAll ? ["capital", "sky", "word"] : ["capital", "sky"] {
      h.command(InstructorCommand(.next))
      for i in names.indices {
        let conn = ConnectionID(i + 1)
        for _ in 0..<random.next(5) {
          switch random.next(6) {
          case 0: _ = h.request(conn, LearnerRequest(type: .hint, question: q))
          case 1: _ = h.request(conn, LearnerRequest(type: .skip, question: q))
          default:
            let options = inputs[q]!
            _ = h.answer(conn, q, options[random.next(options.count)])
          }
        }
      }
    }
    h.command(InstructorCommand(.end))
    return h.room
  }

  static func verified(_ record: WorkshopRecords.CompletionRecord, key: InstructorKey) throws -> VerificationReport {
    var isRecord = true
    let (report, _) = try RecordVerifier.verify(
      data: Data(record.fileText().utf8), course: { _ in Fixture.course(policy: policy) },
      grading: .engine, trusting: [key.publicKeyBase64], isRecord: &isRecord)
    return report
  }

  @Test("random live sessions: every signed record verifies and scores what the room scored")
  func signedRecordsVerify() throws {
    let key = InstructorKey.generate()
    for seed in UInt64(1)...25 {
      let room = Self.session(seed: seed)
      for pid in room.order {
        let record = try #require(LiveCompletion.record(for: pid, in: room, key: key))
        let report = try Self.verified(record, key: key)
        #expect(report.status == .valid, "seed \(seed) \(pid): \(report.findings)")
        let totals = LiveCompletion.totals(for: pid, in: room)
        let lesson = try #require(record.lessons.first)
        #expect(abs((lesson.score ?? -1) - totals.score) < 1e-9, "seed \(seed) \(pid)")
        #expect((lesson.state == .passed) == totals.passed, "seed \(seed) \(pid)")
      }
    }
  }

  @Test("the live roster's item statistics are the records roster's over the session's records")
  func liveRosterIsTheRecordsRoster() throws {
    let key = InstructorKey.generate()
    for seed in UInt64(1)...10 {
      let room = Self.session(seed: seed, openAll: seed % 2 == 0)
      let entries = room.order.compactMap { pid in
        LiveCompletion.record(for: pid, in: room, key: key).map {
          RosterEntry.fromRecordData(
            Data($0.fileText().utf8), source: pid,
            library: LessonLibraryLookup { _ in Fixture.course(policy: Self.policy) },
            grading: .engine)
        }
      }
      let roster = Roster.build(
        entries: entries, library: LessonLibraryLookup { _ in Fixture.course(policy: Self.policy) })
      let records = Dictionary(
        (roster.sections.first?.items ?? []).map { ($0.questionID, $0) }, uniquingKeysWith: { a, _ in a })
      let live = LiveRoster.make(room)
      #expect(!live.items.isEmpty)
      for item in live.items {
        let expected = records[item.question]
        #expect(item.difficulty == expected?.difficulty, "seed \(seed) \(item.question)")
        #expect(item.discrimination == expected?.discrimination, "seed \(seed) \(item.question)")
      }
    }
  }

  @Test("each live answer, hint and skip leaves a question where the same step leaves it at home")
  func liveStepsMatchALessonAttempt() throws {
    let course = Fixture.course(policy: Self.policy)
    let lesson = try #require(course.lessons.first)
    for seed in UInt64(1)...40 {
      var random = SplitMix(state: seed)
      var h = Harness(policy: Self.policy)
      _ = h.join(1, "Ana")
      var home = LessonAttempt(
        courseID: course.id, lesson: lesson, learner: "ana", clock: { Date(timeIntervalSince1970: 0) })
      h.command(InstructorCommand(.openLesson, lesson: "basics"))
      for (index, item) in lesson.items.enumerated() {
        guard case .question(let q) = item else { continue }
        h.command(InstructorCommand(.next))
        home.index = index
        for step in 0..<random.next(7) {
          let live: LearnerMessage?
          switch random.next(6) {
          case 0:
            live = h.request(1, LearnerRequest(type: .hint, question: q.id)).first
            if case .shown = home.hint() { #expect(live?.type == .hint) } else { #expect(live?.type == .rejected) }
          case 1:
            live = h.request(1, LearnerRequest(type: .skip, question: q.id)).first
            if case .skipped = home.skip() { #expect(live?.type == .skipped) } else { #expect(live?.type == .rejected) }
            home.index = index  // a skip at home also moves on; the room stays on the question
          default:
            let options = Self.inputs[q.id]!
            let input = options[random.next(options.count)]
            live = h.answer(1, q.id, input)
            if case .graded(let g) = home.answer(input, raw: input) {
              #expect(live?.type == .ack && live?.earned == g.earned && live?.attemptsLeft == g.attemptsLeft)
            } else {
              #expect(live?.type == .rejected)
            }
          }
          let key = Classroom.key(lesson: lesson.id, question: q.id)
          #expect(
            h.room.participants["ana"]?.standing(key) == home.standing(q),
            "seed \(seed) \(q.id) step \(step): \(String(describing: live))")
        }
      }
      h.command(InstructorCommand(.end))
      let totals = LiveCompletion.totals(for: "ana", in: h.room)
      #expect(abs(totals.score - home.score.share) < 1e-9, "seed \(seed)")
      #expect(totals.passed == home.score.passed, "seed \(seed)")
    }
  }

  @Test("a question answered once, correctly, is 100% easy; one nobody answered has no data")
  func difficultyEdgeCases() throws {
    var h = Harness(policy: Self.policy)
    _ = h.join(1, "Ana")
    _ = h.join(2, "Bob")
    h.command(InstructorCommand(.openLesson, lesson: "basics"))
    h.command(InstructorCommand(.next))
    _ = h.answer(1, "capital", "b")
    h.command(InstructorCommand(.next))
    h.command(InstructorCommand(.end))
    let live = LiveRoster.make(h.room)
    #expect(live.items.first { $0.question == "capital" }?.difficulty == 1)
    let sky = try #require(live.items.first { $0.question == "sky" })
    #expect(sky.difficulty == nil)
    #expect(live.html(courseTitle: "Demo", anonymous: false).contains("no data"))
  }
}
