#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine
import WorkshopRecords

#if canImport(Glibc)
  import Glibc
#endif

/// The statements waiting for one LRS and what that LRS has acknowledged, kept in an append-only
/// file (0600) in a 0700 folder beside the progress it comes from.
///
/// Each line is one fact, written and fsynced before it counts:
///   `Q <id> <statement>`   queued: the exact bytes that will be sent
///   `A <how> <id> <id> …`  acknowledged by the LRS (`sent` now, or already `present`)
///   `R <id> <reason>`      refused with a 400: kept out of automatic retries
/// A statement is queued before it is first sent and acknowledged only after the LRS answered,
/// so a crash at any point leaves it either queued (and sent again: harmless, since ids are
/// deterministic and an LRS keeps one statement per id) or acknowledged. A last line without its
/// newline is a write the crash cut short and is dropped.
public final class Outbox {
  public enum Acknowledgement: String, Sendable {
    case sent, present
  }

  public struct Failure: Error, Sendable, CustomStringConvertible {
    public var description: String
    /// Another process holds the outbox's lock.
    public var busy = false
    init(_ description: String, busy: Bool = false) {
      self.description = description
      self.busy = busy
    }
  }

  public let path: String
  private var lockFD: Int32
  private var appender: DurableFile.Appender
  /// Queued statements in the order they were queued.
  private var order: [String] = []
  private var bodies: [String: [UInt8]] = [:]
  public private(set) var acknowledged: Set<String> = []
  public private(set) var refused: [String: String] = [:]
  /// Lines the file holds for statements already acknowledged: rewriting drops them.
  private var dead = 0

  /// Opens (creating) the outbox for `key` in `folder`, holding its lock until `close()`.
  /// `wait: false` fails at once when another process is sending from it.
  public init(folder: String, key: String, wait: Bool = false) throws(Failure) {
    do {
      try DurableFile.makePrivateDirectory(folder)
    } catch {
      throw Failure(error.description)
    }
    path = folder + "/\(key).outbox"
    let lockPath = folder + "/\(key).lock"
    let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw Failure("cannot open \(lockPath): \(String(cString: strerror(errno)))") }
    if wait ? flock(fd, LOCK_EX) != 0 : DurableFile.lockExclusive(fd) != 0 {
      Glibc.close(fd)
      throw Failure(
        "another workshop sync is sending from \(folder); wait for it to finish, then run this again", busy: true)
    }
    lockFD = fd
    do {
      appender = try DurableFile.Appender(path: path)
    } catch {
      Glibc.close(fd)
      throw Failure(error.description)
    }
    let bytes: [UInt8]
    do {
      bytes = try DurableFile.read(path) ?? []
    } catch {
      throw Failure(error.description)
    }
    let torn = load(bytes)
    // Never append after half a line: rewrite the file without it first.
    if torn { try compact() }
  }

  deinit { close() }

  public func close() {
    appender.close()
    if lockFD >= 0 { Glibc.close(lockFD) }
    lockFD = -1
  }

  /// Statements queued and neither acknowledged nor refused, oldest first.
  public var pending: [(id: String, body: [UInt8])] {
    order.compactMap { id in
      guard !acknowledged.contains(id), refused[id] == nil, let body = bodies[id] else { return nil }
      return (id, body)
    }
  }

  public func contains(_ id: String) -> Bool {
    bodies[id] != nil || acknowledged.contains(id) || refused[id] != nil
  }

  /// Queues statements not seen before; one durable write for all of them. With
  /// `retryingRefused`, statements refused earlier go back in the queue, in their new form when
  /// they are among `statements` (the cause may have been fixed since).
  @discardableResult
  public func enqueue(_ statements: [(id: String, body: [UInt8])], retryingRefused: Bool = false) throws(Failure)
    -> Int
  {
    var out: [UInt8] = []
    var added = 0
    let retry = retryingRefused && !refused.isEmpty
    for s in statements where Self.isToken(s.id) {
      if retry, refused[s.id] != nil {
        bodies[s.id] = s.body
        continue
      }
      guard !contains(s.id) else { continue }
      out += Array("Q \(s.id) ".utf8)
      out += s.body
      out.append(0x0A)
      bodies[s.id] = s.body
      order.append(s.id)
      added += 1
    }
    if retry {
      refused = [:]
      try compact()
    } else {
      try append(out)
    }
    return added
  }

  public func acknowledge(_ ids: [String], as how: Acknowledgement) throws(Failure) {
    let fresh = ids.filter { !acknowledged.contains($0) && Self.isToken($0) }
    guard !fresh.isEmpty else { return }
    try append(Array(("A \(how.rawValue) " + fresh.joined(separator: " ") + "\n").utf8))
    for id in fresh {
      acknowledged.insert(id)
      if bodies[id] != nil { dead += 1 }
    }
  }

  public func refuse(_ id: String, reason: String) throws(Failure) {
    try append(Array("R \(id) \(JSONWriter.canonical(.string(reason)))\n".utf8))
    refused[id] = reason
  }

  /// Rewrites the file with only what still matters: acknowledged ids, refusals and pending
  /// statements. Atomic, so a crash leaves either the old file or the new one.
  public func compact() throws(Failure) {
    var out: [UInt8] = []
    let acked = acknowledged.sorted()
    var i = 0
    while i < acked.count {
      let chunk = acked[i..<min(i + 1000, acked.count)]
      out += Array(("A sent " + chunk.joined(separator: " ") + "\n").utf8)
      i += 1000
    }
    for (id, reason) in refused.sorted(by: { $0.key < $1.key }) {
      out += Array("R \(id) \(JSONWriter.canonical(.string(reason)))\n".utf8)
    }
    var kept: [String] = []
    for id in order where !acknowledged.contains(id) {
      guard let body = bodies[id] else { continue }
      out += Array("Q \(id) ".utf8)
      out += body
      out.append(0x0A)
      kept.append(id)
    }
    do {
      try DurableFile.replace(path, with: out)
      appender.close()
      appender = try DurableFile.Appender(path: path)
    } catch {
      throw Failure(error.description)
    }
    bodies = bodies.filter { !acknowledged.contains($0.key) }
    order = kept
    dead = 0
  }

  /// Rewrites when most of the file is statements already acknowledged.
  public func compactIfWorthIt() throws(Failure) {
    if dead > 0, dead * 2 >= bodies.count { try compact() }
  }

  private func append(_ bytes: [UInt8]) throws(Failure) {
    guard !bytes.isEmpty else { return }
    do {
      try appender.append(bytes)
    } catch {
      throw Failure(error.description)
    }
  }

  /// Reads the file; true when its last line was cut short.
  private func load(_ bytes: [UInt8]) -> Bool {
    var start = 0
    while start < bytes.count {
      guard let end = bytes[start...].firstIndex(of: 0x0A) else { return true }
      apply(bytes[start..<end])
      start = end + 1
    }
    return false
  }

  private func apply(_ line: ArraySlice<UInt8>) {
    guard line.count > 2, line[line.startIndex + 1] == 0x20 else { return }
    let kind = line[line.startIndex]
    let rest = line[(line.startIndex + 2)...]
    switch kind {
    case UInt8(ascii: "Q"):
      guard let space = rest.firstIndex(of: 0x20) else { return }
      let id = String(decoding: rest[..<space], as: UTF8.self)
      guard bodies[id] == nil else { return }
      bodies[id] = Array(rest[(space + 1)...])
      order.append(id)
      if acknowledged.contains(id) { dead += 1 }
    case UInt8(ascii: "A"):
      let words = rest.split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
      for id in words.dropFirst() {
        if acknowledged.insert(id).inserted, bodies[id] != nil { dead += 1 }
      }
    case UInt8(ascii: "R"):
      guard let space = rest.firstIndex(of: 0x20) else { return }
      let id = String(decoding: rest[..<space], as: UTF8.self)
      let reason = (try? JSONParser.parse(Data(rest[(space + 1)...])))?.string ?? "refused"
      refused[id] = reason
    default:
      return
    }
  }

  /// Statement ids are UUIDs; anything with a space or newline would break the line format.
  static func isToken(_ id: String) -> Bool {
    !id.isEmpty && id.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
  }
}
