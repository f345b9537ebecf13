import Foundation
import WorkshopEngine

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
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
    let fd: Int32
    let data: Data
    do throws(JournalError) {
      if !dir.isEmpty { try DurableFile.makeDirectory(dir, mode: 0o700) }
      let existed = DurableFile.exists(path)
      fd = try DurableFile.open(path, flags: O_RDWR | O_CREAT)
      do throws(JournalError) {
        data = Data(try DurableFile.readAll(fd, from: 0, path: path))
        if !existed { try DurableFile.syncDirectory(dir.isEmpty ? "." : dir) }
      } catch {
        DurableFile.close(fd)
        throw error
      }
    } catch {
      throw LogError(description: error.description)
    }
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
        if let version = fact.v, version > SessionFact.formatVersion {
          warnings.append("\(path): line \(lineNumber) was written by a newer workshop; kept and skipped")
        } else {
          facts.append(fact)
        }
        goodLength = nl + 1 - data.startIndex
      } else {
        // An unreadable line in the middle is kept on disk but skipped; only a torn tail is cut.
        warnings.append("\(path): line \(lineNumber) is not a valid fact and is skipped")
        goodLength = nl + 1 - data.startIndex
      }
      lineStart = nl + 1
    }
    if goodLength < data.count {
      guard ftruncate(fd, off_t(goodLength)) == 0 else {
        let code = errno
        DurableFile.close(fd)
        throw LogError(description: "cannot cut the torn end of \(path): \(DurableFile.errorText(code))")
      }
      do { try DurableFile.sync(fd, path: path) } catch {
        DurableFile.close(fd)
        throw LogError(description: error.description)
      }
    }
    _ = lseek(fd, 0, SEEK_END)
    return (SessionLog(path: path, fd: fd), facts, warnings)
  }

  init(path: String, fd: Int32) {
    self.path = path
    self.fd = fd
  }

  deinit { DurableFile.close(fd) }

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
          do throws(JournalError) {
            try DurableFile.writeAll(fd, raw, path: path)
            try DurableFile.sync(fd, path: path)
            return .success(())
          } catch {
            return .failure(LogError(description: error.description))
          }
        }
        cont.resume(with: result)
      }
    }
  }
}
