import Foundation
import WorkshopEngine
import WorkshopRecords

/// Runs a `Classroom` for real: owns its log, its connections and its clock.
///
/// The ordering rule that makes acknowledgements trustworthy: the actions of one event are
/// carried out in order, and none that follows a logged fact runs before that fact is on disk.
/// While a batch is being synced, even actions without facts of their own wait behind it, so a
/// duplicate submission can never be acknowledged ahead of its original's fsync.
public actor LiveHost {
  public private(set) var room: Classroom
  let log: SessionLog
  public let directory: String
  let key: InstructorKey?
  let issuer: IssuerProfile?
  let clock: @Sendable () -> Int64

  struct Outlet {
    var continuation: AsyncStream<String>.Continuation
    var instructor: Bool
    /// The peer's IP address, for the per-address limits.
    var address: String
  }
  /// Wrong join codes per address: how many in a row, and until when the next try must wait.
  struct WrongCodes {
    var count: Int
    var until: Int64
  }
  var wrongCodes: [String: WrongCodes] = [:]
  var outlets: [ConnectionID: Outlet] = [:]
  var nextConnection = 1
  var queue: [(facts: [SessionFact], actions: [Classroom.Action], done: CheckedContinuation<Void, Never>?)] = []
  var flushing = false
  public private(set) var failure: String?
  var version = 0
  var pushScheduled = false
  var announcers: [Int: AsyncStream<String>.Continuation] = [:]
  /// Records written at the end, by participant id (JSON text).
  var records: [String: String] = [:]
  /// Open Badges of the participants who passed, by participant id (VC-JWT), once issued.
  public private(set) var badges: [String: String] = [:]
  var timerTask: Task<Void, Never>?

  public struct Options: Sendable {
    public var course: Course
    public var settings: SessionSettings
    public var limits: SessionLimits
    /// Folder of this session: `session.jsonl`, then the roster and the records at the end.
    public var directory: String
    public var key: InstructorKey?
    /// Who issues the Open Badges of the participants who pass; nil: no badges.
    public var issuer: IssuerProfile?
    public var clock: @Sendable () -> Int64

    public init(
      course: Course, settings: SessionSettings = SessionSettings(), limits: SessionLimits = SessionLimits(),
      directory: String, key: InstructorKey?, issuer: IssuerProfile? = nil, checker: EngineChecking = EngineChecking(),
      clock: @escaping @Sendable () -> Int64 = LiveHost.systemClock
    ) {
      self.issuer = issuer
      self.course = course
      self.settings = settings
      self.limits = limits
      self.directory = directory
      self.key = key
      self.clock = clock
    }
  }

  public static let systemClock: @Sendable () -> Int64 = { WorkshopClock.nowMilliseconds() }

  public struct StartError: Error, Sendable, CustomStringConvertible {
    public var description: String
  }

  /// Opens the session in `options.directory`: resumes it when its log exists, else starts one.
  /// `resumed` tells which, `warnings` what replaying found.
  public static func open(_ options: Options) async throws -> (host: LiveHost, resumed: Bool, warnings: [String]) {
    let path = (options.directory as NSString).appendingPathComponent("session.jsonl")
    let (log, facts, warnings) = try SessionLog.open(path: path)
    if facts.isEmpty {
      let (room, created) = Classroom.create(
        course: options.course, settings: options.settings, limits: options.limits, now: options.clock())
      try await log.append([created])
      let host = LiveHost(room: room, log: log, options: options)
      return (host, false, warnings)
    }
    do {
      let room = try Classroom.replay(facts, course: options.course, limits: options.limits)
      let host = LiveHost(room: room, log: log, options: options)
      if room.ended { await host.writeRecords() }
      return (host, true, warnings)
    } catch {
      throw StartError(description: "cannot resume \(path): \(error)")
    }
  }

  init(room: Classroom, log: SessionLog, options: Options) {
    self.room = room
    self.log = log
    self.directory = options.directory
    self.key = options.key
    self.issuer = options.issuer
    self.clock = options.clock
  }

  public var joinCode: String { room.joinCode }
  public var instructorToken: String { room.instructorToken }
  public var sessionID: String { room.sessionID }

  /// Starts the once-a-quarter-second tick that closes timed questions.
  public func startTimer() {
    guard timerTask == nil else { return }
    timerTask = Task { [weak self] in
      while !Task.isCancelled {
        try? await Task.sleep(for: .milliseconds(250))
        await self?.tick()
      }
    }
  }

  public func stop() {
    timerTask?.cancel()
    timerTask = nil
    for (_, outlet) in outlets { outlet.continuation.finish() }
    outlets = [:]
  }

  func tick() { run(room.handle(.tick, now: clock())) }

  // MARK: Connections

  /// Why a connection was turned away, in words for the person at the other end.
  public struct Refusal: Error, Sendable, CustomStringConvertible {
    public var description: String
  }

  /// A new connection, or a refusal when a limit is reached. Learner connections that have not
  /// joined yet are capped overall and per address, apart from the room's learner cap, and are
  /// closed if they do not join within the join deadline. At a cap the *oldest* waiting
  /// connection (from the same address first) makes way: a learner joins the moment they
  /// connect, so a crowd of idle sockets only ever pushes out its own kind.
  public func connect(
    instructor: Bool = false, address: String = "local"
  ) -> Result<(ConnectionID, AsyncStream<String>), Refusal> {
    let limits = room.limits
    if instructor {
      guard outlets.count < limits.maxConnections + limits.maxWaitingConnections else {
        return .failure(Refusal(description: "the server is at its connection limit"))
      }
    } else {
      var waiting: [ConnectionID] = []
      var waitingHere: [ConnectionID] = []
      for (id, outlet) in outlets where !outlet.instructor && room.participant(on: id) == nil {
        waiting.append(id)
        if outlet.address == address { waitingHere.append(id) }
      }
      if waitingHere.count >= limits.maxWaitingPerAddress, let oldest = waitingHere.min() {
        evictWaiting(oldest)
      } else if waiting.count >= limits.maxWaitingConnections, let oldest = waiting.min() {
        evictWaiting(oldest)
      }
    }
    let id = nextConnection
    nextConnection += 1
    let (stream, continuation) = AsyncStream<String>.makeStream()
    outlets[id] = Outlet(continuation: continuation, instructor: instructor, address: address)
    if instructor {
      continuation.yield(WireCoding.encode(InstructorView.make(room, version: version)))
    } else {
      let deadline = limits.joinDeadlineMilliseconds
      Task { [weak self] in
        try? await Task.sleep(for: .milliseconds(deadline))
        await self?.closeIfNotJoined(id)
      }
    }
    return .success((id, stream))
  }

  /// Closes a connection that has not joined, to make room for a newer one.
  func evictWaiting(_ id: ConnectionID) {
    var m = LearnerMessage(type: .error)
    m.text = "the server is busy with connections that have not joined; connect again and join straight away"
    deliver(id, m)
    outlets.removeValue(forKey: id)?.continuation.finish()
  }

  /// The join deadline: a learner connection that has not joined by now is closed, with a reason.
  func closeIfNotJoined(_ id: ConnectionID) {
    guard let outlet = outlets[id], !outlet.instructor, room.participant(on: id) == nil else { return }
    var m = LearnerMessage(type: .error)
    m.text = "join within \(room.limits.joinDeadlineMilliseconds / 1000) seconds of connecting; connect again to join"
    deliver(id, m)
    outlets.removeValue(forKey: id)?.continuation.finish()
  }

  /// Whether the connection belongs to a learner who has joined.
  public func hasJoined(_ id: ConnectionID) -> Bool { room.participant(on: id) != nil }

  /// Learner connections open that have not joined yet.
  public var waitingConnections: Int {
    outlets.filter { !$0.value.instructor && room.participant(on: $0.key) == nil }.count
  }

  public func disconnect(_ id: ConnectionID) {
    guard let outlet = outlets.removeValue(forKey: id) else { return }
    outlet.continuation.finish()
    if !outlet.instructor { run(room.handle(.disconnected(id), now: clock())) }
  }

  public var connectionCount: Int { outlets.count }

  /// A text message from a learner's connection.
  public func receive(_ text: String, from id: ConnectionID) {
    guard let outlet = outlets[id] else { return }
    if outlet.instructor {
      if let command = WireCoding.decode(InstructorCommand.self, text) {
        let refusals = run(room.handle(.command(command), now: clock()))
        for r in refusals { send(id, WireCoding.encode(["refused": r])) }
      }
      return
    }
    guard let request = WireCoding.decode(LearnerRequest.self, text) else {
      var m = LearnerMessage(type: .error)
      m.text = "unreadable message"
      deliver(id, m)
      return
    }
    if request.type == .join, room.participant(on: id) == nil, !admitJoinCode(request.code, from: id, address: outlet.address) {
      return
    }
    run(room.handle(.request(id, request), now: clock()))
  }

  /// Rate-limits join-code guessing per address: a few wrong codes are free, then every further
  /// try waits twice as long as the one before (1 s, 2 s, 4 s … up to the limit's ceiling). A
  /// try during the wait is refused without being checked. Wrong codes are announced to the
  /// console. Returns whether the request may go on to the room.
  func admitJoinCode(_ code: String?, from id: ConnectionID, address: String) -> Bool {
    let now = clock()
    let limits = room.limits
    if let state = wrongCodes[address], state.until > now {
      var m = LearnerMessage(type: .error)
      let seconds = (state.until - now + 999) / 1000
      m.text = "too many wrong join codes from your address; wait \(seconds) s before trying again"
      deliver(id, m)
      outlets.removeValue(forKey: id)?.continuation.finish()
      return false
    }
    if let code, room.isJoinCode(code) {
      wrongCodes[address] = nil
      return true
    }
    var state = wrongCodes[address] ?? WrongCodes(count: 0, until: 0)
    state.count += 1
    let over = state.count - limits.freeWrongCodes
    if over > 0 {
      let delay = over >= 17 ? limits.maxWrongCodeDelayMilliseconds : min(limits.maxWrongCodeDelayMilliseconds, Int64(1000) << (over - 1))
      state.until = now + delay
    }
    if wrongCodes.count >= 10_000 { wrongCodes = wrongCodes.filter { $0.value.until > now } }
    wrongCodes[address] = state
    for (_, c) in announcers { c.yield("wrong join code from \(address) (\(state.count) in a row)") }
    return true
  }

  /// An instructor command; returns once its effects are durable, with any refusal.
  @discardableResult
  public func command(_ command: InstructorCommand) async -> [String] {
    let actions = room.handle(.command(command), now: clock())
    let refusals = actions.compactMap { if case .refused(let r) = $0 { r } else { nil } }
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
      enqueue(actions, done: done)
    }
    return refusals
  }

  public func view() -> InstructorView { InstructorView.make(room, version: version) }

  /// Lines for the serve terminal: joins, questions opening and closing, reveals.
  public func announcements() -> AsyncStream<String> {
    let (stream, continuation) = AsyncStream<String>.makeStream()
    let id = (announcers.keys.max() ?? 0) + 1
    announcers[id] = continuation
    return stream
  }

  public func record(for participant: String) -> String? { records[participant] }

  // MARK: Carrying out actions

  @discardableResult
  func run(_ actions: [Classroom.Action]) -> [String] {
    enqueue(actions, done: nil)
    return actions.compactMap { if case .refused(let r) = $0 { r } else { nil } }
  }

  func enqueue(_ actions: [Classroom.Action], done: CheckedContinuation<Void, Never>?) {
    let facts = actions.compactMap { if case .log(let f) = $0 { f } else { nil } }
    if facts.isEmpty && queue.isEmpty && !flushing {
      perform(actions)
      done?.resume()
      return
    }
    queue.append((facts, actions, done))
    if !flushing {
      flushing = true
      Task { await self.flush() }
    }
  }

  func flush() async {
    while !queue.isEmpty {
      let batch = queue
      queue = []
      let facts = batch.flatMap(\.facts)
      do {
        try await log.append(facts)
      } catch {
        // Nothing in this batch may be acknowledged: the room stops taking answers.
        failure = "\(error)"
        for entry in batch {
          for action in entry.actions {
            if case .send(let conn, let m) = action, m.type == .ack {
              var e = LearnerMessage(type: .error)
              e.text = "the server could not save your answer; it was not recorded"
              e.submission = m.submission
              deliver(conn, e)
            }
          }
          entry.done?.resume()
        }
        continue
      }
      for entry in batch {
        perform(entry.actions)
        entry.done?.resume()
      }
    }
    flushing = false
  }

  func perform(_ actions: [Classroom.Action]) {
    for action in actions {
      switch action {
      case .log, .refused: break
      case .send(let conn, let message): deliver(conn, message)
      case .close(let conn):
        outlets.removeValue(forKey: conn)?.continuation.finish()
      case .changed: schedulePush()
      case .announce(let line):
        for (_, c) in announcers { c.yield(line) }
      case .deliverRecord(let conn, let pid): deliverEnd(to: conn, participant: pid)
      case .ended:
        writeRecords()
        for pid in room.order {
          guard let conn = room.participants[pid]?.connection else { continue }
          deliverEnd(to: conn, participant: pid)
        }
      }
    }
  }

  func deliver(_ conn: ConnectionID, _ message: LearnerMessage) {
    send(conn, WireCoding.encode(message))
  }

  func send(_ conn: ConnectionID, _ text: String) {
    outlets[conn]?.continuation.yield(text)
  }

  func deliverEnd(to conn: ConnectionID, participant pid: String) {
    var m = LearnerMessage(type: .ended)
    m.participant = pid
    if room.participants[pid]?.removed == false {
      let totals = LiveCompletion.totals(for: pid, in: room)
      m.score = totals.score
      m.passed = totals.passed
      // After a restart the records are rebuilt from the replayed room: the same events give
      // the same record.
      if records[pid] == nil, room.ended, let r = LiveCompletion.record(for: pid, in: room, key: key) {
        records[pid] = r.fileText()
      }
      m.record = records[pid]
    }
    deliver(conn, m)
  }

  /// Pushes the instructor view at most ten times a second, however fast answers arrive.
  func schedulePush() {
    version += 1
    guard !pushScheduled else { return }
    pushScheduled = true
    Task {
      try? await Task.sleep(for: .milliseconds(100))
      self.pushView()
    }
  }

  func pushView() {
    pushScheduled = false
    let instructors = outlets.filter(\.value.instructor)
    guard !instructors.isEmpty else { return }
    let text = WireCoding.encode(InstructorView.make(room, version: version))
    for (_, outlet) in instructors { outlet.continuation.yield(text) }
  }

  // MARK: Records

  /// Files `writeRecords` could not write, as messages (also announced to the console).
  public private(set) var recordWriteFailures: [String] = []

  /// Roster (CSV and HTML) and one signed record per participant, in the session folder; each
  /// written durably and privately (0600). A file that cannot be written is announced, not lost
  /// silently: the records stay in memory for learners still connected.
  func writeRecords() {
    let recordsDir = (directory as NSString).appendingPathComponent("records")
    func write(_ text: String, _ path: String) {
      do {
        try RecordFiles.writePrivate(text, to: path)
      } catch {
        recordWriteFailures.append(error.description)
        for (_, c) in announcers { c.yield("workshop: \(error.description)") }
      }
    }
    do {
      try DurableFile.makeDirectory(recordsDir, mode: 0o700)
    } catch {
      recordWriteFailures.append(error.description)
      for (_, c) in announcers { c.yield("workshop: \(error.description)") }
    }
    write(LiveRoster.csv(room), (directory as NSString).appendingPathComponent("roster.csv"))
    write(
      LiveRoster.make(room).html(courseTitle: room.course.title, anonymous: room.settings.anonymous),
      (directory as NSString).appendingPathComponent("roster.html"))
    var passed: [(String, WorkshopRecords.CompletionRecord)] = []
    for pid in room.order where room.participants[pid]?.removed == false {
      guard let record = LiveCompletion.record(for: pid, in: room, key: key) else { continue }
      let json = record.fileText()
      records[pid] = json
      write(json, (recordsDir as NSString).appendingPathComponent("\(pid).json"))
      if record.outcome.passed { passed.append((pid, record)) }
    }
    if let key, let issuer, !passed.isEmpty {
      // Signing goes through jwt-kit's actor, so the badges follow the records a moment later.
      Task { await self.writeBadges(passed, key: key, issuer: issuer, folder: recordsDir) }
    }
  }

  /// The same Open Badges `workshop export --format badge` makes, for each participant who
  /// passed, as `records/<participant>.badge.jwt` (0600).
  func writeBadges(
    _ passed: [(String, WorkshopRecords.CompletionRecord)], key: InstructorKey, issuer: IssuerProfile, folder: String
  ) async {
    let course = LiveCompletion.course(of: room)
    for (pid, record) in passed where badges[pid] == nil {
      do {
        let token = try await OpenBadge.issue(record: record, course: course, issuer: issuer, key: key)
        try RecordFiles.writePrivate(token + "\n", to: (folder as NSString).appendingPathComponent("\(pid).badge.jwt"))
        badges[pid] = token
      } catch {
        let message = "cannot issue the badge of \(pid): \(error)"
        recordWriteFailures.append(message)
        for (_, c) in announcers { c.yield("workshop: \(message)") }
      }
    }
  }
}
