import Foundation
import Testing
import WorkshopEngine
@testable import WorkshopServer

/// Drives the state machine event by event, with no sockets, keeping every fact it logs.
struct Harness {
  var room: Classroom
  var facts: [SessionFact] = []
  var now: Int64 = 1_790_000_000_000

  init(settings: SessionSettings = SessionSettings(), policy: Policy = Policy(shuffle: false), limits: SessionLimits = SessionLimits()) {
    let (room, created) = Classroom.create(
      course: Fixture.course(policy: policy), settings: settings, limits: limits, now: now,
      joinCode: "123456")
    self.room = room
    facts = [created]
  }

  @discardableResult
  mutating func send(_ event: Classroom.Event) -> [Classroom.Action] {
    let actions = room.handle(event, now: now)
    for case .log(let f) in actions { facts.append(f) }
    return actions
  }

  mutating func request(_ conn: ConnectionID, _ r: LearnerRequest) -> [LearnerMessage] {
    messages(to: conn, in: send(.request(conn, r)))
  }

  @discardableResult
  mutating func command(_ c: InstructorCommand) -> [Classroom.Action] { send(.command(c)) }

  /// Joins and returns the token.
  mutating func join(_ conn: ConnectionID, _ name: String) -> String {
    let out = request(conn, LearnerRequest(type: .join, code: "123456", name: name))
    return out.first { $0.type == .welcome }?.token ?? ""
  }

  mutating func answer(_ conn: ConnectionID, _ q: String, _ input: String, id: String = UUID().uuidString) -> LearnerMessage? {
    request(conn, LearnerRequest(type: .answer, submission: id, question: q, input: input)).first
  }

  func messages(to conn: ConnectionID, in actions: [Classroom.Action]) -> [LearnerMessage] {
    actions.compactMap { if case .send(let c, let m) = $0, c == conn { m } else { nil } }
  }
}

@Suite struct ClassroomTests {
  @Test func joiningNeedsTheRightCodeAndAPrintableName() {
    var h = Harness()
    let wrong = h.request(1, LearnerRequest(type: .join, code: "999999", name: "Ana"))
    #expect(wrong.first?.type == .error)
    let control = h.request(2, LearnerRequest(type: .join, code: "123456", name: "Ana\u{1b}[31m"))
    #expect(control.first?.text?.contains("control") == true)
    let bidi = h.request(2, LearnerRequest(type: .join, code: "123456", name: "Ana\u{202e}"))
    #expect(bidi.first?.type == .error)
    let long = h.request(2, LearnerRequest(type: .join, code: "123456", name: String(repeating: "x", count: 41)))
    #expect(long.first?.type == .error)
    let token = h.join(3, "Ana María")
    #expect(token.count == 32)
    #expect(h.room.participants["ana-maria"]?.name == "Ana María")
    _ = h.join(4, "Ana María")
    #expect(h.room.participants["ana-maria-2"] != nil, "a second learner with the same name gets another id")
  }

  @Test func aLockedRoomTurnsLateJoinersAway() {
    var h = Harness()
    h.command(InstructorCommand(.lock))
    #expect(h.request(1, LearnerRequest(type: .join, code: "123456", name: "Late")).first?.type == .error)
    h.command(InstructorCommand(.unlock))
    #expect(!h.join(1, "Late").isEmpty)
  }

  @Test func joinsAreRateLimitedButABurstIsFine() {
    var limits = SessionLimits()
    limits.joinBurst = 3
    limits.joinsPerSecond = 1
    var h = Harness(limits: limits)
    for i in 1...3 { #expect(!h.join(i, "L\(i)").isEmpty) }
    let flooded = h.request(4, LearnerRequest(type: .join, code: "123456", name: "L4"))
    #expect(flooded.first?.text?.contains("too many joins") == true)
    h.now += 1_000
    #expect(!h.join(5, "L5").isEmpty)
  }

  @Test func theInstructorWalksTheRoomThroughALesson() {
    var h = Harness()
    _ = h.join(1, "Ana")
    let opened = h.command(InstructorCommand(.openLesson, lesson: "basics"))
    #expect(h.messages(to: 1, in: opened).first?.item?.pageTitle == "Intro")
    let moved = h.command(InstructorCommand(.next))
    let item = h.messages(to: 1, in: moved).first?.item
    #expect(item?.question?.id == "capital")
    #expect(item?.status == .open, "landing on a question opens it")
    #expect(item?.question?.choices == ["Lyon", "Paris", "Nice"])
    #expect(h.command(InstructorCommand(.go, index: 9)).contains(.refused("that was the last item of the lesson")))
  }

  @Test func anAnswerIsLoggedBeforeItIsAcknowledged() {
    var h = Harness()
    _ = h.join(1, "Ana")
    h.command(InstructorCommand(.openLesson, lesson: "basics"))
    h.command(InstructorCommand(.next))
    let actions = h.send(.request(1, LearnerRequest(type: .answer, submission: "s1", question: "capital", input: "b")))
    let logIndex = actions.firstIndex { if case .log(let f) = $0 { f.kind == .answered } else { false } }
    let ackIndex = actions.firstIndex { if case .send(_, let m) = $0 { m.type == .ack } else { false } }
    #expect(logIndex != nil && ackIndex != nil && logIndex! < ackIndex!)
    let ack = h.messages(to: 1, in: actions).first
    #expect(ack?.outcome == .correct)
    #expect(ack?.submission == "s1")
  }

  @Test func aDuplicateSubmissionGetsTheSameAcknowledgementAndIsNotCountedTwice() {
    var h = Harness()
    _ = h.join(1, "Ana")
    h.command(InstructorCommand(.openLesson, lesson: "basics"))
    h.command(InstructorCommand(.next))
    let first = h.answer(1, "capital", "a", id: "same")
    let logged = h.facts.count
    let again = h.answer(1, "capital", "a", id: "same")
    #expect(first == again)
    #expect(h.facts.count == logged, "a duplicate logs nothing")
    #expect(h.room.participants["ana"]?.standings["basics/capital"]?.attempts == 1)
  }

  @Test func unreadableInputCostsNoAttemptAndAttemptsRunOut() {
    var h = Harness()
    _ = h.join(1, "Ana")
    h.command(InstructorCommand(.openLesson, lesson: "basics"))
    h.command(InstructorCommand(.next))
    #expect(h.answer(1, "capital", "zz")?.type == .rejected)
    let a1 = h.answer(1, "capital", "a")
    #expect(a1?.outcome == .wrong && a1?.attemptsLeft == 1)
    #expect(a1?.feedback == ["Lyon is the third city."])
    let a2 = h.answer(1, "capital", "c")
    #expect(a2?.attempt == 2 && a2?.attemptsLeft == 0)
    #expect(h.answer(1, "capital", "b")?.text == "you have already answered this question")
  }

  @Test func aSkippedOrFinishedQuestionTakesNoMoreAnswersHintsOrSkips() {
    var h = Harness()
    _ = h.join(1, "Ana")
    h.command(InstructorCommand(.openLesson, lesson: "basics"))
    h.command(InstructorCommand(.next))
    #expect(h.request(1, LearnerRequest(type: .skip, question: "capital")).first?.type == .skipped)
    #expect(h.answer(1, "capital", "b")?.text == "you skipped this question")
    #expect(h.request(1, LearnerRequest(type: .hint, question: "capital")).first?.type == .rejected)
    #expect(h.request(1, LearnerRequest(type: .skip, question: "capital")).first?.text == "this question is already done")
    h.command(InstructorCommand(.next))
    #expect(h.answer(1, "sky", "f")?.outcome == .correct)
    #expect(h.request(1, LearnerRequest(type: .skip, question: "sky")).first?.type == .rejected)
    let record = h.room.participants["ana"]?.standing("basics/sky")
    #expect(record?.skipped == false && record?.earned == 1)
  }

  @Test func onlyTheOpenQuestionTakesAnswers() {
    var h = Harness()
    _ = h.join(1, "Ana")
    h.command(InstructorCommand(.openLesson, lesson: "basics"))
    #expect(h.answer(1, "capital", "b")?.type == .rejected, "the room is on a page")
    h.command(InstructorCommand(.next))
    h.command(InstructorCommand(.closeQuestion))
    #expect(h.answer(1, "capital", "b")?.text == "the question is closed")
    h.command(InstructorCommand(.openQuestion))
    #expect(h.answer(1, "capital", "b")?.outcome == .correct)
  }

  @Test func aTimedQuestionClosesItself() {
    var h = Harness(settings: SessionSettings(timer: 30))
    _ = h.join(1, "Ana")
    h.command(InstructorCommand(.openLesson, lesson: "basics"))
    h.command(InstructorCommand(.next))
    #expect(h.room.runs["basics/capital"]?.deadline == h.now + 30_000)
    h.now += 29_000
    #expect(h.send(.tick).isEmpty)
    h.now += 1_000
    let closed = h.send(.tick)
    #expect(h.messages(to: 1, in: closed).first?.type == .closed)
    h.now += 1_000
    #expect(h.answer(1, "capital", "b")?.type == .rejected)
    // An explicit timer from the instructor wins over the policy's.
    h.command(InstructorCommand(.openQuestion, seconds: 5))
    #expect(h.room.runs["basics/capital"]?.deadline == h.now + 5_000)
  }

  @Test func examModeWithholdsTheOutcomeUntilTheReveal() {
    var h = Harness(settings: SessionSettings(mode: .exam))
    _ = h.join(1, "Ana")
    h.command(InstructorCommand(.openLesson, lesson: "basics"))
    h.command(InstructorCommand(.next))
    let ack = h.answer(1, "capital", "a")
    #expect(ack?.type == .ack && ack?.outcome == nil && ack?.feedback == nil)
    #expect(ack?.attemptsLeft == 0, "exam mode allows one attempt")
    let reveal = h.messages(to: 1, in: h.command(InstructorCommand(.reveal))).first
    #expect(reveal?.type == .reveal)
    #expect(reveal?.outcome == .wrong)
    #expect(reveal?.text == "B")
    #expect(reveal?.explanation == Fixture.q1.explanation)
  }

  @Test func theRevealUsesEachLearnersOwnChoiceOrder() throws {
    var h = Harness(policy: Policy(shuffle: true))
    _ = h.join(1, "Ana")
    h.command(InstructorCommand(.openLesson, lesson: "basics"))
    let item = h.messages(to: 1, in: h.command(InstructorCommand(.next))).first?.item
    // The order the same learner key gets at home.
    let shuffled = Shuffler.presentation(for: Fixture.q1, learner: "ana", shuffle: true)
    #expect(shuffled.order != [0, 1, 2])
    #expect(item?.question?.choices == shuffled.order.map { ["Lyon", "Paris", "Nice"][$0] })
    let paris = try #require(shuffled.displayIndex(canonical: 1))
    #expect(h.answer(1, "capital", Presentation.letter(paris))?.outcome == .correct)
    #expect(h.messages(to: 1, in: h.command(InstructorCommand(.reveal))).first?.text == Presentation.letter(paris).uppercased())
  }

  @Test func participantsNeverSeeEachOther() {
    var h = Harness()
    _ = h.join(1, "Ana")
    _ = h.join(2, "Bob")
    h.command(InstructorCommand(.openLesson, lesson: "basics"))
    var toAna: [LearnerMessage] = []
    toAna += h.messages(to: 1, in: h.command(InstructorCommand(.next)))
    toAna += h.messages(to: 1, in: h.send(.request(2, LearnerRequest(type: .answer, submission: "b1", question: "capital", input: "a"))))
    toAna += h.messages(to: 1, in: h.command(InstructorCommand(.showDistribution)))
    toAna += h.messages(to: 1, in: h.command(InstructorCommand(.reveal)))
    let text = toAna.map { WireCoding.encode($0) }.joined()
    #expect(!text.contains("Bob") && !text.contains("bob"))
    let dist = toAna.first { $0.type == .distribution }
    #expect(dist?.buckets?.map(\.count) == [1, 0, 0])
    #expect(dist?.buckets?.allSatisfy { !$0.correct } == true, "before the reveal, no bar is marked right")
  }

  @Test func aReconnectKeepsEverythingAndDropsTheOldConnection() {
    var h = Harness()
    let token = h.join(1, "Ana")
    h.command(InstructorCommand(.openLesson, lesson: "basics"))
    h.command(InstructorCommand(.next))
    _ = h.answer(1, "capital", "b", id: "x")
    let actions = h.send(.request(7, LearnerRequest(type: .resume, token: token)))
    #expect(actions.contains(.close(1)))
    let msgs = h.messages(to: 7, in: actions)
    #expect(msgs.first?.type == .welcome && msgs.first?.participant == "ana")
    #expect(msgs.first?.token == nil, "the token is not sent again")
    #expect(msgs.last?.item?.yourAnswer == "B" && msgs.last?.item?.yourOutcome == .correct)
    // A resend of the same submission on the new connection is still a duplicate.
    #expect(h.answer(7, "capital", "b", id: "x")?.type == .ack)
    #expect(h.room.participants["ana"]?.standings["basics/capital"]?.attempts == 1)
    #expect(h.request(8, LearnerRequest(type: .resume, token: "nope")).first?.type == .error)
  }

  @Test func aRemovedParticipantIsDisconnectedAndCannotComeBack() {
    var h = Harness()
    let token = h.join(1, "Ana")
    let actions = h.command(InstructorCommand(.remove, participant: "ana"))
    #expect(h.messages(to: 1, in: actions).first?.type == .removed)
    #expect(actions.contains(.close(1)))
    #expect(h.request(2, LearnerRequest(type: .resume, token: token)).first?.type == .removed)
    #expect(h.request(2, LearnerRequest(type: .answer, submission: "s", question: "capital", input: "b")).first?.type == .error)
  }

  @Test func replayingTheLogRebuildsTheSameRoom() throws {
    var h = Harness()
    let token = h.join(1, "Ana")
    _ = h.join(2, "Bob")
    h.command(InstructorCommand(.openLesson, lesson: "basics"))
    h.command(InstructorCommand(.next))
    _ = h.answer(1, "capital", "a", id: "a1")
    _ = h.answer(1, "capital", "b", id: "a2")
    _ = h.answer(2, "capital", "b", id: "b1")
    h.command(InstructorCommand(.reveal))
    h.command(InstructorCommand(.next))
    h.command(InstructorCommand(.lock))
    // Through JSON, as the log stores it.
    let lines = try h.facts.map { try JSONEncoder().encode($0) }
    let facts = try lines.map { try JSONDecoder().decode(SessionFact.self, from: $0) }
    var replayed = try Classroom.replay(facts, course: Fixture.course())
    #expect(replayed.participants.mapValues(\.answers) == h.room.participants.mapValues(\.answers))
    #expect(replayed.participants.mapValues(\.standings) == h.room.participants.mapValues(\.standings))
    #expect(replayed.itemIndex == h.room.itemIndex && replayed.locked && replayed.runs == h.room.runs)
    #expect(replayed.joinCode == "123456" && replayed.instructorToken == h.room.instructorToken)
    #expect(replayed.score(of: "ana").earned == 0.5)
    let resumed = replayed.handle(.request(9, LearnerRequest(type: .resume, token: token)), now: h.now)
    #expect(resumed.contains { if case .send(9, let m) = $0 { m.type == .welcome } else { false } })
    let dup = replayed.handle(.request(9, LearnerRequest(type: .answer, submission: "a2", question: "capital", input: "b")), now: h.now)
    #expect(dup.count == 1, "an answer acknowledged before the crash is recognised after it")
  }

  @Test func studentPacedLearnersMoveOnTheirOwn() {
    var h = Harness(settings: SessionSettings(pacing: .student))
    _ = h.join(1, "Ana")
    _ = h.join(2, "Bob")
    h.command(InstructorCommand(.openLesson, lesson: "basics"))
    #expect(h.command(InstructorCommand(.next)).contains(.refused("learners set their own pace (pace instructor to change)")))
    let moved = h.request(1, LearnerRequest(type: .next))
    #expect(moved.first?.item?.question?.id == "capital" && moved.first?.item?.status == .open)
    let answered = h.request(1, LearnerRequest(type: .answer, submission: "s", question: "capital", input: "b"))
    #expect(answered.first?.explanation == Fixture.q1.explanation)
    #expect(answered.count == 1, "the feedback is not followed at once by the next item")
    #expect(h.room.itemView(for: "ana")?.status == .closed)
    #expect(h.request(1, LearnerRequest(type: .next)).first?.item?.question?.id == "sky", "the learner moves on")
    #expect(h.room.itemView(for: "bob")?.index == 0)
    let view = InstructorView.make(h.room, version: 1)
    #expect(view.people.first { $0.id == "ana" }?.position == 2)
  }

  @Test func theLeaderboardIsOffUnlessTurnedOnAndHidesNamesWhenAnonymous() {
    var off = Harness()
    #expect(off.command(InstructorCommand(.showLeaderboard)).contains { if case .refused = $0 { true } else { false } })
    var h = Harness(settings: SessionSettings(anonymous: true, leaderboard: true))
    _ = h.join(1, "Ana")
    h.command(InstructorCommand(.openLesson, lesson: "basics"))
    h.command(InstructorCommand(.next))
    _ = h.answer(1, "capital", "b")
    let board = h.messages(to: 1, in: h.command(InstructorCommand(.showLeaderboard))).first
    #expect(board?.lines == ["1. Learner 1 — 1"])
  }

  @Test func endingTheSessionScoresAccuracyOnly() {
    var h = Harness()
    _ = h.join(1, "Ana")
    h.command(InstructorCommand(.openLesson, lesson: "basics"))
    h.command(InstructorCommand(.next))
    h.now += 50_000  // a slow, right answer earns full points
    _ = h.answer(1, "capital", "b")
    h.command(InstructorCommand(.next))
    let end = h.command(InstructorCommand(.end))
    #expect(end.contains(.ended))
    #expect(h.room.score(of: "ana") == (1, 2), "two questions asked, one right")
    let totals = LiveCompletion.totals(for: "ana", in: h.room)
    #expect(totals.score == 0.5 && totals.passed == false)
    let record = LiveCompletion.record(for: "ana", in: h.room)
    #expect(record?.lessons.first?.score == 0.5 && record?.lessons.first?.state == .notPassed)
    #expect(h.command(InstructorCommand(.next)) == [.refused("the session has ended")])
  }

  @Test func theInstructorTokenIsComparedInFull() {
    let h = Harness()
    #expect(h.room.isInstructor(token: h.room.instructorToken))
    #expect(!h.room.isInstructor(token: String(h.room.instructorToken.dropLast())))
    #expect(!h.room.isInstructor(token: ""))
    #expect(constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
    #expect(!constantTimeEqual(Array("abc".utf8), Array("abd".utf8)))
  }
}

@Suite struct SessionSettingsTests {
  @Test func aPolicyFileOverridesTheCoursePolicy() throws {
    let s = try SessionSettings.parse(yaml: """
      mode: exam
      attempts: 1
      hints: false
      skip: false
      timer: 45
      pass_mark: 0.8
      anonymous: true
      """)
    let p = s.policy(over: Policy(mode: .learn, attempts: 3, hintsAllowed: true, skipAllowed: true, passMark: 0.5))
    #expect(p.mode == .exam && p.attempts == 1 && !p.hintsAllowed && !p.skipAllowed && p.passMark == 0.8)
    #expect(s.timer == 45 && s.anonymous && !s.leaderboard && s.pacing == .instructor)
  }

  @Test func mistakesInThePolicyFileAreNamed() {
    #expect(throws: SessionSettings.ParseError.self) { try SessionSettings.parse(yaml: "atempts: 2") }
    do {
      _ = try SessionSettings.parse(yaml: "pass_mark: 2")
      Issue.record("expected an error")
    } catch {
      #expect(error.message.contains("pass_mark"))
    }
  }
}

@Suite struct TextChartTests {
  @Test func barsScaleToTheLargestCountAndMarkTheRightAnswer() {
    let lines = TextChart.render(
      [DistributionBucket(label: "A. Lyon", count: 1, correct: false), DistributionBucket(label: "B. Paris", count: 4, correct: true),
       DistributionBucket(label: "C. Nice", count: 0, correct: false)], width: 40)
    #expect(lines.count == 3)
    #expect(lines.allSatisfy { $0.count <= 40 })
    let bars = lines.map { $0.filter { $0 == "█" }.count }
    #expect(bars[1] > bars[0] && bars[0] > 0 && bars[2] == 0)
    #expect(lines[1].hasSuffix("4 ✓") && !lines[0].contains("✓"))
  }
}
