import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
/// only what was appended since. It is trusted when the journal file is exactly as it was when the
/// checkpoint was saved (`JournalStamp`), else only if the digest of that whole prefix is
/// unchanged: an edit anywhere before `length` means a full replay.
struct Checkpoint {
  static let formatVersion = 6
  /// Bytes of the journal the summary covers (ends just after a newline).
  var length: Int
  /// Lines in those bytes, for warnings' line numbers.
  var lines: Int
  /// The digest of the first `length` bytes (`PrefixChain`) and where its segments end.
  var chain: PrefixChain
  /// The journal when the checkpoint was saved; nil when it could not be taken.
  var stamp: JournalStamp?
  var version: Int
  var summary: JournalSummary

  /// On disk the summary is base64 of `JournalSummary.binaryEncoded()`: JSON keyed containers
  /// decode too slowly for start-up.
  private struct File: Codable {
    var version: Int
    var length: Int
    var lines: Int
    var prefixHash: String
    var segments: [Int]
    var stamp: JournalStamp?
    var summary: String
  }

  /// Whether this checkpoint describes the start of `journal` (the whole file's bytes): reads and
  /// hashes the whole prefix.
  func matches(_ journal: [UInt8]) -> Bool {
    guard version == Self.formatVersion, length > 0, journal.count >= length, journal[length - 1] == 0x0A,
      chain.end == length
    else { return false }
    return journal.withUnsafeBytes { chain.isDigest(of: UnsafeRawBufferPointer(rebasing: $0[..<length])) }
  }

  func save(_ path: String) throws(JournalError) {
    let file = File(
      version: version, length: length, lines: lines, prefixHash: Hex.string(chain.digest),
      segments: chain.segments, stamp: stamp, summary: Data(summary.binaryEncoded()).base64EncodedString())
    guard var data = try? JSONEncoder().encode(file) else { throw .unencodable("the checkpoint") }
    data.append(0x0A)
    try DurableFile.writeAtomically(path, Array(data))
  }

  static func load(_ path: String) -> Checkpoint? {
    guard let bytes = try? DurableFile.readFile(path), !bytes.isEmpty,
      let file = try? JSONDecoder().decode(File.self, from: Data(bytes)),
      file.version == formatVersion, file.segments.last == file.length,
      let digest = PrefixChain.digestBytes(hex: file.prefixHash),
      let chain = PrefixChain(segments: file.segments, digest: digest),
      let binary = Data(base64Encoded: file.summary),
      let summary = JournalSummary(binary: Array(binary))
    else { return nil }
    return Checkpoint(
      length: file.length, lines: file.lines, chain: chain, stamp: file.stamp, version: file.version,
      summary: summary)
  }
}

/// The journal file as `fstat` sees it. Every write moves the change time, which nothing but the
/// kernel can set, so while all of these are equal not a byte of the file has changed. (Where
/// timestamps tick coarsely, a write within the same tick as the stamp could go unseen; Linux
/// since 6.13 gives a write after a `stat` a later time on ext4, XFS, Btrfs and tmpfs.)
struct JournalStamp: Codable, Hashable {
  var device: UInt64
  var inode: UInt64
  var size: Int64
  /// Nanoseconds since 1970.
  var modified: Int64
  var changed: Int64

  init(_ info: stat) {
    device = UInt64(info.st_dev)
    inode = UInt64(info.st_ino)
    size = Int64(info.st_size)
    modified = FileStamp.nanoseconds(info.st_mtim)
    changed = FileStamp.nanoseconds(info.st_ctim)
  }

  /// The open file's stamp, or nil when it cannot be taken.
  static func of(_ fd: Int32) -> JournalStamp? {
    var info = stat()
    return fstat(fd, &info) == 0 ? JournalStamp(info) : nil
  }
}

/// The digest of a journal prefix as a chain over the segments between successive checkpoints:
/// D₀ is 32 zero bytes and Dₖ = SHA-256(Dₖ₋₁ ‖ the segment's bytes). A writer carries it forward
/// from the last checkpoint's digest as it appends, so nothing before that checkpoint is hashed
/// again; checking it from scratch still covers every byte of the prefix.
struct PrefixChain {
  /// Where each sealed segment ends, increasing; the last is the prefix's length.
  private(set) var segments: [Int] = []
  /// D of the sealed segments.
  private(set) var digest: [UInt8] = Self.zero
  /// SHA-256 over `digest` and the bytes from `end` to `hashed`, not sealed yet.
  private var running: SHA256
  /// Bytes of the journal covered: the sealed segments and the running one.
  private(set) var hashed = 0

  static let zero = [UInt8](repeating: 0, count: 32)

  var end: Int { segments.last ?? 0 }

  init() {
    running = SHA256()
    running.update(data: Self.zero)
  }

  /// The chain a checkpoint saved; nil when its segments do not increase.
  init?(segments: [Int], digest: [UInt8]) {
    guard digest.count == 32, zip(segments, segments.dropFirst()).allSatisfy({ $0 < $1 }),
      (segments.first ?? 1) > 0
    else { return nil }
    self.segments = segments
    self.digest = digest
    running = SHA256()
    running.update(data: digest)
    hashed = segments.last ?? 0
  }

  /// Hashes the next bytes of the journal, from `hashed` on.
  mutating func append(_ bytes: UnsafeRawBufferPointer) {
    running.update(bufferPointer: bytes)
    hashed += bytes.count
  }

  /// Closes the running segment at `hashed`, so a checkpoint can name the digest of the prefix.
  mutating func seal() {
    guard hashed > end else { return }
    digest = Array(running.finalize())
    segments.append(hashed)
    running = SHA256()
    running.update(data: digest)
  }

  /// Whether `prefix` (the journal's first `end` bytes) has this chain's digest.
  func isDigest(of prefix: UnsafeRawBufferPointer) -> Bool {
    guard prefix.count == end else { return false }
    var d = Self.zero
    var start = 0
    for stop in segments {
      var h = SHA256()
      h.update(data: d)
      h.update(bufferPointer: UnsafeRawBufferPointer(rebasing: prefix[start..<stop]))
      d = Array(h.finalize())
      start = stop
    }
    return d == digest
  }

  static func digestBytes(hex: String) -> [UInt8]? {
    let digits = Array(hex.utf8)
    guard digits.count == 64 else { return nil }
    func value(_ c: UInt8) -> UInt8? {
      switch c {
      case 0x30...0x39: c - 0x30
      case 0x61...0x66: c - 0x57
      default: nil
      }
    }
    var out: [UInt8] = []
    out.reserveCapacity(32)
    for i in stride(from: 0, to: 64, by: 2) {
      guard let high = value(digits[i]), let low = value(digits[i + 1]) else { return nil }
      out.append(high << 4 | low)
    }
    return out
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
  /// The checkpoint was checked by hashing the whole prefix (the file had changed since).
  var hashedPrefix = false
  /// Events written by a newer workshop, kept in the journal and skipped.
  var newerEvents = 0
  /// The prefix digest over the first `cleanLength` bytes, for the writer to carry on from.
  var chain = PrefixChain()

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

  /// `keepingHash`: also carry the prefix digest to `cleanLength` (the writer goes on from it).
  /// Readers skip it unless they leave a checkpoint, so a full replay hashes nothing.
  static func load(
    fd: Int32, journal: String, checkpoint: String, keepingHash: Bool = false
  ) throws(JournalError) -> LoadedJournal {
    var summary = JournalSummary()
    var offset = 0
    var lines = 0
    var used = false
    var chain = PrefixChain()
    // Where `bytes` starts in the file: past the checkpoint when the file is as it left it.
    var base = 0
    let before = JournalStamp.of(fd)
    var bytes: [UInt8]
    // Hashing the whole prefix is paid for only when the file changed since the checkpoint
    // (a crash after appending, an edit, a copy); the checkpoint is then brought up to date.
    var hashedPrefix = false
    if let saved = Checkpoint.load(checkpoint), saved.length > 0, let before, Int(before.size) >= saved.length {
      if saved.stamp == before {
        base = saved.length
        bytes = try DurableFile.readAll(fd, from: base, path: journal)
        used = true
      } else {
        bytes = try DurableFile.readAll(fd, from: 0, path: journal)
        used = saved.matches(bytes)
        hashedPrefix = true
      }
      if used {
        summary = saved.summary
        offset = saved.length
        lines = saved.lines
        chain = saved.chain
      }
    } else {
      bytes = try DurableFile.readAll(fd, from: 0, path: journal)
    }
    let scan = bytes.withUnsafeBufferPointer { all in
      Scan.run(
        UnsafeBufferPointer(rebasing: all[(offset - base)...]), name: JournalReader.fileName(journal),
        firstLine: lines + 1
      ) { summary.apply($0) }
    }
    let cleanLength = offset + scan.cleanLength
    let totalLength = base + bytes.count
    // A writer saves its own checkpoint as it goes and when it closes; it does not delay its
    // start with one for having hashed the prefix.
    // Nor does a checkpoint cover an event it could not apply: a later workshop must still find
    // it, and every start must still say it was skipped.
    let leaveCheckpoint =
      scan.torn == nil && scan.newer == 0
      && (scan.events >= readerCheckpointThreshold || (hashedPrefix && !keepingHash))
    if keepingHash || leaveCheckpoint {
      bytes.withUnsafeBytes { chain.append(UnsafeRawBufferPointer(rebasing: $0[(chain.hashed - base)..<(cleanLength - base)])) }
    }
    if leaveCheckpoint {
      // Readers never lock, but they may leave a checkpoint behind (atomically) so the next
      // start does not replay or hash this much again — say, after a writer crashed before its
      // own. The stamp counts only if the file did not move while it was read.
      var sealed = chain
      sealed.seal()
      let after = JournalStamp.of(fd)
      let stamp = after == before && Int(after?.size ?? -1) == cleanLength ? after : nil
      let fresh = Checkpoint(
        length: cleanLength, lines: lines + scan.cleanLines, chain: sealed, stamp: stamp,
        version: Checkpoint.formatVersion, summary: summary)
      try? fresh.save(checkpoint)
    }
    return LoadedJournal(
      summary: summary, warnings: scan.warnings, cleanLength: cleanLength,
      totalLength: totalLength, lines: lines + scan.cleanLines,
      replayed: scan.events, usedCheckpoint: used, hashedPrefix: hashedPrefix, newerEvents: scan.newer,
      chain: chain)
  }
}
