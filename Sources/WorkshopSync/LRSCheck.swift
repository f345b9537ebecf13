#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine
import WorkshopRecords

/// What the LRS holds for one learner and course, compared with the local records.
public struct CheckResult: Sendable {
  public var learner: String
  public var local: Int
  public var onLRS: Int
  /// Local statements the LRS does not have.
  public var missing: [String]
  /// Statements the LRS has for this learner and course that the local records do not make.
  public var unexpected: [String]
  /// Same id, but a different verb, object or result.
  public var differing: [String]

  public var matches: Bool { missing.isEmpty && unexpected.isEmpty && differing.isEmpty }
}

extension LRSSync {
  /// `workshop sync --check`: reads back each learner's statements (`GET /statements` with the
  /// agent and course activity as filters, following `more`) and compares them with the records.
  public static func check(_ source: SyncSource, settings: LRSSettings) async throws(SyncFailure)
    -> (results: [CheckResult], collected: CollectedStatements)
  {
    let collected = try collect(source, options: settings.statementOptions)
    let client = LRSClient(settings: settings)
    do {
      let results = try await compare(collected, client: client, settings: settings)
      await client.shutdown()
      return (results, collected)
    } catch {
      await client.shutdown()
      throw error
    }
  }

  static func compare(_ collected: CollectedStatements, client: LRSClient, settings: LRSSettings)
    async throws(SyncFailure) -> [CheckResult]
  {
    let local = Dictionary(collected.statements.map { ($0.id, $0.body) }, uniquingKeysWith: { a, _ in a })
    var results: [CheckResult] = []
    for (record, ids) in collected.records {
      // Filtered by agent only; the course is picked out here, because LRSs differ in how
      // (and whether) they honour `activity` with `related_activities`.
      let courseIRI = XAPIExporter.courseActivityID(record.course.id, options: settings.statementOptions)
      let remote = try await fetch(
        client: client, settings: settings,
        query: [
          ("agent", JSONWriter.canonical(XAPIExporter.agentFilter(record, options: settings.statementOptions))),
          ("limit", "500"),
        ]
      ).filter { Self.concerns($0.value, activity: courseIRI) }
      let localIDs = Set(ids)
      var differing: [String] = []
      for id in ids {
        guard let theirs = remote[id], let body = local[id], let ours = try? JSONParser.parse(Data(body)) else { continue }
        if !Self.sameSubstance(ours, theirs) { differing.append(id) }
      }
      results.append(
        CheckResult(
          learner: record.learner.name, local: ids.count, onLRS: remote.count,
          missing: ids.filter { remote[$0] == nil },
          unexpected: remote.keys.filter { !localIDs.contains($0) }.sorted(),
          differing: differing))
    }
    return results
  }

  static func fetch(client: LRSClient, settings: LRSSettings, query: [(String, String)]) async throws(SyncFailure)
    -> [String: JSONValue]
  {
    var out: [String: JSONValue] = [:]
    var reply = await client.get(query: query)
    var pages = 0
    while true {
      guard case .response(200, let body) = reply else {
        var scratch = SyncReport()
        throw SyncFailure(StatementSender.stopReason(reply, settings: settings, report: &scratch))
      }
      guard let page = try? JSONParser.parse(Data(body)), let statements = page["statements"]?.array else {
        throw SyncFailure("the LRS at \(settings.displayEndpoint) answered with something that is not a StatementResult")
      }
      for s in statements { if let id = s["id"]?.string { out[id] = s } }
      pages += 1
      guard let more = page["more"]?.string, !more.isEmpty, !statements.isEmpty, pages < 10_000 else { break }
      reply = await client.get(more: more)
    }
    return out
  }

  /// Whether the statement is about the activity: as its object, or in its context activities.
  static func concerns(_ statement: JSONValue, activity: String) -> Bool {
    if statement["object"]?["id"]?.string == activity { return true }
    guard let groups = statement["context"]?["contextActivities"]?.members else { return false }
    for (_, group) in groups {
      let list = group.array ?? [group]
      if list.contains(where: { $0["id"]?.string == activity }) { return true }
    }
    return false
  }

  /// What an LRS may not change: verb, object and the result's outcome. (It adds `stored`,
  /// `authority` and `version`, and may respell timestamps, so whole documents are not compared.)
  static func sameSubstance(_ a: JSONValue, _ b: JSONValue) -> Bool {
    a["verb"]?["id"] == b["verb"]?["id"] && a["object"]?["id"] == b["object"]?["id"]
      && a["result"]?["success"] == b["result"]?["success"] && a["result"]?["completion"] == b["result"]?["completion"]
      && a["result"]?["score"]?["raw"] == b["result"]?["score"]?["raw"]
      && a["result"]?["response"] == b["result"]?["response"]
  }
}
