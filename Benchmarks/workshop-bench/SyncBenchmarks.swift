import Foundation
import WorkshopEngine
import WorkshopRecords
import WorkshopSync
import WorkshopTestSupport

/// `workshop sync` of 1,000 learners × 70 answers to a real LRS: Ralph with its file backend on
/// loopback (installed by scripts/install-ralph), started and stopped here.
public enum SyncBenchmarks {
  public static func run(learners: Int = 1000, batchSize: Int = 2000) async -> [String] {
    guard RalphLRS.isInstalled else { return ["sync: skipped (\(RalphLRS.skipMessage))"] }
    let course = RecordsBenchmarks.syntheticCourse(lessons: 7, questionsPerLesson: 10)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("workshop-bench-sync-\(getpid())").path
    let records = directory + "/records"
    try? FileManager.default.createDirectory(atPath: records, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    for i in 0..<learners {
      let id = LearnerIdentity(opaqueID: LearnerIdentity.opaqueID(salt: "bench", learner: "l\(i)"), displayName: "Learner \(i)")
      let r = RecordBuilder.build(
        events: RecordsBenchmarks.syntheticJournal(course: course, learner: i), course: course,
        learner: id.record(pseudonymize: false), generatedAt: "2026-01-01T00:00:00.000Z")
      try? r.fileText().write(toFile: records + "/learner-\(i).json", atomically: false, encoding: .utf8)
    }
    let lrs: RalphLRS
    do {
      lrs = try RalphLRS(folder: directory + "/lrs")
    } catch {
      return ["sync: skipped (\(error))"]
    }
    defer { lrs.stop() }
    let settings = LRSSettings(
      endpoint: URL(string: lrs.endpoint)!, credentials: .basic(username: RalphLRS.username, password: RalphLRS.password),
      batchSize: batchSize, timeout: .seconds(300))
    let source = SyncSource.records(folder: records, lessonsRoot: directory + "/no-lessons")
    var lines: [String] = []
    let start = ContinuousClock.now
    guard let first = try? await LRSSync.run(source, settings: settings) else { return ["sync: failed"] }
    let firstTime = seconds(ContinuousClock.now - start)
    let total = first.report.sent + first.report.alreadyPresent
    lines.append(
      String(
        format: "sync: %d learners, %d statements to Ralph (file backend), batches of %d: %.1f s (%.0f statements/s)",
        learners, total, batchSize, firstTime, Double(total) / firstTime)
        + (first.report.complete ? "" : " INCOMPLETE: \(first.report.summary) \(first.report.stopReason ?? "")"))
    let again = ContinuousClock.now
    let second = try? await LRSSync.run(source, settings: settings)
    lines.append(
      String(
        format: "sync: the same again, nothing new to send: %.2f s (%d sent)", seconds(ContinuousClock.now - again),
        second?.report.sent ?? -1))
    lines.append("sync: statements stored by the LRS: \(lrs.storedStatements().count)")
    return lines
  }

  /// The learner's answer-to-feedback time and launch to the first question (pty, as in
  /// `workshop-bench repl`) without `--sync`, with it and Ralph answering, and with it and nothing
  /// listening at the endpoint.
  public static func answerPath(binary: String, lessons: String, scratch: String, runs: Int = 20) -> [String] {
    guard RalphLRS.isInstalled else { return ["sync-repl: skipped (\(RalphLRS.skipMessage))"] }
    let lrs: RalphLRS
    do {
      lrs = try RalphLRS(folder: scratch + "/sync-repl-lrs")
    } catch {
      return ["sync-repl: skipped (\(error))"]
    }
    defer { lrs.stop() }
    let credentials = [
      "WORKSHOP_LRS_USERNAME": RalphLRS.username, "WORKSHOP_LRS_PASSWORD": RalphLRS.password, "HOME": scratch,
    ]
    let down = (try? RalphLRS.freePort()).map { "http://127.0.0.1:\($0)/xAPI/" } ?? "http://127.0.0.1:9/xAPI/"
    let cases: [(String, [String], [String: String])] = [
      ("without --sync", [], ["HOME": scratch]),
      ("--sync, Ralph answering", ["--sync"], credentials.merging(["WORKSHOP_LRS_ENDPOINT": lrs.endpoint]) { a, _ in a }),
      ("--sync, nothing at the endpoint", ["--sync"], credentials.merging(["WORKSHOP_LRS_ENDPOINT": down]) { a, _ in a }),
    ]
    var lines: [String] = []
    for (name, options, environment) in cases {
      do {
        let m = try REPLBenchmarks.measure(
          binary: binary, lessons: lessons, scratch: scratch, runs: runs, options: options, environment: environment)
        let feedback = m.feedback.sorted()
        lines.append(
          "sync-repl: answer to feedback, \(name): "
            + String(
              format: "%.2f ms median, %.2f ms p90 (%d runs)", ProcessTiming.median(feedback),
              feedback[min(feedback.count - 1, feedback.count * 9 / 10)], feedback.count))
        // `--sync` starts workshop-live beside the session before the first question.
        lines.append(
          "sync-repl: launch to first question, \(name): "
            + String(format: "%.2f ms median", ProcessTiming.median(m.launch.sorted())))
      } catch {
        lines.append("sync-repl: \(name): failed (\(error))")
      }
    }
    lines.append("sync-repl: statements stored by Ralph during the runs: \(lrs.storedStatements().count)")
    return lines
  }

  static func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
  }
}
