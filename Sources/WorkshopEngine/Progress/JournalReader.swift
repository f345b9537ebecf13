import Crypto
import Foundation

/// Reads journals. A reader never takes the learner's lock and never changes the journal.
public enum JournalReader {
  /// Reads a journal; a torn/invalid last line is set aside (reported as a warning), never
  /// corrupting earlier lines. A missing journal reads as empty.
  public static func read(path: String) throws -> (events: [JournalEvent], warnings: [String]) {
    guard let bytes = try POSIX.readFile(path) else { return ([], []) }
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

  static func run(
    _ bytes: [UInt8], name: String, firstLine: Int = 1, apply: (JournalEvent) -> Void
  ) -> Scan {
    var scan = Scan()
    bytes.withUnsafeBufferPointer { buffer in
      guard let base = buffer.baseAddress else { return }
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
/// only what was appended since.
struct Checkpoint {
  static let formatVersion = 3
  /// Bytes of the journal the summary covers (ends just after a newline).
  var length: Int
  /// Lines in those bytes, for warnings' line numbers.
  var lines: Int
  /// SHA-256 (hex) of the covered prefix's last 4 KiB (or all of it, when shorter).
  var tailHash: String
  var version: Int
  var summary: JournalSummary

  /// On disk the summary is base64 of `JournalSummary.binaryEncoded()`: JSON keyed containers
  /// decode too slowly for start-up.
  private struct File: Codable {
    var version: Int
    var length: Int
    var lines: Int
    var tailHash: String
    var summary: String
  }

  static let window = 4096

  static func hash(_ bytes: UnsafeRawBufferPointer) -> String {
    SHA256.hash(data: bytes).map { byte in
      let hex = Array("0123456789abcdef".utf8)
      return String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 15)]], as: UTF8.self)
    }.joined()
  }

  /// Whether this checkpoint describes the prefix of the open journal `fd`.
  func matches(fd: Int32, path: String) -> Bool {
    guard version == Self.formatVersion, length > 0 else { return false }
    var st = stat()
    guard fstat(fd, &st) == 0, Int(st.st_size) >= length else { return false }
    let from = max(0, length - Self.window)
    var window = [UInt8](repeating: 0, count: length - from)
    let n = window.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, off_t(from)) }
    guard n == window.count, window.last == 0x0A else { return false }
    return window.withUnsafeBytes { Self.hash($0) } == tailHash
  }

  /// A checkpoint for the first `length` bytes of the journal open as `fd`.
  static func make(fd: Int32, length: Int, lines: Int, summary: JournalSummary) -> Checkpoint? {
    let from = max(0, length - window)
    var bytes = [UInt8](repeating: 0, count: length - from)
    let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, off_t(from)) }
    guard n == bytes.count, bytes.last == 0x0A else { return nil }
    return Checkpoint(
      length: length, lines: lines, tailHash: bytes.withUnsafeBytes { hash($0) },
      version: formatVersion, summary: summary)
  }

  func save(_ path: String) throws(JournalError) {
    let file = File(
      version: version, length: length, lines: lines, tailHash: tailHash,
      summary: Data(summary.binaryEncoded()).base64EncodedString())
    guard var data = try? JSONEncoder().encode(file) else { throw .unencodable("the checkpoint") }
    data.append(0x0A)
    try POSIX.writeAtomically(path, Array(data))
  }

  static func load(_ path: String) -> Checkpoint? {
    guard let bytes = try? POSIX.readFile(path), !bytes.isEmpty,
      let file = try? JSONDecoder().decode(File.self, from: Data(bytes)),
      file.version == formatVersion,
      let binary = Data(base64Encoded: file.summary),
      let summary = JournalSummary(binary: Array(binary))
    else { return nil }
    return Checkpoint(
      length: file.length, lines: file.lines, tailHash: file.tailHash, version: file.version,
      summary: summary)
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

  /// Replaying more events than this makes a reader save a checkpoint.
  static let readerCheckpointThreshold = 2_000

  static func load(journal: String, checkpoint: String) throws(JournalError) -> LoadedJournal {
    let fd = open(journal, O_RDONLY | O_CLOEXEC)
    if fd < 0 {
      if errno == ENOENT {
        return LoadedJournal(
          summary: JournalSummary(), warnings: [], cleanLength: 0, totalLength: 0, lines: 0,
          replayed: 0, usedCheckpoint: false)
      }
      throw .io(path: journal, operation: "open", code: errno)
    }
    defer { close(fd) }
    return try load(fd: fd, journal: journal, checkpoint: checkpoint)
  }

  static func load(fd: Int32, journal: String, checkpoint: String) throws(JournalError) -> LoadedJournal {
    var summary = JournalSummary()
    var offset = 0
    var lines = 0
    var used = false
    if let saved = Checkpoint.load(checkpoint), saved.matches(fd: fd, path: journal) {
      summary = saved.summary
      offset = saved.length
      lines = saved.lines
      used = true
    }
    let tail = try POSIX.readAll(fd, from: offset, path: journal)
    let scan = Scan.run(tail, name: JournalReader.fileName(journal), firstLine: lines + 1) {
      summary.apply($0)
    }
    if scan.events >= readerCheckpointThreshold, scan.torn == nil,
      let fresh = Checkpoint.make(fd: fd, length: offset + scan.cleanLength, lines: lines + scan.cleanLines, summary: summary)
    {
      // Readers never lock, but they may leave a checkpoint behind (atomically) so the next
      // start does not replay this much again — say, after a writer crashed before its own.
      try? fresh.save(checkpoint)
    }
    return LoadedJournal(
      summary: summary, warnings: scan.warnings, cleanLength: offset + scan.cleanLength,
      totalLength: offset + tail.count, lines: lines + scan.cleanLines,
      replayed: scan.events, usedCheckpoint: used)
  }
}
