#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine
import WorkshopRecords

/// `workshop --sync`: sends a learner's statements to the LRS while they work.
///
/// The session only tells it that the journal changed (after the journal's fsync); the rest runs
/// on a task of its own, one round at a time: read the journals, queue new statements in the
/// outbox, send what is pending. A learner never waits for the network. When the LRS cannot be
/// reached everything stays in the outbox and rounds are tried again, further and further apart;
/// the learner hears about it once, in one line. At the end of the session one last round gets a
/// bounded time; whatever is still queued then waits for the next `workshop sync`.
public final class BackgroundSync: JournalFollower, @unchecked Sendable {
  /// How long the end of a session may wait for the last round.
  public static let defaultFinalFlush: Duration = .seconds(5)

  let settings: LRSSettings
  let progressRoot: String
  let lessonsRoot: String
  let finalFlush: Duration
  let retryDelays: ClosedRange<Duration>

  private let wake: AsyncStream<Void>.Continuation
  private let rounds: AsyncStream<Void>
  // Everything below is guarded by `condition`.
  private let condition = Condition()
  private var started = false
  private var learners: Set<LearnerID> = []
  /// Rounds asked for; the last of those whose statements a round has queued; the last of those
  /// that a finished round covered.
  private var requested = 0
  private var queued = 0
  private var covered = 0
  private var current: Task<RoundOutcome, Never>?
  private var finishedRounds = 0
  private var lastReport: SyncReport?
  private var failing = false
  private var retry: Task<Void, Never>?
  private var nextRetryDelay: Duration
  private var notify: @Sendable (String) -> Void = { _ in }
  private var courses: [Course]?

  /// `settings` as resolved for `workshop sync`; requests made in the background give up sooner
  /// (fewer tries, a shorter timeout), since a later round tries again anyway.
  public init(
    settings: LRSSettings, progressRoot: String, lessonsRoot: String, finalFlush: Duration = defaultFinalFlush,
    retryDelays: ClosedRange<Duration> = .seconds(2) ... .seconds(60)
  ) {
    var quick = settings
    quick.attempts = min(settings.attempts, 2)
    quick.timeout = min(settings.timeout, .seconds(10))
    self.settings = quick
    self.progressRoot = progressRoot
    self.lessonsRoot = lessonsRoot
    self.finalFlush = finalFlush
    self.retryDelays = retryDelays
    nextRetryDelay = retryDelays.lowerBound
    (rounds, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
  }

  /// Settings from the environment and config file, as `workshop sync` reads them without options.
  public static func configured(progressRoot: String, lessonsRoot: String) throws(LRSSettingsSources.Problem)
    -> BackgroundSync
  {
    BackgroundSync(settings: try LRSSettingsSources().resolve(), progressRoot: progressRoot, lessonsRoot: lessonsRoot)
  }

  // MARK: - JournalFollower

  public func sessionStarted(notify: @escaping @Sendable (String) -> Void) {
    condition.withLock {
      self.notify = notify
      guard !started else { return }
      started = true
      Task.detached { [self] in await work() }
    }
  }

  public func journalSaved(learner: LearnerID) {
    condition.withLock {
      learners.insert(learner)
      requested += 1
    }
    wake.yield()
  }

  public func sessionEnding() -> String? {
    let target: Int = condition.withLock {
      guard started, !learners.isEmpty else { return 0 }
      retry?.cancel()
      // A round still waiting on the network gives way, so that the last round starts at once.
      current?.cancel()
      requested += 1
      return requested
    }
    guard target > 0 else { return nil }
    wake.yield()
    let deadline = Date().addingTimeInterval(Self.seconds(finalFlush))
    condition.lock()
    // First everything is queued (local and quick), then sent for as long as the deadline allows.
    while queued < target, condition.wait(until: deadline) {}
    // When the LRS has not been answering, waiting out the deadline would only delay the exit.
    while covered < target, !(failing && queued >= target), condition.wait(until: deadline) {}
    let finished = covered >= target
    let report = lastReport
    condition.unlock()
    if finished, let report, report.left == 0, report.stopReason == nil { return nil }
    if finished, let report, report.left > 0 {
      return "\(report.left) statements for the LRS wait in the outbox; `workshop sync` sends them."
    }
    return "statements the LRS has not acknowledged yet wait in the outbox; `workshop sync` sends them."
  }

  /// Rounds run so far, whatever their outcome.
  var roundsFinished: Int { condition.withLock { finishedRounds } }

  // MARK: - Rounds

  private func work() async {
    for await _ in rounds {
      let (generation, who) = condition.withLock { (requested, learners.sorted()) }
      guard !who.isEmpty else { continue }
      let task = Task { await round(who, generation: generation) }
      condition.withLock { current = task }
      let outcome = await task.value
      let message: String? = condition.withLock {
        current = nil
        finishedRounds += 1
        covered = max(covered, generation)
        condition.broadcast()
        return settle(outcome)
      }
      if let message { notify(message) }
    }
  }

  enum RoundOutcome {
    case delivered(SyncReport)
    /// `workshop sync` (or another session) is sending from the same outbox; try again shortly.
    case busy
    case failed(String)
    /// Cut short because the session is ending; says nothing about the LRS.
    case interrupted
  }

  /// One pass over the learners' journals: queue what is new, send what is pending.
  func round(_ who: [LearnerID], generation: Int) async -> RoundOutcome {
    let courses = loadedCourses()
    let store = ProgressStore(root: progressRoot)
    var collected = CollectedStatements()
    for course in courses {
      LRSSync.collect(
        who, store: store, progressRoot: progressRoot, course: course, options: settings.statementOptions,
        into: &collected)
    }
    let source = SyncSource.progress(progressRoot: progressRoot, lessonsRoot: lessonsRoot, courseID: "", learners: [])
    let outbox: Outbox
    do {
      outbox = try LRSSync.queue(
        collected.statements, outboxFolder: source.outboxFolder, settings: settings, retryRefused: false,
        waitForLock: false)
    } catch {
      return error.outboxBusy ? .busy : .failed(error.description)
    }
    defer { outbox.close() }
    condition.withLock {
      queued = max(queued, generation)
      condition.broadcast()
    }
    let report = await LRSSync.deliver(outbox, settings: settings)
    try? outbox.compactIfWorthIt()
    return Task.isCancelled && report.stopReason != nil ? .interrupted : .delivered(report)
  }

  private func loadedCourses() -> [Course] {
    if let courses = condition.withLock({ courses }) { return courses }
    // The session has just loaded (or checked) the same snapshot, so this is quick and leaves
    // the cores to the learner's session.
    let loaded = LessonLoader.loadCached(root: lessonsRoot).library.courses
    condition.withLock { courses = loaded }
    return loaded
  }

  /// Records the round's outcome (under the lock); schedules the next try when something is left,
  /// and returns a notice when the learner should hear about a change.
  private func settle(_ outcome: RoundOutcome) -> String? {
    var notice: String?
    var leftBehind = true
    switch outcome {
    case .delivered(let report):
      lastReport = report
      leftBehind = report.left > 0 || report.stopReason != nil
      if leftBehind, !failing {
        notice =
          report.credentialsRejected
          ? "the LRS refused the credentials; your answers are saved here and wait to be sent."
          : "the LRS cannot be reached just now; your answers are saved here and will be sent later."
      } else if !leftBehind, failing {
        notice = "records are reaching the LRS again."
      }
      failing = leftBehind
    case .busy:
      break
    case .interrupted:
      return nil
    case .failed:
      lastReport = nil
      if !failing { notice = "records cannot be queued for the LRS; your answers are saved, and `workshop sync` can send them." }
      failing = true
    }
    retry?.cancel()
    retry = nil
    if leftBehind {
      let delay = nextRetryDelay
      nextRetryDelay = min(delay * 2, retryDelays.upperBound)
      retry = Task.detached { [self] in
        try? await Task.sleep(for: delay)
        if !Task.isCancelled { wake.yield() }
      }
    } else {
      nextRetryDelay = retryDelays.lowerBound
    }
    return notice
  }

  static func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
  }
}
