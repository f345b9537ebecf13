import Crypto
import Foundation
import WorkshopEngine

/// The live session as a state machine with no I/O: events go in, actions come out.
///
/// Every decided change becomes a `SessionFact`; `apply(_:)` is the only code that changes the
/// room, and it is also what replays a log after a restart, so a resumed room cannot differ from
/// the one that crashed. The host must make each logged fact durable before it carries out the
/// sends that follow it in the same action list (see `LiveHost`).
public struct Classroom: Sendable {
  public enum Event: Sendable {
    case request(ConnectionID, LearnerRequest)
    case disconnected(ConnectionID)
    case command(InstructorCommand)
    /// Time passes: closes questions whose timer ran out.
    case tick
  }

  public enum Action: Sendable, Hashable {
    /// Make this fact durable before any later action in the same list.
    case log(SessionFact)
    case send(ConnectionID, LearnerMessage)
    case close(ConnectionID)
    /// Something the instructor sees changed.
    case changed
    /// A line for the serve terminal.
    case announce(String)
    /// The instructor's command could not be carried out (why, in words).
    case refused(String)
    /// Send this participant their completion record on this connection.
    case deliverRecord(ConnectionID, participant: String)
    /// The session just ended: write the records and send them.
    case ended
  }

  /// A participant's latest answer to a question, as given. What it counts (attempts used, the
  /// best points, whether the question is done) is the question's `QuestionStanding`.
  public struct AnswerState: Sendable, Hashable {
    public var raw: String
    public var response: Response
    public var outcome: Grade.Outcome
    public var credit: Double
    public var ms: Int64?
    public var at: Int64
  }

  public struct Participant: Sendable, Hashable {
    public var id: String
    public var name: String
    /// "Learner 7": what others may see in anonymous mode.
    public var alias: String
    var tokenHash: String
    public var joinedAt: Int64
    public var removed = false
    public var connection: ConnectionID?
    /// Keyed by `Classroom.key(lesson:question:)`.
    public var answers: [String: AnswerState] = [:]
    /// Attempts, hints, skips and counted points per question, under the engine's rules
    /// (`QuestionStep`); keyed like `answers`.
    public var standings: [String: QuestionStanding] = [:]
    /// Student-paced position per lesson.
    public var position: [String: Int] = [:]
    var arrivedAt: Int64?
    /// Every answer, hint and skip in order: what the completion record is built from.
    public var history: [SessionFact] = []

    public func standing(_ key: String) -> QuestionStanding { standings[key] ?? QuestionStanding() }
  }

  public struct QuestionRun: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Codable { case open, closed, revealed }
    public var status: Status
    public var deadline: Int64?
    public var openedAt: Int64
  }

  // MARK: State

  public let course: Course
  public var limits: SessionLimits
  public private(set) var settings: SessionSettings
  public private(set) var sessionID: String
  public private(set) var joinCode: String
  public private(set) var instructorToken: String
  public private(set) var createdAt: Int64
  public private(set) var participants: [String: Participant] = [:]
  /// Participant ids in join order.
  public private(set) var order: [String] = []
  public private(set) var lessonID: String?
  public private(set) var itemIndex = 0
  /// Question runs keyed by `key(lesson:question:)`, instructor-paced.
  public private(set) var runs: [String: QuestionRun] = [:]
  /// Questions in the order they were first opened (instructor-paced), as keys.
  public private(set) var asked: [String] = []
  public private(set) var locked = false
  public private(set) var endedAt: Int64?
  public private(set) var lessonsOpened: [String] = []
  /// When each lesson was first opened.
  public private(set) var lessonOpenedAt: [String: Int64] = [:]
  var byToken: [String: String] = [:]
  var byConnection: [ConnectionID: String] = [:]
  /// "participant\0submission" -> the acknowledgement sent, to answer duplicates identically.
  var submissions: [String: LearnerMessage] = [:]
  var joinAllowance: Double
  var joinAllowanceAt: Int64

  public var pacing: Pacing { settings.pacing }
  public var ended: Bool { endedAt != nil }

  /// A new session. The returned fact must be logged first.
  public static func create(
    course: Course, settings: SessionSettings, limits: SessionLimits = SessionLimits(), now: Int64,
    sessionID: String? = nil, joinCode: String? = nil,
    instructorToken: String? = nil
  ) -> (Classroom, SessionFact) {
    var fact = SessionFact(.created, at: now)
    fact.session = sessionID ?? Self.makeSessionID(now: now)
    fact.course = course.id
    fact.courseDigest = course.digest
    fact.code = joinCode ?? Self.makeJoinCode(digits: settings.joinCodeDigits ?? 6)
    fact.instructorToken = instructorToken ?? Self.randomToken()
    fact.settings = settings
    var room = Classroom(course: course, limits: limits, created: fact)
    room.apply(fact)
    return (room, fact)
  }

  /// Rebuilds a session from its log. The first fact must be the `created` one.
  public static func replay(
    _ facts: [SessionFact], course: Course, limits: SessionLimits = SessionLimits()
  ) throws(ReplayError) -> Classroom {
    guard let first = facts.first, first.kind == .created else {
      throw ReplayError(message: "the session log does not start with its `created` line")
    }
    guard first.course == course.id else {
      throw ReplayError(message: "the session log is for course `\(first.course ?? "?")`, not `\(course.id)`")
    }
    var room = Classroom(course: course, limits: limits, created: first)
    for fact in facts { room.apply(fact) }
    return room
  }

  public struct ReplayError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
  }

  init(course: Course, limits: SessionLimits, created: SessionFact) {
    self.course = course
    self.limits = limits
    self.settings = created.settings ?? SessionSettings()
    self.sessionID = created.session ?? ""
    self.joinCode = created.code ?? ""
    self.instructorToken = created.instructorToken ?? ""
    self.createdAt = created.at
    self.joinAllowance = limits.joinBurst
    self.joinAllowanceAt = created.at
  }

  // MARK: Keys and lookups

  public static func key(lesson: String, question: String) -> String { lesson + "/" + question }

  public var lesson: Lesson? { lessonID.flatMap { course.lesson(id: $0) } }

  /// The lesson an instructor means by `name`: its id (in any case) or its number in the
  /// course's list, counting from 1, as the console's `lessons` shows it; else why not, with the
  /// nearest id when the name looks like a typo.
  public func lesson(named name: String) -> Result<Lesson, InputProblem> {
    let wanted = name.trimmingCharacters(in: .whitespaces)
    if let number = Int(wanted) {
      guard course.lessons.indices.contains(number - 1) else {
        return .failure(InputProblem("there is no lesson \(number): the course has \(course.lessons.count), numbered from 1"))
      }
      return .success(course.lessons[number - 1])
    }
    if let found = course.lessons.first(where: { $0.id.lowercased() == wanted.lowercased() }) { return .success(found) }
    if wanted.isEmpty { return .failure(InputProblem("name the lesson to open, by id or number")) }
    let ids = course.lessons.map(\.id)
    if let guess = closestMatch(to: wanted, in: ids) {
      return .failure(InputProblem("no lesson `\(wanted)` in \(course.id); did you mean `\(guess)`?"))
    }
    return .failure(InputProblem("no lesson `\(wanted)` in \(course.id); lessons: " + ids.joined(separator: ", ")))
  }

  public var currentItem: LessonItem? {
    guard let lesson, lesson.items.indices.contains(itemIndex) else { return nil }
    return lesson.items[itemIndex]
  }

  public var currentQuestion: Question? {
    if case .question(let q)? = currentItem { return q }
    return nil
  }

  public func policy(for lesson: Lesson) -> Policy { settings.policy(over: lesson.policy) }

  /// The order a participant sees a question's choices in: the same shuffle as at home, keyed on
  /// the participant.
  public func presentation(_ q: Question, in lesson: Lesson, for pid: String) -> Presentation {
    Shuffler.presentation(for: q, learner: pid, shuffle: policy(for: lesson).shuffle)
  }

  public func participant(forToken token: String) -> Participant? {
    byToken[Self.hash(token)].flatMap { participants[$0] }
  }

  public func participant(on connection: ConnectionID) -> Participant? {
    byConnection[connection].flatMap { participants[$0] }
  }

  /// Constant-time comparison of a presented instructor token with the session's.
  public func isInstructor(token: String) -> Bool {
    constantTimeEqual(Array(token.utf8), Array(instructorToken.utf8))
  }

  // MARK: Handling events

  public mutating func handle(_ event: Event, now: Int64) -> [Action] {
    switch event {
    case .request(let conn, let request): return handle(request, on: conn, now: now)
    case .disconnected(let conn):
      guard let pid = byConnection.removeValue(forKey: conn) else { return [] }
      if participants[pid]?.connection == conn { participants[pid]?.connection = nil }
      return [.changed]
    case .command(let command): return handle(command, now: now)
    case .tick: return tick(now: now)
    }
  }

  mutating func handle(_ request: LearnerRequest, on conn: ConnectionID, now: Int64) -> [Action] {
    switch request.type {
    case .ping:
      return [.send(conn, LearnerMessage(type: .pong))]
    case .join: return join(request, on: conn, now: now)
    case .resume: return resume(request, on: conn, now: now)
    case .answer, .hint, .skip, .next, .previous:
      guard let pid = byConnection[conn], let p = participants[pid], !p.removed else {
        return [.send(conn, Self.error("join the session first"))]
      }
      if ended { return [.send(conn, Self.rejected(request.submission, "the session has ended"))] }
      switch request.type {
      case .answer: return answer(request, from: p, on: conn, now: now)
      case .hint: return hint(request, from: p, on: conn, now: now)
      case .skip: return skip(request, from: p, on: conn, now: now)
      case .next: return move(p, by: 1, on: conn, now: now)
      default: return move(p, by: -1, on: conn, now: now)
      }
    }
  }

  mutating func join(_ request: LearnerRequest, on conn: ConnectionID, now: Int64) -> [Action] {
    if byConnection[conn] != nil { return [.send(conn, Self.error("already joined"))] }
    guard let code = request.code, isJoinCode(code) else {
      return [.send(conn, Self.error("wrong join code")), .close(conn)]
    }
    if ended { return [.send(conn, Self.error("the session has ended")), .close(conn)] }
    if locked { return [.send(conn, Self.error("the room is locked: ask the instructor")), .close(conn)] }
    if order.count >= limits.maxParticipants {
      return [.send(conn, Self.error("the room is full")), .close(conn)]
    }
    let name: String
    switch NameRules.validate(request.name ?? "", maxLength: limits.maxNameLength) {
    case .success(let n): name = n
    case .failure(let problem): return [.send(conn, Self.error(problem.message))]
    }
    // A token bucket: a burst of joins is fine (a class arriving), a flood is not.
    let elapsed = Double(max(0, now - joinAllowanceAt)) / 1000
    joinAllowance = min(limits.joinBurst, joinAllowance + elapsed * limits.joinsPerSecond)
    joinAllowanceAt = now
    guard joinAllowance >= 1 else {
      return [.send(conn, Self.error("too many joins at once: try again in a moment"))]
    }
    joinAllowance -= 1

    let token = Self.randomToken()
    var fact = SessionFact(.joined, at: now)
    fact.participant = uniqueID(for: name)
    fact.name = name
    fact.alias = "Learner \(order.count + 1)"
    fact.tokenHash = Self.hash(token)
    apply(fact)
    let pid = fact.participant!
    bind(pid, to: conn, now: now)
    var welcome = welcomeMessage(for: pid)
    welcome.token = token
    var actions: [Action] = [.log(fact), .send(conn, welcome)]
    if let item = itemView(for: pid) {
      var m = LearnerMessage(type: .item)
      m.item = item
      actions.append(.send(conn, m))
    }
    actions.append(.announce("\(name) joined (\(order.count) in the room)"))
    actions.append(.changed)
    return actions
  }

  mutating func resume(_ request: LearnerRequest, on conn: ConnectionID, now: Int64) -> [Action] {
    guard let token = request.token, let pid = byToken[Self.hash(token)], let p = participants[pid]
    else { return [.send(conn, Self.error("unknown token: join again with the code")), .close(conn)] }
    if p.removed {
      return [.send(conn, LearnerMessage(type: .removed)), .close(conn)]
    }
    var actions: [Action] = []
    // The newest connection wins: an old one left half-open by a sleeping laptop is dropped.
    if let old = p.connection, old != conn {
      byConnection[old] = nil
      actions.append(.close(old))
    }
    bind(pid, to: conn, now: now)
    actions.append(.send(conn, welcomeMessage(for: pid)))
    if ended {
      actions.append(.deliverRecord(conn, participant: pid))
    } else if let item = itemView(for: pid) {
      var m = LearnerMessage(type: .item)
      m.item = item
      actions.append(.send(conn, m))
    }
    actions.append(.announce("\(p.name) reconnected"))
    actions.append(.changed)
    return actions
  }

  mutating func bind(_ pid: String, to conn: ConnectionID, now: Int64) {
    byConnection[conn] = pid
    participants[pid]?.connection = conn
    if participants[pid]?.arrivedAt == nil { participants[pid]?.arrivedAt = now }
  }

  func welcomeMessage(for pid: String) -> LearnerMessage {
    var m = LearnerMessage(type: .welcome)
    m.participant = pid
    m.name = participants[pid]?.name
    m.session = sessionID
    m.courseTitle = course.title
    m.course = course.id
    m.pacing = pacing
    return m
  }

  func uniqueID(for name: String) -> String {
    let base = NameRules.slug(name) ?? "learner"
    if participants[base] == nil { return base }
    var n = 2
    while participants["\(base)-\(n)"] != nil { n += 1 }
    return "\(base)-\(n)"
  }

  // MARK: Answers

  /// The question a participant may answer now, with its lesson, or why not.
  func answerable(_ questionID: String?, for p: Participant, now: Int64) -> Result<(Lesson, Question), InputProblem> {
    guard let lesson else { return .failure(InputProblem("no lesson is open")) }
    switch pacing {
    case .instructor:
      guard let q = currentQuestion, q.id == questionID else {
        return .failure(InputProblem("that question is not the one open now"))
      }
      let run = runs[Self.key(lesson: lesson.id, question: q.id)]
      guard let run, run.status == .open else { return .failure(InputProblem("the question is closed")) }
      // A little grace for answers already on the wire when the timer ran out.
      if let deadline = run.deadline, now > deadline + 500 {
        return .failure(InputProblem("time is up for this question"))
      }
      return .success((lesson, q))
    case .student:
      guard let questionID, let q = lesson.question(id: questionID) else {
        return .failure(InputProblem("no such question in this lesson"))
      }
      return .success((lesson, q))
    }
  }

  mutating func answer(_ request: LearnerRequest, from p: Participant, on conn: ConnectionID, now: Int64) -> [Action] {
    guard let submission = request.submission, (1...100).contains(submission.utf8.count),
      !submission.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
    else { return [.send(conn, Self.rejected(nil, "each answer needs a submission id"))] }
    if let previous = submissions[p.id + "\0" + submission] {
      return [.send(conn, previous)]
    }
    guard let input = request.input, input.count <= limits.maxAnswerLength else {
      return [.send(conn, Self.rejected(submission, "the answer is missing or too long"))]
    }
    let lesson: Lesson
    let q: Question
    switch answerable(request.question, for: p, now: now) {
    case .success(let lq): (lesson, q) = lq
    case .failure(let problem): return [.send(conn, Self.rejected(submission, problem.message))]
    }
    let key = Self.key(lesson: lesson.id, question: q.id)
    let standing = p.standing(key)
    let graded: QuestionStep.GradedAnswer
    switch QuestionStep.answer(
      input, to: q, presentation: presentation(q, in: lesson, for: p.id), standing: standing,
      policy: policy(for: lesson))
    {
    case .alreadyDone:
      let why = standing.skipped ? "you skipped this question" : "you have already answered this question"
      return [.send(conn, Self.rejected(submission, why))]
    case .unreadable(let message): return [.send(conn, Self.rejected(submission, message))]
    case .graded(let g): graded = g
    }
    var fact = SessionFact(.answered, at: now)
    fact.participant = p.id
    fact.lesson = lesson.id
    fact.lessonDigest = lesson.digest
    fact.question = q.id
    fact.questionDigest = q.digest
    fact.submission = submission
    fact.raw = input
    fact.response = graded.response
    fact.outcome = graded.grade.outcome
    fact.credit = graded.grade.credit
    fact.feedback = graded.grade.feedback
    fact.attempt = graded.attempt
    fact.earned = graded.earned
    let openedAt = pacing == .instructor ? runs[key]?.openedAt : p.arrivedAt
    fact.ms = openedAt.map { max(0, now - $0) }
    apply(fact)
    let ack = submissions[p.id + "\0" + submission] ?? Self.rejected(submission, "not recorded")
    // At their own pace learners read the feedback, then move on themselves (`next`), as in a
    // lesson taken alone: the next item does not arrive on top of the feedback.
    return [.log(fact), .send(conn, ack), .changed]
  }

  /// The acknowledgement for an answer fact, as the participant receives it.
  func ack(for fact: SessionFact, standing: QuestionStanding, lesson: Lesson, question q: Question) -> LearnerMessage {
    let policy = policy(for: lesson)
    var m = LearnerMessage(type: .ack)
    m.submission = fact.submission
    m.question = q.id
    m.attempt = fact.attempt
    m.attemptsLeft = standing.attemptsLeft(policy: policy)
    m.lesson = lesson.id
    m.digest = q.digest
    m.response = fact.response
    if policy.mode == .learn {
      m.outcome = fact.outcome
      m.credit = fact.credit
      m.earned = fact.earned
      m.feedback = fact.feedback
      if pacing == .student, standing.isDone(policy: policy) { m.explanation = q.explanation }
    }
    return m
  }

  mutating func hint(_ request: LearnerRequest, from p: Participant, on conn: ConnectionID, now: Int64) -> [Action] {
    let lesson: Lesson
    let q: Question
    switch answerable(request.question, for: p, now: now) {
    case .success(let lq): (lesson, q) = lq
    case .failure(let problem): return [.send(conn, Self.rejected(nil, problem.message))]
    }
    let key = Self.key(lesson: lesson.id, question: q.id)
    let shown: (text: String, number: Int)
    switch QuestionStep.hint(for: q, standing: p.standing(key), policy: policy(for: lesson)) {
    case .alreadyDone: return [.send(conn, Self.rejected(nil, "this question is done: no more hints"))]
    case .hintsOff: return [.send(conn, Self.rejected(nil, "hints are off in this session"))]
    case .noHints: return [.send(conn, Self.rejected(nil, "this question has no hints"))]
    case .noMoreHints: return [.send(conn, Self.rejected(nil, "no more hints"))]
    case .shown(let text, let number, _): shown = (text, number)
    }
    var fact = SessionFact(.hintShown, at: now)
    fact.participant = p.id
    fact.lesson = lesson.id
    fact.question = q.id
    fact.hint = shown.number
    apply(fact)
    var m = LearnerMessage(type: .hint)
    m.question = q.id
    m.attempt = shown.number
    m.text = shown.text
    return [.log(fact), .send(conn, m)]
  }

  mutating func skip(_ request: LearnerRequest, from p: Participant, on conn: ConnectionID, now: Int64) -> [Action] {
    let lesson: Lesson
    let q: Question
    switch answerable(request.question, for: p, now: now) {
    case .success(let lq): (lesson, q) = lq
    case .failure(let problem): return [.send(conn, Self.rejected(nil, problem.message))]
    }
    switch QuestionStep.skip(
      standing: p.standing(Self.key(lesson: lesson.id, question: q.id)), policy: policy(for: lesson))
    {
    case .alreadyDone:
      // As at home: skipping a question that is done just moves on.
      if pacing == .student { return move(p, by: 1, on: conn, now: now) }
      return [.send(conn, Self.rejected(nil, "this question is already done"))]
    case .skipOff: return [.send(conn, Self.rejected(nil, "skipping is off in this session"))]
    case .skipped: break
    }
    var fact = SessionFact(.skipped, at: now)
    fact.participant = p.id
    fact.lesson = lesson.id
    fact.question = q.id
    apply(fact)
    var done = LearnerMessage(type: .skipped)
    done.lesson = lesson.id
    done.question = q.id
    done.digest = q.digest
    var actions: [Action] = [.log(fact), .send(conn, done), .changed]
    if pacing == .student { actions += move(participants[p.id]!, by: 1, on: conn, now: now) }
    return actions
  }

  /// Student-paced navigation; in an instructor-paced room the instructor moves everyone.
  mutating func move(_ p: Participant, by delta: Int, on conn: ConnectionID, now: Int64) -> [Action] {
    guard pacing == .student, let lesson else {
      return [.send(conn, Self.rejected(nil, "the instructor sets the pace"))]
    }
    let current = p.position[lesson.id] ?? 0
    let target = min(max(0, current + delta), lesson.items.count - 1)
    guard target != current else { return [] }
    var fact = SessionFact(.advanced, at: now)
    fact.participant = p.id
    fact.lesson = lesson.id
    fact.index = target
    apply(fact)
    participants[p.id]?.arrivedAt = now
    var m = LearnerMessage(type: .item)
    m.item = itemView(for: p.id)
    return [.log(fact), .send(conn, m), .changed]
  }

  // MARK: Instructor

  mutating func handle(_ command: InstructorCommand, now: Int64) -> [Action] {
    if ended { return [.refused("the session has ended")] }
    switch command.command {
    case .openLesson:
      let lesson: Lesson
      switch self.lesson(named: command.lesson ?? "") {
      case .success(let found): lesson = found
      case .failure(let problem): return [.refused(problem.message)]
      }
      var actions = closeOpenQuestion(now: now)
      var fact = SessionFact(.lessonOpened, at: now)
      fact.lesson = lesson.id
      fact.lessonDigest = lesson.digest
      apply(fact)
      actions.append(.log(fact))
      actions += arrive(now: now)
      actions.append(.announce("Lesson \(lesson.id): \(lesson.title) (\(lesson.items.count) items)"))
      return actions + broadcastItems() + [.changed]
    case .next, .previous, .go:
      guard pacing == .instructor else { return [.refused("learners set their own pace (pace instructor to change)")] }
      guard let lesson else { return [.refused("open a lesson first")] }
      let target: Int
      switch command.command {
      case .next: target = itemIndex + 1
      case .previous: target = itemIndex - 1
      default: target = command.index ?? -1
      }
      guard lesson.items.indices.contains(target) else {
        return [.refused(target >= lesson.items.count ? "that was the last item of the lesson" : "no such item")]
      }
      var actions = closeOpenQuestion(now: now)
      var fact = SessionFact(.moved, at: now)
      fact.lesson = lesson.id
      fact.index = target
      apply(fact)
      actions.append(.log(fact))
      actions += arrive(now: now)
      return actions + broadcastItems() + [.changed]
    case .openQuestion:
      guard pacing == .instructor, let lesson, let q = currentQuestion else {
        return [.refused("move the room to a question first")]
      }
      let key = Self.key(lesson: lesson.id, question: q.id)
      if runs[key]?.status == .revealed { return [.refused("the answer was already revealed")] }
      if runs[key]?.status == .open && command.seconds == nil { return [.refused("the question is already open")] }
      let actions = open(q, in: lesson, seconds: command.seconds, now: now)
      return actions + broadcastItems() + [.changed]
    case .closeQuestion:
      let actions = closeOpenQuestion(now: now)
      if actions.isEmpty { return [.refused("no question is open")] }
      return actions + broadcastClosed() + [.changed]
    case .reveal:
      guard let lesson, let q = currentQuestion, pacing == .instructor else {
        return [.refused("move the room to a question first")]
      }
      var actions = closeOpenQuestion(now: now)
      var fact = SessionFact(.revealed, at: now)
      fact.lesson = lesson.id
      fact.question = q.id
      apply(fact)
      actions.append(.log(fact))
      for pid in order {
        guard let p = participants[pid], !p.removed, let conn = p.connection else { continue }
        actions.append(.send(conn, revealMessage(q, lesson: lesson, for: p)))
      }
      return actions + [.announce("Answer: \(q.keyText)"), .changed]
    case .showDistribution:
      guard let lesson, let q = currentQuestion else { return [.refused("no question to show")] }
      var fact = SessionFact(.distributionShown, at: now)
      fact.lesson = lesson.id
      fact.question = q.id
      var m = LearnerMessage(type: .distribution)
      m.question = q.id
      let revealed = runs[Self.key(lesson: lesson.id, question: q.id)]?.status == .revealed
      // Before the reveal the room sees counts, not which bar is right.
      m.buckets = distribution(of: q, in: lesson).map {
        DistributionBucket(label: $0.label, count: $0.count, correct: revealed && $0.correct)
      }
      return [.log(fact)] + connectedParticipants().map { .send($0, m) }
    case .showLeaderboard:
      guard settings.leaderboard else {
        return [.refused("the leaderboard is off (set `leaderboard: true` in the policy file)")]
      }
      var m = LearnerMessage(type: .leaderboard)
      m.lines = leaderboardLines(top: 5)
      return connectedParticipants().map { .send($0, m) }
    case .lock, .unlock:
      let fact = SessionFact(command.command == .lock ? .locked : .unlocked, at: now)
      apply(fact)
      return [.log(fact), .announce(locked ? "The room is locked" : "The room is open for joining"), .changed]
    case .remove:
      guard let pid = command.participant, let p = participants[pid], !p.removed else {
        return [.refused("no participant `\(command.participant ?? "")`")]
      }
      var fact = SessionFact(.removed, at: now)
      fact.participant = pid
      apply(fact)
      var actions: [Action] = [.log(fact)]
      if let conn = p.connection {
        byConnection[conn] = nil
        participants[pid]?.connection = nil
        actions += [.send(conn, LearnerMessage(type: .removed)), .close(conn)]
      }
      return actions + [.announce("\(p.name) was removed"), .changed]
    case .pace:
      guard let pace = command.pacing else { return [.refused("pace instructor or pace student")] }
      if pace == pacing { return [.refused("the pace is already \(pace.rawValue)'s")] }
      var fact = SessionFact(.paced, at: now)
      fact.pacing = pace
      var actions = pace == .student ? closeOpenQuestion(now: now) : []
      apply(fact)
      actions.append(.log(fact))
      if pace == .instructor { actions += arrive(now: now) }
      var told = LearnerMessage(type: .paced)
      told.pacing = pace
      let place = lesson.map { " (\($0.id), item \(itemIndex + 1) of \($0.items.count))" } ?? ""
      let announcement =
        pace == .student
        ? "Pacing: student — each learner goes on from where the room was\(place)"
        : "Pacing: instructor — every learner is back on the room's item\(place)"
      return actions + connectedParticipants().map { .send($0, told) } + broadcastItems()
        + [.announce(announcement), .changed]
    case .end:
      var actions = closeOpenQuestion(now: now)
      let fact = SessionFact(.ended, at: now)
      apply(fact)
      actions.append(.log(fact))
      return actions + [.announce("The session has ended"), .ended, .changed]
    }
  }

  /// Opening a question when the room lands on it, unless it was opened before.
  mutating func arrive(now: Int64) -> [Action] {
    guard pacing == .instructor, let lesson, let q = currentQuestion,
      runs[Self.key(lesson: lesson.id, question: q.id)] == nil
    else { return [] }
    return open(q, in: lesson, seconds: nil, now: now)
  }

  mutating func open(_ q: Question, in lesson: Lesson, seconds: Int?, now: Int64) -> [Action] {
    var fact = SessionFact(.questionOpened, at: now)
    fact.lesson = lesson.id
    fact.question = q.id
    let s = (seconds ?? 0) > 0 ? seconds : settings.timer
    fact.deadline = s.map { now + Int64($0) * 1000 }
    apply(fact)
    let timer = s.map { ", \($0) s" } ?? ""
    return [.log(fact), .announce("Question \(q.id) is open\(timer)")]
  }

  mutating func closeOpenQuestion(now: Int64) -> [Action] {
    guard let lesson, let q = currentQuestion else { return [] }
    let key = Self.key(lesson: lesson.id, question: q.id)
    guard runs[key]?.status == .open else { return [] }
    var fact = SessionFact(.questionClosed, at: now)
    fact.lesson = lesson.id
    fact.question = q.id
    apply(fact)
    let answered = order.filter { participants[$0]?.answers[key] != nil }.count
    return [.log(fact), .announce("Question \(q.id) closed: \(answered) answered")]
  }

  mutating func tick(now: Int64) -> [Action] {
    guard let lesson, let q = currentQuestion,
      let run = runs[Self.key(lesson: lesson.id, question: q.id)], run.status == .open,
      let deadline = run.deadline, now >= deadline
    else { return [] }
    return closeOpenQuestion(now: now) + broadcastClosed() + [.changed]
  }

  func connectedParticipants() -> [ConnectionID] {
    order.compactMap { pid in
      guard let p = participants[pid], !p.removed else { return nil }
      return p.connection
    }
  }

  func broadcastItems() -> [Action] {
    order.compactMap { pid in
      guard let p = participants[pid], !p.removed, let conn = p.connection else { return nil }
      var m = LearnerMessage(type: .item)
      m.item = itemView(for: pid)
      return .send(conn, m)
    }
  }

  func broadcastClosed() -> [Action] {
    guard let q = currentQuestion else { return [] }
    var m = LearnerMessage(type: .closed)
    m.question = q.id
    return connectedParticipants().map { .send($0, m) }
  }

  func revealMessage(_ q: Question, lesson: Lesson, for p: Participant) -> LearnerMessage {
    let presentation = presentation(q, in: lesson, for: p.id)
    var m = LearnerMessage(type: .reveal)
    m.question = q.id
    m.text = q.keyResponse.map { ResponseParser.describe($0, for: q, presentation: presentation) } ?? q.keyText
    m.explanation = q.explanation
    let state = p.answers[Self.key(lesson: lesson.id, question: q.id)]
    m.outcome = state?.outcome
    m.feedback = state.map { Grader.grade(q, $0.response).feedback }
    return m
  }

  // MARK: Views

  /// What one participant sees now.
  public func itemView(for pid: String) -> ItemView? {
    guard let lesson, let p = participants[pid] else { return nil }
    let index = pacing == .student ? (p.position[lesson.id] ?? 0) : itemIndex
    guard lesson.items.indices.contains(index) else { return nil }
    var view = ItemView(
      lesson: lesson.id, lessonTitle: lesson.title, index: index, count: lesson.items.count,
      status: .reading)
    view.lessonDigest = lesson.digest
    switch lesson.items[index] {
    case .page(let page):
      view.pageID = page.id
      view.pageTitle = page.title
      view.markdown = page.markdown
    case .question(let q):
      let policy = policy(for: lesson)
      let presentation = presentation(q, in: lesson, for: pid)
      view.question = Self.questionView(q, order: presentation.order)
      let key = Self.key(lesson: lesson.id, question: q.id)
      let state = p.answers[key]
      let standing = p.standing(key)
      if pacing == .student {
        view.status = standing.isDone(policy: policy) ? .closed : .open
      } else if let run = runs[key] {
        view.status = ItemView.Status(rawValue: run.status.rawValue) ?? .closed
        view.deadline = run.deadline
      }
      view.attemptsLeft = standing.attemptsLeft(policy: policy)
      if let state {
        view.yourAnswer = ResponseParser.describe(state.response, for: q, presentation: presentation)
        if policy.mode == .learn || view.status == .revealed { view.yourOutcome = state.outcome }
      }
    }
    return view
  }

  static func questionView(_ q: Question, order: [Int]) -> QuestionView {
    var v = QuestionView(id: q.id, kind: q.kind, prompt: q.prompt, points: q.points, hints: q.hints.count, digest: q.digest)
    func arranged<T>(_ xs: [T]) -> [T] {
      order.count == xs.count ? order.map { xs[$0] } : xs
    }
    switch q.body {
    case .single(let c), .multiple(let c): v.choices = arranged(c.map(\.text))
    case .trueFalse: v.choices = ["True", "False"]
    case .ordering(let items, _): v.items = arranged(items)
    case .matching(let pairs, _):
      v.left = pairs.map(\.left)
      v.right = arranged(pairs.map(\.right))
    case .shortAnswer, .numeric: break
    }
    return v
  }

  /// An answer in the lesson file's terms: its choice letters and item numbers, not the shuffled
  /// ones the participant saw, so that answers compare across participants. What the instructor's
  /// screens, the chart and the roster show.
  public static func asAuthored(_ response: Response, to q: Question) -> String {
    ResponseParser.describe(response, for: q, presentation: .canonical(count: q.presentedCount))
  }

  /// Answers to a question so far, for the chart: one bar per choice for choice questions,
  /// one per distinct answer (most common first) otherwise.
  public func distribution(of q: Question, in lesson: Lesson) -> [DistributionBucket] {
    let key = Self.key(lesson: lesson.id, question: q.id)
    let states = order.compactMap { pid -> AnswerState? in
      guard let p = participants[pid], !p.removed else { return nil }
      return p.answers[key]
    }
    switch q.body {
    case .single(let c), .multiple(let c):
      return c.enumerated().map { i, choice in
        let n = states.filter { if case .choices(let picked) = $0.response { picked.contains(i) } else { false } }.count
        return DistributionBucket(label: "\(Presentation.letter(i).uppercased()). \(choice.text)", count: n, correct: choice.correct)
      }
    case .trueFalse(let answer, _, _):
      return [(0, "True"), (1, "False")].map { i, label in
        let n = states.filter { $0.response == .choices([i]) }.count
        return DistributionBucket(label: label, count: n, correct: (i == 0) == answer)
      }
    default:
      var counts: [String: (Int, Bool)] = [:]
      for s in states {
        let label = Self.asAuthored(s.response, to: q)
        counts[label, default: (0, s.outcome == .correct)].0 += 1
      }
      var buckets = counts.map { DistributionBucket(label: $0.key, count: $0.value.0, correct: $0.value.1) }
        .sorted { ($0.count, $1.label) > ($1.count, $0.label) }
      if buckets.count > 8 {
        let rest = buckets[7...].reduce(0) { $0 + $1.count }
        buckets = Array(buckets[..<7]) + [DistributionBucket(label: "other answers", count: rest, correct: false)]
      }
      return buckets
    }
  }

  /// Lessons whose questions count for a participant, with the questions that count.
  public func scoredQuestions() -> [(Lesson, [Question])] {
    lessonsOpened.compactMap { id in
      guard let lesson = course.lesson(id: id) else { return nil }
      switch pacing {
      case .student: return (lesson, lesson.questions)
      case .instructor:
        let qs = lesson.questions.filter { asked.contains(Self.key(lesson: id, question: $0.id)) }
        return qs.isEmpty ? nil : (lesson, qs)
      }
    }
  }

  /// Accuracy: points earned over points available for the questions asked. No speed points.
  public func score(of pid: String) -> (earned: Double, possible: Double) {
    guard let p = participants[pid] else { return (0, 0) }
    var earned = 0.0
    var possible = 0.0
    for (lesson, qs) in scoredQuestions() {
      for q in qs {
        possible += q.points
        earned += p.standing(Self.key(lesson: lesson.id, question: q.id)).earned
      }
    }
    return (earned, possible)
  }

  func leaderboardLines(top: Int) -> [String] {
    let ranked = order.compactMap { participants[$0] }.filter { !$0.removed }
      .map { ($0, score(of: $0.id).earned) }
      .sorted { $0.1 > $1.1 }
      .prefix(top)
    return ranked.enumerated().map { i, entry in
      let who = settings.anonymous ? entry.0.alias : entry.0.name
      return "\(i + 1). \(who) — \(formatNumber((entry.1 * 10).rounded() / 10))"
    }
  }

  // MARK: Applying facts

  /// The only place the room's state changes; used live and for replay.
  public mutating func apply(_ fact: SessionFact) {
    switch fact.kind {
    case .created:
      settings = fact.settings ?? settings
    case .joined:
      guard let pid = fact.participant, participants[pid] == nil else { return }
      participants[pid] = Participant(
        id: pid, name: fact.name ?? pid, alias: fact.alias ?? pid, tokenHash: fact.tokenHash ?? "",
        joinedAt: fact.at)
      order.append(pid)
      if let hash = fact.tokenHash { byToken[hash] = pid }
    case .removed:
      guard let pid = fact.participant else { return }
      participants[pid]?.removed = true
    case .locked: locked = true
    case .unlocked: locked = false
    case .paced:
      let pace = fact.pacing ?? settings.pacing
      // Handing the pace to the learners keeps everyone where they are: on the room's item.
      if pace == .student, settings.pacing == .instructor, let lessonID {
        for pid in order { participants[pid]?.position[lessonID] = itemIndex }
      }
      settings.pacing = pace
    case .ended: endedAt = fact.at
    case .lessonOpened:
      lessonID = fact.lesson
      itemIndex = 0
      if let id = fact.lesson, !lessonsOpened.contains(id) {
        lessonsOpened.append(id)
        lessonOpenedAt[id] = fact.at
      }
    case .moved:
      itemIndex = fact.index ?? itemIndex
    case .questionOpened:
      guard let l = fact.lesson, let q = fact.question else { return }
      let key = Self.key(lesson: l, question: q)
      runs[key] = QuestionRun(status: .open, deadline: fact.deadline, openedAt: runs[key]?.openedAt ?? fact.at)
      if !asked.contains(key) { asked.append(key) }
    case .questionClosed:
      guard let l = fact.lesson, let q = fact.question else { return }
      runs[Self.key(lesson: l, question: q)]?.status = .closed
    case .revealed:
      guard let l = fact.lesson, let q = fact.question else { return }
      let key = Self.key(lesson: l, question: q)
      if runs[key] == nil { runs[key] = QuestionRun(status: .revealed, deadline: nil, openedAt: fact.at) }
      runs[key]?.status = .revealed
      if !asked.contains(key) { asked.append(key) }
    case .distributionShown: break
    case .answered:
      guard let pid = fact.participant, let l = fact.lesson, let qid = fact.question,
        let lesson = course.lesson(id: l), let q = lesson.question(id: qid), let response = fact.response,
        let outcome = fact.outcome, participants[pid] != nil
      else { return }
      let key = Self.key(lesson: l, question: qid)
      participants[pid]!.standings[key, default: QuestionStanding()]
        .recordAnswer(outcome: outcome, response: response, earned: fact.earned ?? 0)
      participants[pid]!.answers[key] = AnswerState(
        raw: fact.raw ?? "", response: response, outcome: outcome, credit: fact.credit ?? 0, ms: fact.ms,
        at: fact.at)
      participants[pid]!.history.append(fact)
      if let sub = fact.submission {
        submissions[pid + "\0" + sub] = ack(
          for: fact, standing: participants[pid]!.standing(key), lesson: lesson, question: q)
      }
    case .hintShown:
      guard let pid = fact.participant, let l = fact.lesson, let q = fact.question, participants[pid] != nil
      else { return }
      participants[pid]!.standings[Self.key(lesson: l, question: q), default: QuestionStanding()]
        .recordHint(number: fact.hint ?? 1)
      participants[pid]!.history.append(fact)
    case .skipped:
      guard let pid = fact.participant, let l = fact.lesson, let q = fact.question, participants[pid] != nil
      else { return }
      participants[pid]!.standings[Self.key(lesson: l, question: q), default: QuestionStanding()].recordSkip()
      participants[pid]!.history.append(fact)
    case .advanced:
      guard let pid = fact.participant, let l = fact.lesson, let i = fact.index else { return }
      participants[pid]?.position[l] = i
    }
  }

  // MARK: Helpers

  static func error(_ text: String) -> LearnerMessage {
    var m = LearnerMessage(type: .error)
    m.text = text
    return m
  }

  static func rejected(_ submission: String?, _ text: String) -> LearnerMessage {
    var m = LearnerMessage(type: .rejected)
    m.submission = submission
    m.text = text
    return m
  }

  public static func hash(_ token: String) -> String {
    Hex.string(SHA256.hash(data: Data(token.utf8)))
  }

  static func randomToken() -> String {
    var g = SystemRandomNumberGenerator()
    return (0..<4).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max, using: &g)) }.joined()
  }

  static func makeJoinCode(digits: Int = 6) -> String {
    String((0..<digits).map { _ in Character(String(Int.random(in: 0...9))) })
  }

  /// Whether `code` is this room's join code (compared in constant time).
  public func isJoinCode(_ code: String) -> Bool {
    constantTimeEqual(Array(code.utf8), Array(joinCode.utf8))
  }

  static func makeSessionID(now: Int64) -> String {
    let stamp = Timestamp.format(milliseconds: now).prefix(19)
      .replacingOccurrences(of: ":", with: "").replacingOccurrences(of: "-", with: "")
    return "\(stamp)-\(String(format: "%04x", Int.random(in: 0..<65536)))".lowercased()
  }
}

/// Equal-length-independent comparison whose time does not depend on where the inputs differ.
public func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
  var diff = UInt8(truncatingIfNeeded: a.count ^ b.count)
  let n = max(a.count, b.count)
  for i in 0..<n {
    let x = i < a.count ? a[i] : 0
    let y = i < b.count ? b[i] : 0
    diff |= x ^ y
  }
  return diff == 0
}
