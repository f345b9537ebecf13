import Crypto
import Foundation

/// Reads journals. A reader never takes the learner's lock and never changes the journal.
public enum JournalReader {
  /// Reads a journal; a torn/invalid last line is set aside (reported as a warning), never
  /// corrupting earlier lines. A missing journal reads as empty.
  public static func read(path: String) throws -> (events: [JournalEvent], warnings: [String]) {
    guard let bytes = try DurableFile.readFile(path) else { return ([], []) }
    var events: [JournalEvent] = []
    let scan = Scan.run(bytes, name: fileName(path)) { events.append($0) }
    return (events, scan.warnings)
  }

  static func fileName(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
  }
}

/// One pass over journal bytes: complete lines are decoded and handed on; a torn tail is
/// reported, not decoded.
struct Scan {
  /// Bytes (from the start of the scanned buffer) up to and including the last good line.
  var cleanLength = 0
  /// Lines (complete or not) seen, for line numbers in warnings.
  var lines = 0
  var warnings: [String] = []
  /// The torn tail's range in the buffer: a last line with no newline, or a last line that
  /// is not a valid event.
  var torn: Range<Int>?
  /// Lines within `cleanLength`.
  var cleanLines = 0
  var events = 0
  /// Lines written by a newer workshop: kept, not applied.
  var newer = 0

  static func run(
    _ bytes: [UInt8], name: String, firstLine: Int = 1, apply: (JournalEvent) -> Void
  ) -> Scan {
    bytes.withUnsafeBufferPointer { run($0, name: name, firstLine: firstLine, apply: apply) }
  }

  static func run(
    _ buffer: UnsafeBufferPointer<UInt8>, name: String, firstLine: Int = 1, apply: (JournalEvent) -> Void
  ) -> Scan {
    var scan = Scan()
    do {
      guard let base = buffer.baseAddress else { return scan }
      let count = buffer.count
      var start = 0
      var line = firstLine - 1
      // An invalid line is only a "torn tail" if nothing valid follows it.
      var pendingInvalid: (line: Int, range: Range<Int>)?
      while start < count {
        line += 1
        let remaining = count - start
        let nl = memchr(base + start, 0x0A, remaining)
        guard let nl else {
          if let bad = pendingInvalid { scan.reportInvalid(bad.line, name: name) }
          pendingInvalid = nil
          scan.torn = start..<count
          scan.warnings.append(
            "\(name) line \(line): the last line is incomplete (\(remaining) bytes, an interrupted"
              + " write); set aside, earlier lines are intact.")
          break
        }
        let end = base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
        let lineBuffer = UnsafeBufferPointer(start: base + start, count: end - start)
        if Self.isBlank(lineBuffer) {
          if pendingInvalid == nil {
            scan.cleanLength = end + 1
            scan.cleanLines = line - firstLine + 1
          }
        } else if let event = JournalCodec.decode(lineBuffer) {
          if let bad = pendingInvalid { scan.reportInvalid(bad.line, name: name) }
          pendingInvalid = nil
          apply(event)
          scan.events += 1
          scan.cleanLength = end + 1
          scan.cleanLines = line - firstLine + 1
        } else if let newer = JournalCodec.newerEngineKind(lineBuffer) {
          // Another workshop's event is kept as written (a later upgrade reads it), never cut.
          if let bad = pendingInvalid { scan.reportInvalid(bad.line, name: name) }
          pendingInvalid = nil
          scan.newer += 1
          if scan.newer == 1 {
            scan.warnings.append(
              "\(name) line \(line): an event ('\(newer)') written by a newer workshop; kept in the journal"
                + " and skipped. Upgrade workshop to count it.")
          }
          scan.cleanLength = end + 1
          scan.cleanLines = line - firstLine + 1
        } else {
          if let bad = pendingInvalid { scan.reportInvalid(bad.line, name: name) }
          pendingInvalid = (line, start..<(end + 1))
        }
        start = end + 1
      }
      if let bad = pendingInvalid {
        scan.torn = bad.range.lowerBound..<count
        scan.warnings.append(
          "\(name) line \(bad.line): the last line is not a valid event (an interrupted write?);"
            + " set aside, earlier lines are intact.")
      }
      scan.lines = line
    }
    if scan.newer > 1 {
      scan.warnings.append("\(name): \(scan.newer) events in all were written by a newer workshop and skipped.")
    }
    return scan
  }

  private mutating func reportInvalid(_ line: Int, name: String) {
    warnings.append("\(name) line \(line): not a valid event; skipped.")
  }

  static func isBlank(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    b.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
  }
}

/// `checkpoint.json`: the summary of the journal's first `length` bytes, so start-up replays
/// only what was appended since. It is trusted only if the SHA-256 of that whole prefix is
/// unchanged: an edit anywhere before `length` means a full replay.
struct Checkpoint {
  static let formatVersion = 4
  /// Bytes of the journal the summary covers (ends just after a newline).
  var length: Int
  /// Lines in those bytes, for warnings' line numbers.
  var lines: Int
  /// SHA-256 (hex) of the journal's first `length` bytes.
  var prefixHash: String
  var version: Int
  var summary: JournalSummary

  /// On disk the summary is base64 of `JournalSummary.binaryEncoded()`: JSON keyed containers
  /// decode too slowly for start-up.
  private struct File: Codable {
    var version: Int
    var length: Int
    var lines: Int
    var prefixHash: String
    var summary: String
  }

  static func hex(_ digest: SHA256.Digest) -> String {
    let hex = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(64)
    for byte in digest {
      out.append(hex[Int(byte >> 4)])
      out.append(hex[Int(byte & 15)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Whether this checkpoint describes the start of `journal` (the whole file's bytes).
  func matches(_ journal: [UInt8], hashing hasher: inout PrefixHasher) -> Bool {
    guard version == Self.formatVersion, length > 0, journal.count >= length, journal[length - 1] == 0x0A
    else { return false }
    hasher.advance(to: length, in: journal)
    return Self.hex(hasher.state.finalize()) == prefixHash
  }

  /// A checkpoint for the first `length` bytes of the journal, whose running hash is `prefix`.
  static func make(prefix: SHA256, length: Int, lines: Int, summary: JournalSummary) -> Checkpoint {
    Checkpoint(
      length: length, lines: lines, prefixHash: hex(prefix.finalize()), version: formatVersion,
      summary: summary)
  }

  func save(_ path: String) throws(JournalError) {
    let file = File(
      version: version, length: length, lines: lines, prefixHash: prefixHash,
      summary: Data(summary.binaryEncoded()).base64EncodedString())
    guard var data = try? JSONEncoder().encode(file) else { throw .unencodable("the checkpoint") }
    data.append(0x0A)
    try DurableFile.writeAtomically(path, Array(data))
  }

  static func load(_ path: String) -> Checkpoint? {
    guard let bytes = try? DurableFile.readFile(path), !bytes.isEmpty,
      let file = try? JSONDecoder().decode(File.self, from: Data(bytes)),
      file.version == formatVersion,
      let binary = Data(base64Encoded: file.summary),
      let summary = JournalSummary(binary: Array(binary))
    else { return nil }
    return Checkpoint(
      length: file.length, lines: file.lines, prefixHash: file.prefixHash, version: file.version,
      summary: summary)
  }
}

/// SHA-256 over a growing prefix of the journal's bytes, so the bytes hashed to check a
/// checkpoint are not hashed again when the writer carries the hash forward.
struct PrefixHasher {
  var state = SHA256()
  var hashed = 0

  mutating func advance(to length: Int, in bytes: [UInt8]) {
    if length < hashed {
      state = SHA256()
      hashed = 0
    }
    guard length > hashed else { return }
    bytes.withUnsafeBytes { state.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[hashed..<length])) }
    hashed = length
  }
}

/// The result of loading a journal: checkpoint (if usable) plus the bytes after it.
struct LoadedJournal {
  var summary: JournalSummary
  var warnings: [String]
  /// Journal size up to the last good line (torn tail excluded).
  var cleanLength: Int
  var totalLength: Int
  var lines: Int
  /// Events replayed from the journal (not covered by the checkpoint).
  var replayed: Int
  var usedCheckpoint: Bool
  /// SHA-256 state over the first `cleanLength` bytes, for the writer to carry on from.
  var prefixHash = SHA256()

  /// Replaying more events than this makes a reader save a checkpoint.
  static let readerCheckpointThreshold = 2_000

  static func load(journal: String, checkpoint: String) throws(JournalError) -> LoadedJournal {
    let fd: Int32
    do throws(JournalError) {
      fd = try DurableFile.open(journal, flags: O_RDONLY)
    } catch {
      if case .io(_, _, ENOENT) = error {
        return LoadedJournal(
          summary: JournalSummary(), warnings: [], cleanLength: 0, totalLength: 0, lines: 0,
          replayed: 0, usedCheckpoint: false)
      }
      throw error
    }
    defer { DurableFile.close(fd) }
    return try load(fd: fd, journal: journal, checkpoint: checkpoint)
  }

  /// `keepingHash`: also return the SHA-256 state over the clean prefix (the writer carries it
  /// forward). Readers skip it unless they leave a checkpoint, so a full replay hashes nothing.
  static func load(
    fd: Int32, journal: String, checkpoint: String, keepingHash: Bool = false
  ) throws(JournalError) -> LoadedJournal {
    var summary = JournalSummary()
    var offset = 0
    var lines = 0
    var used = false
    let bytes = try DurableFile.readAll(fd, from: 0, path: journal)
    var hasher = PrefixHasher()
    if let saved = Checkpoint.load(checkpoint), saved.matches(bytes, hashing: &hasher) {
      summary = saved.summary
      offset = saved.length
      lines = saved.lines
      used = true
    }
    let scan = bytes.withUnsafeBufferPointer { all in
      Scan.run(UnsafeBufferPointer(rebasing: all[offset...]), name: JournalReader.fileName(journal), firstLine: lines + 1) {
        summary.apply($0)
      }
    }
    let cleanLength = offset + scan.cleanLength
    let leaveCheckpoint = scan.events >= readerCheckpointThreshold && scan.torn == nil
    if keepingHash || leaveCheckpoint { hasher.advance(to: cleanLength, in: bytes) }
    if leaveCheckpoint {
      // Readers never lock, but they may leave a checkpoint behind (atomically) so the next
      // start does not replay this much again — say, after a writer crashed before its own.
      let fresh = Checkpoint.make(prefix: hasher.state, length: cleanLength, lines: lines + scan.cleanLines, summary: summary)
      try? fresh.save(checkpoint)
    }
    return LoadedJournal(
      summary: summary, warnings: scan.warnings, cleanLength: cleanLength,
      totalLength: bytes.count, lines: lines + scan.cleanLines,
      replayed: scan.events, usedCheckpoint: used, prefixHash: hasher.state)
  }
}
