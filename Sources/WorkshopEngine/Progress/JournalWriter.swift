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

/// The one writer of a learner's journal. Holds the learner's lock from `ProgressStore.openJournal`
/// until `close()`; every `append` is on disk before it returns.
public final class JournalWriter {
  /// Events between checkpoints written while the journal is open.
  public static let checkpointInterval = 500

  public let learner: LearnerID
  public let journalPath: String
  public let checkpointPath: String
  /// What opening the journal found (a torn tail set aside, invalid lines skipped).
  public let warnings: [String]
  /// Where a torn tail found on opening was moved, if there was one.
  public let tornFilePath: String?
  public private(set) var summary: JournalSummary

  private var journalFD: Int32
  private var lockFD: Int32
  private var length: Int
  private var lines: Int
  private var sinceCheckpoint = 0
  /// False when the journal holds events from a newer workshop after the last checkpoint: a
  /// checkpoint past them would hide them from the upgrade that can read them.
  private let checkpoints: Bool
  /// The digest of the journal's first `length` bytes, carried forward with every append so a
  /// checkpoint never rereads the file.
  private var chain: PrefixChain

  init(learner: LearnerID, directory: String) throws(JournalError) {
    self.learner = learner
    journalPath = directory + "/journal.jsonl"
    checkpointPath = directory + "/checkpoint.json"
    let lockPath = directory + "/lock"

    try DurableFile.securePrivateFolder(directory)
    DurableFile.repairFileMode(directory + "/profile.json")
    // O_NOFOLLOW and the regular-file check come before the truncate below: a lock that is a
    // link to someone else's file is refused, never emptied.
    let lock = try DurableFile.open(lockPath, flags: O_RDWR | O_CREAT)
    if case let code = DurableFile.lockExclusive(lock), code != 0 {
      let holder = Self.readPID(lock)
      DurableFile.close(lock)
      if code == EWOULDBLOCK { throw .locked(learner: learner.rawValue, pid: holder) }
      throw .io(path: lockPath, operation: "lock", code: code)
    }
    // The pid is only for the message another session shows; the flock is the lock.
    let pid = Array("\(getpid())\n".utf8)
    _ = ftruncate(lock, 0)
    _ = pid.withUnsafeBytes { pwrite(lock, $0.baseAddress!, $0.count, 0) }

    do throws(JournalError) {
      let existed = DurableFile.exists(journalPath)
      let fd = try DurableFile.open(journalPath, flags: O_RDWR | O_APPEND | O_CREAT)
      if !existed {
        do throws(JournalError) { try DurableFile.syncDirectory(directory) } catch {
          DurableFile.close(fd)
          throw error
        }
      }
      let loaded: LoadedJournal
      var torn: String? = nil
      do throws(JournalError) {
        loaded = try LoadedJournal.load(fd: fd, journal: journalPath, checkpoint: checkpointPath, keepingHash: true)
        if loaded.totalLength > loaded.cleanLength {
          torn = try Self.setAside(fd: fd, from: loaded.cleanLength, path: journalPath, directory: directory)
        }
      } catch {
        DurableFile.close(fd)
        throw error
      }
      journalFD = fd
      chain = loaded.chain
      lockFD = lock
      summary = loaded.summary
      warnings = loaded.warnings + (torn.map { ["The unreadable end of the journal was moved to \($0); nothing else was changed."] } ?? [])
      length = loaded.cleanLength
      lines = loaded.lines
      tornFilePath = torn
      sinceCheckpoint = loaded.replayed
      checkpoints = loaded.newerEvents == 0
    } catch {
      DurableFile.close(lock)
      throw error
    }
  }

  deinit {
    close()
  }

  private static func readPID(_ fd: Int32) -> Int32? {
    var buffer = [UInt8](repeating: 0, count: 32)
    let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, 0) }
    guard n > 0 else { return nil }
    let text = String(decoding: buffer[0..<n], as: UTF8.self).trimmed()
    return Int32(text)
  }

  /// Moves the journal's bytes from `offset` on into `journal.torn-<timestamp>` (kept, 0600),
  /// then truncates them off, so the next append starts on a clean line.
  private static func setAside(fd: Int32, from offset: Int, path: String, directory: String) throws(JournalError) -> String {
    let bytes = try DurableFile.readAll(fd, from: offset, path: path)
    let stamp = JournalEvent.timestamp().replacingScalars(of: ":", with: "")
    var sidePath = "\(directory)/journal.torn-\(stamp)"
    var n = 1
    while DurableFile.exists(sidePath) {
      n += 1
      sidePath = "\(directory)/journal.torn-\(stamp)-\(n)"
    }
    let side = try DurableFile.open(sidePath, flags: O_WRONLY | O_CREAT | O_EXCL)
    defer { DurableFile.close(side) }
    try DurableFile.writeAll(side, bytes, path: sidePath)
    try DurableFile.sync(side, path: sidePath)
    try DurableFile.syncDirectory(directory)
    // Only after the copy is durable may the original bytes go.
    if ftruncate(fd, off_t(offset)) != 0 { throw .io(path: path, operation: "truncate", code: errno) }
    try DurableFile.sync(fd, path: path)
    return sidePath
  }

  /// Appends one event: a single write(2) of the whole line, then fsync. Returns only when the
  /// event is durable; only then does it count as accepted.
  public func append(_ event: JournalEvent) throws(JournalError) {
    guard journalFD >= 0 else { throw .closed }
    var line = try JournalCodec.encode(event)
    line.append(0x0A)
    try DurableFile.append(journalFD, line, cleanLength: length, path: journalPath)
    line.withUnsafeBytes { chain.append($0) }
    length += line.count
    lines += 1
    summary.apply(event)
    sinceCheckpoint += 1
    if sinceCheckpoint >= Self.checkpointInterval {
      // A checkpoint is an optimisation; failing to write one must not fail the answer.
      try? writeCheckpoint()
    }
  }

  /// Saves `checkpoint.json` for the journal as it is now (atomically).
  public func writeCheckpoint() throws(JournalError) {
    guard journalFD >= 0, length > 0, checkpoints else { return }
    chain.seal()
    // The writer holds the lock, so the file is exactly the `length` bytes it wrote.
    let stamp = JournalStamp.of(journalFD).flatMap { Int($0.size) == length ? $0 : nil }
    let checkpoint = Checkpoint(
      length: length, lines: lines, chain: chain, stamp: stamp, version: Checkpoint.formatVersion,
      summary: summary)
    try checkpoint.save(checkpointPath)
    sinceCheckpoint = 0
  }

  /// Writes a checkpoint and releases the lock. Safe to call more than once.
  public func close() {
    guard journalFD >= 0 else { return }
    if sinceCheckpoint > 0 { try? writeCheckpoint() }
    DurableFile.close(journalFD)
    journalFD = -1
    _ = ftruncate(lockFD, 0)
    DurableFile.close(lockFD)
    lockFD = -1
  }

  public var isClosed: Bool { journalFD < 0 }
}
