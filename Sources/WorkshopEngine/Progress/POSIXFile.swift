#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Thin wrappers over the POSIX calls the journal relies on. Foundation's file APIs hide
/// whether a write reached the disk, so durability-sensitive paths use the system calls directly.
enum POSIX {
  static func errorText(_ code: Int32) -> String {
    String(cString: strerror(code))
  }

  /// `mkdir -p` where every folder this call creates gets `mode` (umask-independent).
  static func makeDirectory(_ path: String, mode: mode_t) throws(JournalError) {
    var isDir = false
    if exists(path, isDirectory: &isDir) {
      if isDir { return }
      throw .io(path: path, operation: "create folder", code: ENOTDIR)
    }
    let parent = parentDirectory(of: path)
    if parent != path, !parent.isEmpty { try makeDirectory(parent, mode: mode) }
    if mkdir(path, mode) != 0 {
      let code = errno
      if code == EEXIST { return }
      throw .io(path: path, operation: "create folder", code: code)
    }
    // mkdir is subject to the umask; the mode must not be.
    _ = chmod(path, mode)
  }

  static func exists(_ path: String, isDirectory: inout Bool) -> Bool {
    var st = stat()
    guard stat(path, &st) == 0 else { return false }
    isDirectory = (st.st_mode & S_IFMT) == S_IFDIR
    return true
  }

  static func fileSize(_ path: String) -> Int? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    return Int(st.st_size)
  }

  static func parentDirectory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    if slash == path.startIndex { return "/" }
    return String(path[..<slash])
  }

  /// Opens (creating with `mode` if needed) and forces the mode on the file descriptor, so
  /// the permissions hold whatever the umask is.
  static func open(_ path: String, flags: Int32, mode: mode_t = 0o600) throws(JournalError) -> Int32 {
    let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
    if fd < 0 { throw .io(path: path, operation: "open", code: errno) }
    if flags & O_CREAT != 0 { _ = fchmod(fd, mode) }
    return fd
  }

  /// Writes every byte; a regular file only returns short on errors such as a full disk.
  static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(JournalError) {
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

  static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(JournalError) {
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

  static func sync(_ fd: Int32, path: String) throws(JournalError) {
    while fsync(fd) != 0 {
      if errno == EINTR { continue }
      throw .io(path: path, operation: "fsync", code: errno)
    }
  }

  /// Makes a new or renamed directory entry durable.
  static func syncDirectory(_ path: String) {
    let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { return }
    _ = fsync(fd)
    close(fd)
  }

  /// Reads `[offset, end of file)`; nil when the file does not exist.
  static func readFile(_ path: String, from offset: Int = 0) throws(JournalError) -> [UInt8]? {
    let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 {
      if errno == ENOENT { return nil }
      throw .io(path: path, operation: "open", code: errno)
    }
    defer { close(fd) }
    return try readAll(fd, from: offset, path: path)
  }

  static func readAll(_ fd: Int32, from offset: Int, path: String) throws(JournalError) -> [UInt8] {
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

  /// Replaces `path` atomically: temp file, fsync, rename, fsync of the folder.
  static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) throws(JournalError) {
    let temp = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let fd = try open(temp, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: mode)
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
    syncDirectory(parentDirectory(of: path))
  }
}
