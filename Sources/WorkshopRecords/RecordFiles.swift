#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
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
/// not at all, and durable before the command reports success (`DurableFile`).
public enum RecordFiles {
  /// Writes through a temporary file created 0600, synced and renamed into place, so a reader
  /// never sees half a record and the file is never readable by others, not even for a moment.
  public static func writePrivate(_ text: String, to path: String) throws(RecordFileError) {
    do {
      try DurableFile.writeAtomically(path, Array(text.utf8))
    } catch {
      throw RecordFileError("cannot write \(path): \(error.description)")
    }
  }

  /// A record file's bytes. A leading UTF-8 byte order mark (which some editors add on save)
  /// is dropped: it is not part of the JSON.
  public static func read(_ path: String) throws(RecordFileError) -> Data {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw RecordFileError("cannot read \(path)")
    }
    if data.starts(with: [0xEF, 0xBB, 0xBF]) { return data.dropFirst(3) }
    return data
  }

  /// The progress folder's salt for opaque learner ids, created (0600) on first use. Losing it
  /// changes every learner's opaque id, so it is never rewritten once it exists.
  public static func salt(progressRoot: String) throws(RecordFileError) -> String {
    let root = progressRoot.hasSuffix("/") ? String(progressRoot.dropLast()) : progressRoot
    let path = root + "/.record-salt"
    func existing() -> String? {
      guard let bytes = try? DurableFile.readFile(path),
        case let text = String(decoding: bytes, as: UTF8.self).trimmed(),
        !text.isEmpty
      else { return nil }
      return text
    }
    if let text = existing(), text.count >= 32 { return text }
    var rng = SystemRandomNumberGenerator()
    let salt = Hex.string((0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) })
    do {
      if !DurableFile.exists(root) { try DurableFile.makeDirectory(root, mode: 0o700) }
      if try DurableFile.createExclusively(path, Array((salt + "\n").utf8)) { return salt }
    } catch {
      throw RecordFileError("cannot create \(path): \(error.description)")
    }
    // Someone else created it first: theirs wins.
    guard let text = existing() else { throw RecordFileError("cannot read \(path)") }
    return text
  }
}
