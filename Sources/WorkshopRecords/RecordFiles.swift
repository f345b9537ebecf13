import Foundation
import WorkshopEngine

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

public struct RecordFileError: Error, Sendable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// File I/O for exports: everything written is private to its owner (0600), written whole or
/// not at all.
public enum RecordFiles {
  /// Writes through a temporary file created 0600 and renamed into place, so a reader never sees
  /// half a record and the file is never readable by others, not even for a moment.
  public static func writePrivate(_ text: String, to path: String) throws(RecordFileError) {
    let directory = (path as NSString).deletingLastPathComponent
    let temp = (directory.isEmpty ? "." : directory) + "/.\((path as NSString).lastPathComponent).\(getpid()).tmp"
    let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_EXCL, 0o600)
    guard fd >= 0 else { throw RecordFileError("cannot write \(path): \(String(cString: strerror(errno)))") }
    var ok = true
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { buffer in
      var offset = 0
      while offset < buffer.count {
        let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          ok = false
          return
        }
        offset += n
      }
    }
    if fchmod(fd, 0o600) != 0 { ok = false }
    if close(fd) != 0 { ok = false }
    guard ok, rename(temp, path) == 0 else {
      let message = String(cString: strerror(errno))
      unlink(temp)
      throw RecordFileError("cannot write \(path): \(message)")
    }
  }

  public static func read(_ path: String) throws(RecordFileError) -> Data {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw RecordFileError("cannot read \(path)")
    }
    return data
  }

  /// The progress folder's salt for opaque learner ids, created (0600) on first use. Losing it
  /// changes every learner's opaque id, so it is never rewritten once it exists.
  public static func salt(progressRoot: String) throws(RecordFileError) -> String {
    let path = (progressRoot.hasSuffix("/") ? String(progressRoot.dropLast()) : progressRoot) + "/.record-salt"
    if let data = FileManager.default.contents(atPath: path),
      let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
      text.count >= 32
    {
      return text
    }
    var rng = SystemRandomNumberGenerator()
    let salt = Hex.string((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
    try? FileManager.default.createDirectory(
      atPath: progressRoot, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    if fd < 0 {
      // Someone else created it first: theirs wins.
      if errno == EEXIST, let data = FileManager.default.contents(atPath: path),
        let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
        !text.isEmpty
      {
        return text
      }
      throw RecordFileError("cannot create \(path): \(String(cString: strerror(errno)))")
    }
    let line = Array((salt + "\n").utf8)
    let written = line.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
    close(fd)
    guard written == line.count else { throw RecordFileError("cannot write \(path)") }
    return salt
  }
}
