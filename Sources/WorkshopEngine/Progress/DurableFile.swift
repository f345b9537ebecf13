#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// The journal's durable file operations, for other private files kept beside progress (such as
/// the LRS outbox): same permissions (0700 folders, 0600 files), same fsync discipline. It only
/// forwards to the internal POSIX helpers so there is one implementation to harden.
public enum DurableFile {
  /// `mkdir -p` with 0700 on every folder it creates.
  public static func makePrivateDirectory(_ path: String) throws(JournalError) {
    try POSIX.makeDirectory(path, mode: 0o700)
  }

  /// The whole file, or nil when it does not exist.
  public static func read(_ path: String) throws(JournalError) -> [UInt8]? {
    try POSIX.readFile(path)
  }

  /// Replaces the file atomically (temp file, fsync, rename, fsync of the folder), 0600.
  public static func replace(_ path: String, with bytes: [UInt8]) throws(JournalError) {
    try POSIX.writeAtomically(path, bytes)
  }

  /// An append-only file opened for durable appends, 0600.
  public final class Appender {
    public let path: String
    private var fd: Int32
    private var length: Int

    public init(path: String) throws(JournalError) {
      self.path = path
      let existed = POSIX.fileSize(path) != nil
      fd = try POSIX.open(path, flags: O_WRONLY | O_CREAT | O_APPEND)
      length = POSIX.fileSize(path) ?? 0
      if !existed { POSIX.syncDirectory(POSIX.parentDirectory(of: path)) }
    }

    deinit { close() }

    /// One write(2) of the bytes, then fsync; returns only when they are durable. A failed write
    /// is cut off again so the file never keeps half of it.
    public func append(_ bytes: [UInt8]) throws(JournalError) {
      guard fd >= 0 else { throw .closed }
      guard !bytes.isEmpty else { return }
      do throws(JournalError) {
        try POSIX.writeAll(fd, bytes, path: path)
      } catch {
        _ = ftruncate(fd, off_t(length))
        throw error
      }
      try POSIX.sync(fd, path: path)
      length += bytes.count
    }

    public func close() {
      guard fd >= 0 else { return }
      _ = Glibc.close(fd)
      fd = -1
    }
  }
}
