#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The operations other private files kept beside progress (such as the LRS outbox) need, on the
/// same primitive as the journal: same checks, permissions and fsync discipline.
extension DurableFile {
  /// `mkdir -p` with 0700 on every folder it creates.
  package static func makePrivateDirectory(_ path: String) throws(JournalError) {
    try makeDirectory(path, mode: 0o700)
  }

  /// The whole file, or nil when it does not exist.
  package static func read(_ path: String) throws(JournalError) -> [UInt8]? {
    try readFile(path)
  }

  /// Replaces the file atomically (temp file, fsync, rename, fsync of the folder), 0600.
  package static func replace(_ path: String, with bytes: [UInt8]) throws(JournalError) {
    try writeAtomically(path, bytes)
  }

  /// An append-only file opened for durable appends, 0600.
  package final class Appender {
    package let path: String
    private var fd: Int32
    private var length: Int

    package init(path: String) throws(JournalError) {
      self.path = path
      let existed = DurableFile.fileSize(path) != nil
      fd = try DurableFile.open(path, flags: O_WRONLY | O_CREAT | O_APPEND)
      length = DurableFile.fileSize(path) ?? 0
      if !existed { try DurableFile.syncDirectory(DurableFile.parentDirectory(of: path)) }
    }

    deinit { close() }

    /// One write(2) of the bytes, then fsync; returns only when they are durable. A failed write
    /// is cut off again so the file never keeps half of it.
    package func append(_ bytes: [UInt8]) throws(JournalError) {
      guard fd >= 0 else { throw .closed }
      guard !bytes.isEmpty else { return }
      try DurableFile.append(fd, bytes, cleanLength: length, path: path)
      length += bytes.count
    }

    package func close() {
      guard fd >= 0 else { return }
      DurableFile.close(fd)
      fd = -1
    }
  }
}
