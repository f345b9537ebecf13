import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

public enum RecordHash {
  public static func sha256Hex(_ bytes: [UInt8]) -> String { Hex.string(SHA256.hash(data: bytes)) }
  public static func sha256Hex(_ text: String) -> String { sha256Hex(Array(text.utf8)) }

  /// Digest of a JSON value's canonical form.
  public static func digest(of value: JSONValue) -> String {
    sha256Hex(JSONWriter.canonicalBytes(value))
  }

  /// RFC 4648 base32 of the digest's bytes, first `length` characters: short enough to type,
  /// long enough (60 bits at 12 characters) that guessing one is hopeless.
  public static func verificationCode(digestHex: String, length: Int = 12) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    var bytes: [UInt8] = []
    var it = digestHex.utf8.makeIterator()
    func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : (c | 32) - 87 }
    while let hi = it.next(), let lo = it.next() { bytes.append(nibble(hi) << 4 | nibble(lo)) }
    var out = ""
    var buffer: UInt32 = 0
    var bits = 0
    for byte in bytes {
      buffer = buffer << 8 | UInt32(byte)
      bits += 8
      while bits >= 5, out.count < length {
        bits -= 5
        out.append(alphabet[Int((buffer >> UInt32(bits)) & 31)])
      }
      if out.count >= length { break }
    }
    return out
  }

  /// `XXXX-XXXX-XXXX`, easier to read aloud or copy from paper.
  public static func grouped(_ code: String) -> String {
    var parts: [String] = []
    var current = ""
    for c in code {
      current.append(c)
      if current.count == 4 {
        parts.append(current)
        current = ""
      }
    }
    if !current.isEmpty { parts.append(current) }
    return parts.joined(separator: "-")
  }
}

/// Name-based UUIDs (RFC 4122 version 5): the same inputs always give the same id, which is what
/// makes re-sending statements idempotent and certificate ids stable across re-exports.
public enum NameUUID {
  /// The namespace for every id this module derives (itself a v5 UUID of the URL namespace).
  public static let namespace: [UInt8] = v5Bytes(
    namespace: [
      0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
    ], name: "https://github.com/workshop/records")

  public static func make(_ parts: String...) -> String { make(parts) }

  public static func make(_ parts: [String]) -> String {
    // Unit separator between parts so that ("ab","c") and ("a","bc") differ.
    format(v5Bytes(namespace: namespace, name: parts.joined(separator: "\u{1F}")))
  }

  static func v5Bytes(namespace: [UInt8], name: String) -> [UInt8] {
    var sha = Insecure.SHA1()
    sha.update(data: namespace)
    sha.update(data: Array(name.utf8))
    var bytes = Array(sha.finalize().prefix(16))
    bytes[6] = (bytes[6] & 0x0F) | 0x50
    bytes[8] = (bytes[8] & 0x3F) | 0x80
    return bytes
  }

  static func format(_ bytes: [UInt8]) -> String {
    let hex = Hex.string(bytes)
    let u = Array(hex.utf8)
    func s(_ r: Range<Int>) -> String { String(decoding: u[r], as: UTF8.self) }
    return "\(s(0..<8))-\(s(8..<12))-\(s(12..<16))-\(s(16..<20))-\(s(20..<32))"
  }
}
