import Foundation
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
      for id in ids {
        do {
          let built = try ProgressRecords.build(
            store: store, id: id, course: course, progressRoot: root, pseudonymize: false)
          out.warnings += built.warnings
          add(built.record, course: course, options: options, source: id.rawValue, into: &out)
        } catch {
          out.problems.append("\(id.rawValue): \(error)")
        }
      }
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
    let outbox: Outbox
    do {
      outbox = try Outbox(folder: source.outboxFolder, key: settings.outboxKey, wait: waitForLock)
    } catch {
      throw SyncFailure(error.description)
    }
    defer { outbox.close() }
    do {
      try outbox.enqueue(collected.statements.map { ($0.id, $0.body) }, retryingRefused: retryRefused)
    } catch {
      throw SyncFailure("cannot write the outbox: \(error)")
    }
    let report = await deliver(outbox, settings: settings)
    try? outbox.compactIfWorthIt()
    return (report, collected)
  }

  /// Sends what an already open outbox holds.
  public static func deliver(_ outbox: Outbox, settings: LRSSettings) async -> SyncReport {
    let client = LRSClient(settings: settings)
    let report = await StatementSender(client: client, settings: settings).deliver(outbox)
    await client.shutdown()
    return report
  }
}
