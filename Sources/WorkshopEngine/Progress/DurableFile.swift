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

/// The one way workshop writes a file a user relies on (journal, checkpoint, profile, session
/// log, records, keys, cache). Foundation's file APIs hide whether a write reached the disk and
/// follow symbolic links, so these paths use the system calls directly:
///
/// - replacing a file is temp file + fsync + rename + fsync of the folder;
/// - appending is one write(2) of the whole line followed by fsync;
/// - every file is opened with `O_NOFOLLOW` and `O_NONBLOCK`, then checked with `fstat`: a
///   symbolic link, FIFO, device or folder is refused before a byte is read, truncated or
///   written, and so is a file with other hard links (it could be someone else's file);
/// - files are 0600 and folders 0700, repaired when they are the user's own.
package enum DurableFile {
  package static func errorText(_ code: Int32) -> String {
    String(cString: strerror(code))
  }

  package static func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
    #if canImport(Glibc)
      Glibc.open(path, flags, mode)
    #elseif canImport(Musl)
      Musl.open(path, flags, mode)
    #else
      Darwin.open(path, flags, mode)
    #endif
  }

  package static func close(_ fd: Int32) {
    #if canImport(Glibc)
      _ = Glibc.close(fd)
    #elseif canImport(Musl)
      _ = Musl.close(fd)
    #else
      _ = Darwin.close(fd)
    #endif
  }

  /// Takes an exclusive `flock` on `fd` without waiting for another holder, but retries for
  /// `grace` seconds first: 0 on success, else the errno. A free lock can look taken for a moment
  /// when another thread of this process forks, because the child holds a copy of the descriptor,
  /// and with it the lock, until it execs and O_CLOEXEC closes it.
  package static func lockExclusive(_ fd: Int32, grace: Double = 1.5) -> Int32 {
    let deadline = Date().addingTimeInterval(grace)
    while true {
      if flock(fd, LOCK_EX | LOCK_NB) == 0 { return 0 }
      let code = errno
      guard code == EWOULDBLOCK || code == EINTR, Date() < deadline else { return code }
      usleep(20_000)
    }
  }

  /// What kind of thing a path is, without following a final symbolic link.
  package static func kindDescription(_ mode: mode_t) -> String {
    switch mode & S_IFMT {
    case S_IFLNK: return "a symbolic link"
    case S_IFIFO: return "a FIFO (named pipe)"
    case S_IFCHR, S_IFBLK: return "a device"
    case S_IFDIR: return "a folder"
    case S_IFSOCK: return "a socket"
    default: return "not a regular file"
    }
  }

  /// `mkdir -p` where every folder this call creates gets `mode` (umask-independent). The last
  /// folder must be a real folder (not a symbolic link to one); when it is the user's own its
  /// mode is repaired to `mode`, otherwise a mode open to others is refused with the fix.
  package static func makeDirectory(_ path: String, mode: mode_t) throws(JournalError) {
    try makeParents(path, mode: mode)
    try securePrivateFolder(path, mode: mode)
  }

  private static func makeParents(_ path: String, mode: mode_t) throws(JournalError) {
    var st = stat()
    if lstat(path, &st) == 0 {
      if st.st_mode & S_IFMT == S_IFDIR { return }
      // A symbolic link to a folder is fine for an ancestor the user chose (a --progress
      // path); the last folder is checked by `securePrivateFolder`.
      var target = stat()
      if st.st_mode & S_IFMT == S_IFLNK, stat(path, &target) == 0, target.st_mode & S_IFMT == S_IFDIR { return }
      throw .io(path: path, operation: "create folder", code: ENOTDIR)
    }
    let parent = parentDirectory(of: path)
    if parent != path, !parent.isEmpty { try makeParents(parent, mode: mode) }
    if mkdir(path, mode) != 0 {
      let code = errno
      if code == EEXIST { return }
      throw .io(path: path, operation: "create folder", code: code)
    }
    // mkdir is subject to the umask; the mode must not be.
    if chmod(path, mode) != 0 { throw .io(path: path, operation: "set the mode of", code: errno) }
  }

  /// Checks a folder workshop keeps private data in: a real folder (never followed through a
  /// link), 0700. The user's own folder is repaired; anyone else's open folder is refused.
  package static func securePrivateFolder(_ path: String, mode: mode_t = 0o700) throws(JournalError) {
    var st = stat()
    guard lstat(path, &st) == 0 else { throw .io(path: path, operation: "open folder", code: errno) }
    guard st.st_mode & S_IFMT == S_IFDIR else {
      throw .unsafe(
        path: path, why: "is \(kindDescription(st.st_mode)), not a folder",
        fix: "move it away (mv \(shellQuoted(path)) \(shellQuoted(path + ".moved"))) and try again")
    }
    guard st.st_mode & 0o777 != mode else { return }
    if st.st_uid == geteuid(), chmod(path, mode) == 0 { return }
    throw .unsafe(
      path: path, why: "is open to other users (mode \(octal(st.st_mode & 0o777)))",
      fix: "run chmod \(octal(mode)) \(shellQuoted(path))")
  }

  /// Sets a private file's mode back to 0600 if it is the user's own regular file; anything else
  /// is left as it is (the open that follows refuses it).
  package static func repairFileMode(_ path: String, mode: mode_t = 0o600) {
    var st = stat()
    guard lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_mode & 0o777 != mode,
      st.st_uid == geteuid()
    else { return }
    _ = chmod(path, mode)
  }

  /// Whether something exists at `path` (a final link is not followed).
  package static func exists(_ path: String) -> Bool {
    var st = stat()
    return lstat(path, &st) == 0
  }

  /// Whether `path` is a folder, following links; nil when nothing is there.
  public static func isFolder(_ path: String) -> Bool? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    return st.st_mode & S_IFMT == S_IFDIR
  }

  /// The permission bits of `path` itself (a link is not followed), or nil when it is not there.
  package static func permissions(_ path: String) -> Int? {
    var st = stat()
    guard lstat(path, &st) == 0 else { return nil }
    return Int(st.st_mode & 0o7777)
  }

  package static func fileSize(_ path: String) -> Int? {
    var st = stat()
    guard lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
    return Int(st.st_size)
  }

  package static func parentDirectory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    if slash == path.startIndex { return "/" }
    return String(path[..<slash])
  }

  /// Opens a regular file without following a final symbolic link and without blocking on a FIFO,
  /// and refuses anything that is not the user's plain file. With `O_CREAT` the mode is forced on
  /// the descriptor, so it holds whatever the umask is; a writable file open to others is repaired.
  package static func open(_ path: String, flags: Int32, mode: mode_t = 0o600) throws(JournalError) -> Int32 {
    let fd = systemOpen(path, flags | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, mode)
    if fd < 0 {
      let code = errno
      if code == ELOOP || code == ENXIO || code == EISDIR {
        var st = stat()
        if lstat(path, &st) == 0 {
          throw .unsafe(
            path: path, why: "is \(kindDescription(st.st_mode))",
            fix: "workshop only uses its own regular files there; remove it (rm \(shellQuoted(path))) and try again")
        }
      }
      throw .io(path: path, operation: "open", code: code)
    }
    var st = stat()
    guard fstat(fd, &st) == 0 else {
      let code = errno
      close(fd)
      throw .io(path: path, operation: "stat", code: code)
    }
    let writing = flags & (O_WRONLY | O_RDWR) != 0
    if st.st_mode & S_IFMT != S_IFREG || (writing && st.st_nlink > 1) {
      close(fd)
      let why = st.st_mode & S_IFMT != S_IFREG ? "is \(kindDescription(st.st_mode))" : "has other hard links"
      throw .unsafe(
        path: path, why: why,
        fix: "workshop only uses its own regular files there; remove it (rm \(shellQuoted(path))) and try again")
    }
    // Back to blocking I/O for a regular file (O_NONBLOCK was only there to not hang on a FIFO).
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
    if writing, st.st_mode & 0o777 != mode, st.st_uid == geteuid() {
      if fchmod(fd, mode) != 0 {
        let code = errno
        close(fd)
        throw .io(path: path, operation: "set the mode of", code: code)
      }
    }
    return fd
  }

  /// Writes every byte; a regular file only returns short on errors such as a full disk.
  package static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(JournalError) {
    var done = 0
    while done < bytes.count {
      let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
      if n < 0 {
        if errno == EINTR { continue }
        throw .io(path: path, operation: "write", code: errno)
      }
      done += n
    }
  }

  package static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(JournalError) {
    let result = bytes.withUnsafeBytes { raw -> Result<Void, JournalError> in
      do throws(JournalError) {
        try writeAll(fd, raw, path: path)
        return .success(())
      } catch {
        return .failure(error)
      }
    }
    try result.get()
  }

  package static func sync(_ fd: Int32, path: String) throws(JournalError) {
    while fsync(fd) != 0 {
      if errno == EINTR { continue }
      throw .io(path: path, operation: "fsync", code: errno)
    }
  }

  /// Makes a new or renamed directory entry durable.
  package static func syncDirectory(_ path: String) throws(JournalError) {
    let fd = systemOpen(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { throw .io(path: path, operation: "open folder", code: errno) }
    defer { close(fd) }
    // Some file systems cannot sync a folder (EINVAL); the rename itself still happened.
    if fsync(fd) != 0, errno != EINVAL { throw .io(path: path, operation: "fsync", code: errno) }
  }

  /// Appends one whole record (a line) with a single write(2), then fsync. A short write is cut
  /// back to `length` (the file's clean size) so the file never keeps half a line.
  package static func append(_ fd: Int32, _ bytes: [UInt8], cleanLength length: Int, path: String) throws(JournalError) {
    let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
    if written != bytes.count {
      let code = written < 0 ? errno : ENOSPC
      _ = ftruncate(fd, off_t(length))
      throw .io(path: path, operation: "write", code: code)
    }
    try sync(fd, path: path)
  }

  /// Reads `[offset, end of file)`; nil when the file does not exist.
  package static func readFile(_ path: String, from offset: Int = 0) throws(JournalError) -> [UInt8]? {
    let fd: Int32
    do throws(JournalError) {
      fd = try open(path, flags: O_RDONLY)
    } catch {
      if case .io(_, _, ENOENT) = error { return nil }
      throw error
    }
    defer { close(fd) }
    return try readAll(fd, from: offset, path: path)
  }

  package static func readAll(_ fd: Int32, from offset: Int, path: String) throws(JournalError) -> [UInt8] {
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw .io(path: path, operation: "stat", code: errno) }
    let size = Int(st.st_size)
    guard size > offset else { return [] }
    var result = [UInt8](repeating: 0, count: size - offset)
    var done = 0
    var failure: Int32 = 0
    result.withUnsafeMutableBytes { buffer in
      while done < buffer.count {
        let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
        if n < 0 {
          if errno == EINTR { continue }
          failure = errno
          return
        }
        if n == 0 { break }  // the file shrank meanwhile
        done += n
      }
    }
    if failure != 0 { throw .io(path: path, operation: "read", code: failure) }
    if done < result.count { result.removeLast(result.count - done) }
    return result
  }

  /// Replaces `path` atomically: temp file (created with `mode` from its first byte), fsync,
  /// rename, fsync of the folder. Whatever was at `path` (even a link) is replaced, never
  /// written through.
  package static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) throws(JournalError) {
    let temp = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let fd = try open(temp, flags: O_WRONLY | O_CREAT | O_EXCL, mode: mode)
    do throws(JournalError) {
      try writeAll(fd, bytes, path: temp)
      try sync(fd, path: temp)
    } catch {
      close(fd)
      unlink(temp)
      throw error
    }
    close(fd)
    if rename(temp, path) != 0 {
      let code = errno
      unlink(temp)
      throw .io(path: path, operation: "rename", code: code)
    }
    try syncDirectory(parentDirectory(of: path))
  }

  /// Creates `path` with `bytes` only if nothing is there yet (durably); false when it exists.
  package static func createExclusively(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) throws(JournalError) -> Bool {
    let fd: Int32
    do throws(JournalError) {
      fd = try open(path, flags: O_WRONLY | O_CREAT | O_EXCL, mode: mode)
    } catch {
      if case .io(_, _, EEXIST) = error { return false }
      throw error
    }
    do throws(JournalError) {
      try writeAll(fd, bytes, path: path)
      try sync(fd, path: path)
    } catch {
      close(fd)
      unlink(path)
      throw error
    }
    close(fd)
    try syncDirectory(parentDirectory(of: path))
    return true
  }

  static func octal(_ mode: mode_t) -> String {
    "0" + String(mode, radix: 8)
  }

  static func shellQuoted(_ path: String) -> String {
    let safe = path.unicodeScalars.allSatisfy {
      ($0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil)) || "/._-+,=:@".unicodeScalars.contains($0)
    }
    return safe ? path : "'" + path.replacingScalars(of: "'", with: "'\\''") + "'"
  }
}
