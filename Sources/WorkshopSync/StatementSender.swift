#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine
import WorkshopRecords

/// How a sync ended: every count the administrator needs to know what reached the LRS.
public struct SyncReport: Sendable {
  public struct Refusal: Sendable, Hashable {
    public var id: String
    public var reason: String
  }

  /// Stored by the LRS in this run.
  public var sent = 0
  /// The LRS already had them (a re-send after an interruption, or a 409).
  public var alreadyPresent = 0
  /// Refused in this run with a 400, with the LRS's reason.
  public var refused: [Refusal] = []
  /// Refused in an earlier run and not retried (see `--retry-refused`).
  public var refusedEarlier = 0
  /// Still queued: the LRS was unreachable, busy or refused the credentials.
  public var left = 0
  /// Why statements were left for later, when they were.
  public var stopReason: String?
  /// The LRS rejected the credentials (401/403).
  public var credentialsRejected = false

  public init() {}

  public var complete: Bool { left == 0 && stopReason == nil && refused.isEmpty && refusedEarlier == 0 }

  public var summary: String {
    var parts = ["\(sent) sent", "\(alreadyPresent) already present"]
    parts.append("\(refused.count + refusedEarlier) refused")
    parts.append("\(left) left for later")
    return parts.joined(separator: ", ")
  }
}

/// Sends an outbox's pending statements in batches and records each answer in the outbox.
struct StatementSender {
  let client: LRSClient
  let settings: LRSSettings

  func deliver(_ outbox: Outbox) async -> SyncReport {
    var report = SyncReport()
    report.refusedEarlier = outbox.refused.count
    let pending = outbox.pending
    var index = 0
    while index < pending.count {
      let batch = Array(pending[index..<min(index + settings.batchSize, pending.count)])
      let outcome = await sendBatch(batch, outbox: outbox, report: &report)
      if case .stop(let reason) = outcome {
        report.stopReason = reason
        report.left = outbox.pending.count
        return report
      }
      index += batch.count
    }
    return report
  }

  enum BatchOutcome {
    case done
    case stop(String)
  }

  private func sendBatch(
    _ batch: [(id: String, body: [UInt8])], outbox: Outbox, report: inout SyncReport
  ) async -> BatchOutcome {
    let reply = await withRetries { await client.post(statements: batch.map(\.body)) }
    switch reply {
    case .response(let status, let body) where (200..<300).contains(status):
      // An LRS answers 200 with the ids it stored; the rest of the batch it already had.
      // 204 (no content) means it had all of them.
      let ids = batch.map(\.id)
      let stored: Set<String> = status == 204 ? [] : Set(Self.storedIDs(body) ?? ids)
      let sent = ids.filter { stored.contains($0) }
      let present = ids.filter { !stored.contains($0) }
      if let failure = record(outbox, sent: sent, present: present) { return .stop(failure) }
      report.sent += sent.count
      report.alreadyPresent += present.count
      return .done
    case .response(let status, _) where status == 400 || status == 409 || status == 413:
      // Something in the batch is refused or already stored differently; only one at a time tells which.
      return await sendOneByOne(batch, outbox: outbox, report: &report)
    default:
      return .stop(Self.stopReason(reply, settings: settings, report: &report))
    }
  }

  private func sendOneByOne(
    _ batch: [(id: String, body: [UInt8])], outbox: Outbox, report: inout SyncReport
  ) async -> BatchOutcome {
    for statement in batch {
      let reply = await withRetries { await client.put(statement: statement.body, id: statement.id) }
      switch reply {
      case .response(let status, _) where (200..<300).contains(status):
        if let failure = record(outbox, sent: [statement.id], present: []) { return .stop(failure) }
        report.sent += 1
      case .response(409, _):
        // xAPI: a statement with this id exists already. The id is derived from the record, so
        // it is this statement (the content may since have been re-rendered); count it as delivered.
        if let failure = record(outbox, sent: [], present: [statement.id]) { return .stop(failure) }
        report.alreadyPresent += 1
      case .response(400, let body):
        let reason = Self.reason(body) ?? "HTTP 400"
        do {
          try outbox.refuse(statement.id, reason: reason)
        } catch {
          return .stop(error.description)
        }
        report.refused.append(.init(id: statement.id, reason: reason))
      default:
        return .stop(Self.stopReason(reply, settings: settings, report: &report))
      }
    }
    return .done
  }

  private func record(_ outbox: Outbox, sent: [String], present: [String]) -> String? {
    do {
      try outbox.acknowledge(sent, as: .sent)
      try outbox.acknowledge(present, as: .present)
      return nil
    } catch {
      return "the LRS stored the statements but the outbox could not note it (they will be sent again, harmlessly): \(error)"
    }
  }

  /// Tries again on no answer, 408, 429 and 5xx, waiting longer each time (exponential backoff with
  /// jitter, so many clients recovering together do not all knock at once).
  private func withRetries(_ request: () async -> LRSReply) async -> LRSReply {
    var delay = settings.initialBackoff
    var attempt = 1
    while true {
      let reply = await request()
      if !reply.isRetryable || attempt >= settings.attempts { return reply }
      let jittered = delay * Double.random(in: 0.5...1.0)
      try? await Task.sleep(for: jittered)
      if Task.isCancelled { return reply }
      delay = min(delay * 2, .seconds(30))
      attempt += 1
    }
  }

  static func stopReason(_ reply: LRSReply, settings: LRSSettings, report: inout SyncReport) -> String {
    let endpoint = settings.displayEndpoint
    switch reply {
    case .unreachable(let why):
      return "the LRS at \(endpoint) did not answer (\(why)) after \(settings.attempts) tries"
    case .response(let status, let body) where status == 401 || status == 403:
      report.credentialsRejected = true
      let how =
        switch settings.credentials {
        case .none: "no credentials were given: set WORKSHOP_LRS_USERNAME and WORKSHOP_LRS_PASSWORD, or WORKSHOP_LRS_TOKEN"
        case .basic(let user, _): "check the password for LRS user \"\(user)\""
        case .bearer: "check the token"
        }
      return "the LRS at \(endpoint) refused the credentials (HTTP \(status)\(reason(body).map { ": " + $0 } ?? "")); \(how)"
    case .response(let status, let body):
      return "the LRS at \(endpoint) answered HTTP \(status)\(reason(body).map { ": " + $0 } ?? "")"
    }
  }

  /// The ids in a `POST /statements` answer (a JSON array of strings).
  static func storedIDs(_ body: [UInt8]) -> [String]? {
    guard let value = try? JSONParser.parse(Data(body)), let array = value.array else { return nil }
    return array.compactMap(\.string)
  }

  /// The LRS's explanation, from the usual JSON error shapes or the plain text.
  static func reason(_ body: [UInt8]) -> String? {
    guard !body.isEmpty else { return nil }
    if let value = try? JSONParser.parse(Data(body)) {
      for key in ["detail", "message", "error", "errorMessage"] {
        if let s = value[key]?.string { return String(s.prefix(500)) }
        if let v = value[key], !v.isNull { return String(JSONWriter.canonical(v).prefix(500)) }
      }
    }
    let text = String(decoding: body.prefix(500), as: UTF8.self).trimmed()
    return text.isEmpty ? nil : text
  }
}
