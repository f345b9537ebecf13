import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The session's append-only log: one JSON fact per line, each batch written and fsynced before
/// `append` returns. Answers that arrive while a batch is being synced wait for the next batch,
/// so one fsync covers many answers (group commit) and the latency stays flat as rooms grow.
public final class SessionLog: Sendable {
  public let path: String
  let fd: Int32
  let queue = DispatchQueue(label: "workshop.session-log")

  public struct LogError: Error, Sendable, CustomStringConvertible {
    public var description: String
  }

  /// Opens (creating if needed) the log at `path` and returns the facts already in it. A torn
  /// last line, left by a crash in the middle of a write, is cut off and reported; since its
  /// batch was never synced, nothing in it had been acknowledged.
  public static func open(path: String) throws -> (log: SessionLog, facts: [SessionFact], warnings: [String]) {
    let dir = (path as NSString).deletingLastPathComponent
    try FileManager.default.createDirectory(
      atPath: dir.isEmpty ? "." : dir, withIntermediateDirectories: true,
      attributes: [.posixPermissions: 0o700])
    let existed = FileManager.default.fileExists(atPath: path)
    let fd = posixOpen(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw LogError(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
    let data = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
    var facts: [SessionFact] = []
    var warnings: [String] = []
    var goodLength = 0
    let decoder = JSONDecoder()
    var lineStart = data.startIndex
    var lineNumber = 0
    while lineStart < data.endIndex {
      lineNumber += 1
      guard let nl = data[lineStart...].firstIndex(of: 0x0A) else {
        warnings.append("\(path): line \(lineNumber) was cut short by a crash and is set aside")
        break
      }
      let line = data[lineStart..<nl]
      if let fact = try? decoder.decode(SessionFact.self, from: line) {
        facts.append(fact)
        goodLength = nl + 1 - data.startIndex
      } else {
        // An unreadable line in the middle is kept on disk but skipped; only a torn tail is cut.
        warnings.append("\(path): line \(lineNumber) is not a valid fact and is skipped")
        goodLength = nl + 1 - data.startIndex
      }
      lineStart = nl + 1
    }
    if goodLength < data.count {
      _ = ftruncate(fd, off_t(goodLength))
      _ = fsync(fd)
    }
    _ = lseek(fd, 0, SEEK_END)
    if !existed { syncDirectory(dir.isEmpty ? "." : dir) }
    return (SessionLog(path: path, fd: fd), facts, warnings)
  }

  init(path: String, fd: Int32) {
    self.path = path
    self.fd = fd
  }

  deinit { close(fd) }

  /// Writes the facts and waits until they are on disk.
  public func append(_ facts: [SessionFact]) async throws {
    guard !facts.isEmpty else { return }
    var encoded = Data()
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    for fact in facts {
      encoded.append(try encoder.encode(fact))
      encoded.append(0x0A)
    }
    let bytes = encoded
    let fd = self.fd
    let path = self.path
    try await withCheckedThrowingContinuation { (cont: CheckedContinuation<Void, any Error>) in
      queue.async {
        let result: Result<Void, any Error> = bytes.withUnsafeBytes { raw in
          var offset = 0
          while offset < raw.count {
            let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 {
              if errno == EINTR { continue }
              return .failure(LogError(description: "cannot write \(path): \(String(cString: strerror(errno)))"))
            }
            offset += n
          }
          guard fsync(fd) == 0 else {
            return .failure(LogError(description: "cannot sync \(path): \(String(cString: strerror(errno)))"))
          }
          return .success(())
        }
        cont.resume(with: result)
      }
    }
  }

  static func syncDirectory(_ dir: String) {
    let dfd = posixOpen(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0)
    if dfd >= 0 {
      _ = fsync(dfd)
      close(dfd)
    }
  }
}

func posixOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
  #if canImport(Glibc)
    Glibc.open(path, flags, mode)
  #else
    Darwin.open(path, flags, mode)
  #endif
}
