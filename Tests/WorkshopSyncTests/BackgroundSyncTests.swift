import Foundation
import Testing
import WorkshopEngine
import WorkshopTestSupport

@testable import WorkshopSync

/// Background sending on its own, against a real LRS (Ralph): what a round does when another
/// process is sending from the outbox, and when the LRS goes away and comes back.
@Suite(.serialized) struct BackgroundSyncTests {
  /// A learner who has answered the fixture course's first question, journaled by the engine.
  static func learnerWithOneAnswer(in folder: TemporaryFolder) throws -> (store: ProgressStore, id: LearnerID) {
    try FileManager.default.createDirectory(atPath: folder.file("lessons"), withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      atPath: BuiltProducts.packageRoot.appendingPathComponent("Tests/Fixtures/getting-started").path,
      toPath: folder.file("lessons/getting-started"))
    let course = try #require(LessonLoader.load(root: folder.file("lessons")).library.course(id: "getting-started"))
    let lesson = try #require(course.lessons.first { !$0.questions.isEmpty })
    let question = lesson.questions[0]
    let store = ProgressStore(root: folder.file("progress"))
    let profile = try store.createProfile(name: "Ana")
    let journal = try store.openJournal(profile.id)
    defer { journal.close() }
    try journal.append(
      JournalEvent(
        at: "2026-11-30T10:00:00.000Z", kind: .lessonStarted, course: course.id, lesson: lesson.id,
        lessonDigest: lesson.digest))
    let response: Response =
      switch question.body {
      case .single(let choices), .multiple(let choices): .choices([choices.firstIndex { $0.correct } ?? 0])
      case .trueFalse(let answer, _, _): .choices([answer ? 0 : 1])
      default: .text("anything")
      }
    let grade = Grader.grade(question, response)
    try journal.append(
      JournalEvent(
        at: "2026-11-30T10:00:05.000Z", kind: .answerSubmitted, course: course.id, lesson: lesson.id,
        lessonDigest: lesson.digest, question: question.id, questionDigest: question.digest, raw: "a",
        response: response, outcome: grade.outcome, credit: grade.credit, earned: grade.credit * question.points,
        attempt: 1, seconds: 5))
    return (store, profile.id)
  }

  /// The rounds run on the cooperative thread pool, which on two cores other suites' blocking
  /// work can hold for minutes; these bounds are for a starved pool, not for a slow LRS.
  static let patience: Duration = .seconds(300)

  /// `sessionEnding()` blocks its thread until the last round is done, as the session's main
  /// thread does; called from a test's task it would hold one of the pool's threads the round needs.
  static func ending(_ sync: BackgroundSync) async -> String? {
    await withCheckedContinuation { done in
      Thread.detachNewThread { done.resume(returning: sync.sessionEnding()) }
    }
  }

  final class Notices: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
  }

  static func settings(_ endpoint: String) throws -> LRSSettings {
    LRSSettings(
      endpoint: try #require(URL(string: endpoint)),
      credentials: .basic(username: RalphLRS.username, password: RalphLRS.password), timeout: .seconds(2))
  }

  @Test(.enabled(if: RalphLRS.shouldRun, Comment(rawValue: RalphLRS.skipMessage)))
  func aRoundLeavesAnOutboxInUseAloneAndSendsOnceItIsFree() async throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let (_, learner) = try Self.learnerWithOneAnswer(in: folder)
    let lrs = try RalphLRS(folder: folder.file("lrs"))
    defer { lrs.stop() }
    let settings = try Self.settings(lrs.endpoint)
    let sync = BackgroundSync(
      settings: settings, progressRoot: folder.file("progress"), lessonsRoot: folder.file("lessons"),
      finalFlush: Self.patience, retryDelays: .milliseconds(50) ... .milliseconds(200))
    let notices = Notices()
    sync.sessionStarted(notify: { notices.add($0) })

    // `workshop sync` is sending from the same outbox: rounds pass without touching it.
    let held = try Outbox(folder: folder.file("progress/.lrs"), key: settings.outboxKey)
    sync.journalSaved(learner: learner)
    #expect(await eventually(timeout: Self.patience) { sync.roundsFinished >= 2 })
    #expect(lrs.storedStatements().isEmpty)
    #expect(held.pending.isEmpty, "nothing was queued behind the holder's back")
    held.close()

    // Free again: a later round queues and sends the answer, once, with nothing said to the learner.
    #expect(await eventually(timeout: Self.patience) { lrs.storedStatements().count == 1 })
    #expect(await Self.ending(sync) == nil)
    #expect(lrs.storedStatements().count == 1)
    #expect(notices.all.isEmpty, "\(notices.all)")
  }

  @Test(.enabled(if: RalphLRS.shouldRun, Comment(rawValue: RalphLRS.skipMessage)))
  func anLRSThatGoesAwayIsMentionedOnceAndItsReturnToo() async throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let (_, learner) = try Self.learnerWithOneAnswer(in: folder)
    let port = try RalphLRS.freePort()
    let settings = try Self.settings("http://127.0.0.1:\(port)/xAPI/")
    let sync = BackgroundSync(
      settings: settings, progressRoot: folder.file("progress"), lessonsRoot: folder.file("lessons"),
      finalFlush: Self.patience, retryDelays: .milliseconds(50) ... .milliseconds(200))
    let notices = Notices()
    sync.sessionStarted(notify: { notices.add($0) })

    sync.journalSaved(learner: learner)
    #expect(await eventually(timeout: Self.patience) { sync.roundsFinished >= 2 })
    #expect(notices.all == ["the LRS cannot be reached just now; your answers are saved here and will be sent later."])
    let outbox = try String(contentsOfFile: folder.file("progress/.lrs/\(settings.outboxKey).outbox"), encoding: .utf8)
    #expect(outbox.hasPrefix("Q "), "queued while the LRS was away")

    let lrs = try RalphLRS(folder: folder.file("lrs"), port: port)
    defer { lrs.stop() }
    #expect(await eventually(timeout: Self.patience) { lrs.storedStatements().count == 1 })
    #expect(await eventually(timeout: Self.patience) { notices.all.count == 2 })
    #expect(notices.all.last == "records are reaching the LRS again.")
    #expect(await Self.ending(sync) == nil)
    #expect(lrs.storedStatements().count == 1)
  }
}
