#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine
import WorkshopRecords

/// Where the statements come from, and so where their outbox lives.
public enum SyncSource: Sendable {
  /// Learners' journals in a progress folder: the named ones, or every learner when empty.
  case progress(progressRoot: String, lessonsRoot: String, courseID: String, learners: [String])
  /// A live session's folder of signed records (`sessions/…/records`).
  case records(folder: String, lessonsRoot: String)

  /// The outbox sits beside what it sends, so it moves and is backed up with it.
  public var outboxFolder: String {
    switch self {
    case .progress(let root, _, _, _): Self.trimmed(root) + "/.lrs"
    case .records(let folder, _): Self.trimmed(folder) + "/.lrs"
    }
  }

  static func trimmed(_ path: String) -> String {
    path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
  }
}

/// A statement ready to send: its id and the exact bytes of its canonical JSON.
public struct EncodedStatement: Sendable {
  public var id: String
  public var body: [UInt8]
}

/// Statements made from a source, with what could not be made.
public struct CollectedStatements: Sendable {
  public var statements: [EncodedStatement] = []
  /// Per learner or record file: why nothing was taken from it. Shown, never fatal for the others.
  public var problems: [String] = []
  public var warnings: [String] = []
  /// Each record with the ids of its statements, for `--check`.
  public var records: [(record: CompletionRecord, ids: [String])] = []
}

public struct SyncFailure: Error, Sendable, CustomStringConvertible {
  public var description: String
  /// Another process is sending from the same outbox just now.
  public var outboxBusy = false
  public init(_ description: String) { self.description = description }
}

/// `workshop sync`: queue the source's statements in its outbox, then deliver what the LRS has
/// not acknowledged. Every front end (the command, background sending) goes through here.
public enum LRSSync {
  /// Builds the statements exactly as `workshop export --format xapi` would.
  public static func collect(_ source: SyncSource, options: XAPIExporter.Options) throws(SyncFailure)
    -> CollectedStatements
  {
    var out = CollectedStatements()
    switch source {
    case .progress(let root, let lessonsRoot, let courseID, let names):
      let store = ProgressStore(root: root)
      guard let course = ProgressRecords.loadCourse(courseID, lessonsRoot: lessonsRoot) else {
        throw SyncFailure("no course \"\(courseID)\" in \(lessonsRoot)")
      }
      var ids: [LearnerID] = []
      if names.isEmpty {
        ids = store.learners()
        if ids.isEmpty { throw SyncFailure("no learners in \(root)") }
      } else {
        for name in names {
          guard let id = ProgressRecords.learner(name, in: store) else {
            throw SyncFailure("no learner \"\(name)\" in \(root)")
          }
          ids.append(id)
        }
      }
      collect(ids, store: store, progressRoot: root, course: course, options: options, into: &out)
    case .records(let folder, let lessonsRoot):
      let files: [String]
      do {
        files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }.sorted()
          .map { SyncSource.trimmed(folder) + "/" + $0 }
      } catch {
        throw SyncFailure("cannot read the records folder \(folder)")
      }
      if files.isEmpty { throw SyncFailure("no record files (*.json) in \(folder)") }
      let library = LessonLoader.load(root: lessonsRoot).library
      let lookup = LessonLibraryLookup { [library] id in library.course(id: id) }
      for entry in RosterEntry.readRecords(files, library: lookup, grading: .engine) {
        // Only records whose signature and digest hold go to the organisation's LRS.
        guard entry.verification.counts, let record = entry.record else {
          out.problems.append(
            "\(entry.source): \(entry.verification.label)\(entry.verification.details.first.map { " (\($0))" } ?? ""); not sent")
          continue
        }
        add(record, course: library.course(id: record.course.id), options: options, source: entry.source, into: &out)
      }
    }
    return out
  }

  /// The learners' statements about one course, from their journals as they are now.
  static func collect(
    _ learners: [LearnerID], store: ProgressStore, progressRoot: String, course: Course, options: XAPIExporter.Options,
    into out: inout CollectedStatements
  ) {
    for id in learners {
      do {
        let built = try ProgressRecords.build(
          store: store, id: id, course: course, progressRoot: progressRoot, pseudonymize: false)
        out.warnings += built.warnings
        add(built.record, course: course, options: options, source: id.rawValue, into: &out)
      } catch {
        out.problems.append("\(id.rawValue): \(error)")
      }
    }
  }

  static func add(
    _ record: CompletionRecord, course: Course?, options: XAPIExporter.Options, source: String,
    into out: inout CollectedStatements
  ) {
    let statements = XAPIExporter.statements(record: record, course: course, options: options)
    // An LRS would refuse these anyway; say so here instead of sending them.
    let problems = XAPIValidator.validate(statements: statements)
    guard problems.isEmpty else {
      out.problems.append("\(source): \(problems.count) invalid statements, not sent (first: \(problems[0]))")
      return
    }
    var ids: [String] = []
    for s in statements {
      guard let id = s["id"]?.string else { continue }
      ids.append(id)
      out.statements.append(EncodedStatement(id: id, body: JSONWriter.canonicalBytes(s)))
    }
    out.records.append((record, ids))
  }

  /// Queues the source's new statements, then sends everything pending.
  public static func run(
    _ source: SyncSource, settings: LRSSettings, retryRefused: Bool = false, waitForLock: Bool = false
  ) async throws(SyncFailure) -> (report: SyncReport, collected: CollectedStatements) {
    let collected = try collect(source, options: settings.statementOptions)
    let report = try await queueAndDeliver(
      collected.statements, outboxFolder: source.outboxFolder, settings: settings, retryRefused: retryRefused,
      waitForLock: waitForLock)
    return (report, collected)
  }

  /// The one way statements reach an LRS, for `workshop sync` and background sending alike: each
  /// is queued durably in the outbox before anything is sent, then everything pending is sent.
  static func queueAndDeliver(
    _ statements: [EncodedStatement], outboxFolder: String, settings: LRSSettings, retryRefused: Bool,
    waitForLock: Bool
  ) async throws(SyncFailure) -> SyncReport {
    let outbox = try queue(
      statements, outboxFolder: outboxFolder, settings: settings, retryRefused: retryRefused, waitForLock: waitForLock)
    defer { outbox.close() }
    let report = await deliver(outbox, settings: settings)
    try? outbox.compactIfWorthIt()
    return report
  }

  /// Opens the outbox (holding its lock until `close()`) and queues the statements it has not seen.
  static func queue(
    _ statements: [EncodedStatement], outboxFolder: String, settings: LRSSettings, retryRefused: Bool,
    waitForLock: Bool
  ) throws(SyncFailure) -> Outbox {
    let outbox: Outbox
    do {
      outbox = try Outbox(folder: outboxFolder, key: settings.outboxKey, wait: waitForLock)
    } catch {
      var failure = SyncFailure(error.description)
      failure.outboxBusy = error.busy
      throw failure
    }
    do {
      try outbox.enqueue(statements.map { ($0.id, $0.body) }, retryingRefused: retryRefused)
    } catch {
      outbox.close()
      throw SyncFailure("cannot write the outbox: \(error)")
    }
    return outbox
  }

  /// Sends what an already open outbox holds.
  public static func deliver(_ outbox: Outbox, settings: LRSSettings) async -> SyncReport {
    // Nothing to send: no connection to open (background rounds often find nothing new).
    if outbox.pending.isEmpty {
      var report = SyncReport()
      report.refusedEarlier = outbox.refused.count
      return report
    }
    let client = LRSClient(settings: settings)
    let report = await StatementSender(client: client, settings: settings).deliver(outbox)
    await client.shutdown()
    return report
  }
}
