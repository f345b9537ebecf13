import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

/// A `did:key` for an Ed25519 public key (W3C CCG did:key method): the key itself, written as a
/// decentralised identifier, so a verifier gets the public key out of the credential's `kid`
/// without fetching anything.
///
/// `did:key:` + multibase base58btc (`z`) of the multicodec `ed25519-pub` prefix (0xed 0x01)
/// followed by the 32 key bytes. The verification method is the DID with its own identifier as
/// the fragment: `did:key:z6Mk…#z6Mk…`.
public struct DIDKey: Sendable, Hashable, CustomStringConvertible {
  /// The 32 raw bytes of the Ed25519 public key.
  public let publicKey: Data

  static let ed25519Prefix: [UInt8] = [0xED, 0x01]

  public init(publicKey: Data) {
    self.publicKey = publicKey
  }

  /// `z6Mk…`: the method-specific identifier.
  public var multibase: String { "z" + Base58.encode(Self.ed25519Prefix + Array(publicKey)) }
  /// `did:key:z6Mk…`
  public var did: String { "did:key:" + multibase }
  /// `did:key:z6Mk…#z6Mk…`: what a JWT names in `kid`.
  public var verificationMethod: String { did + "#" + multibase }
  public var description: String { did }

  public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
    case notDIDKey(String)
    case notEd25519(String)
    case fragmentMismatch(String)

    public var description: String {
      switch self {
      case .notDIDKey(let s): "`\(s)` is not a did:key (expected did:key:z6Mk…)"
      case .notEd25519(let s): "`\(s)` does not hold an Ed25519 public key (multicodec 0xed01, 32 bytes, base58btc)"
      case .fragmentMismatch(let s): "`\(s)`: the fragment must repeat the key's identifier (did:key:z…#z…)"
      }
    }
  }

  /// Reads a DID (`did:key:z…`) or a verification method (`did:key:z…#z…`).
  public init(parsing text: String) throws(Problem) {
    let parts = text.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
    let did = String(parts[0])
    guard did.hasPrefix("did:key:z") else { throw .notDIDKey(text) }
    let identifier = String(did.dropFirst("did:key:".count))
    if parts.count == 2, parts[1] != identifier { throw .fragmentMismatch(text) }
    guard let bytes = Base58.decode(String(identifier.dropFirst())), bytes.count == 34,
      Array(bytes.prefix(2)) == Self.ed25519Prefix
    else { throw .notEd25519(text) }
    self.init(publicKey: Data(bytes.dropFirst(2)))
  }

  public var signingKey: Curve25519.Signing.PublicKey? {
    try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey)
  }
}

/// Base58 with the Bitcoin alphabet, as multibase `z` (base58btc) uses it.
enum Base58 {
  static let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
  static let values: [UInt8: UInt8] = Dictionary(
    uniqueKeysWithValues: alphabet.enumerated().map { ($1, UInt8($0)) })

  static func encode(_ bytes: [UInt8]) -> String {
    let zeros = bytes.prefix { $0 == 0 }.count
    // Digits in base 58, least significant first.
    var digits: [UInt8] = []
    for byte in bytes.dropFirst(zeros) {
      var carry = Int(byte)
      for i in digits.indices {
        carry += Int(digits[i]) << 8
        digits[i] = UInt8(carry % 58)
        carry /= 58
      }
      while carry > 0 {
        digits.append(UInt8(carry % 58))
        carry /= 58
      }
    }
    let text = [UInt8](repeating: alphabet[0], count: zeros) + digits.reversed().map { alphabet[Int($0)] }
    return String(decoding: text, as: UTF8.self)
  }

  static func decode(_ text: String) -> [UInt8]? {
    let chars = Array(text.utf8)
    let zeros = chars.prefix { $0 == alphabet[0] }.count
    // Bytes, least significant first.
    var bytes: [UInt8] = []
    for c in chars.dropFirst(zeros) {
      guard let value = values[c] else { return nil }
      var carry = Int(value)
      for i in bytes.indices {
        carry += Int(bytes[i]) * 58
        bytes[i] = UInt8(carry & 0xFF)
        carry >>= 8
      }
      while carry > 0 {
        bytes.append(UInt8(carry & 0xFF))
        carry >>= 8
      }
    }
    return [UInt8](repeating: 0, count: zeros) + bytes.reversed()
  }
}

/// Base64url without padding (RFC 7515 §2), the encoding of every part of a JWS.
enum Base64URL {
  static func encode(_ bytes: some Sequence<UInt8>) -> String {
    Data(bytes).base64EncodedString()
      .replacingScalars(of: "+", with: "-")
      .replacingScalars(of: "/", with: "_")
      .replacingScalars(of: "=", with: "")
  }

  static func decode(_ text: some StringProtocol) -> Data? {
    guard text.utf8.allSatisfy({ $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "/") })
    else { return nil }
    var s = text.replacingScalars(of: "-", with: "+").replacingScalars(of: "_", with: "/")
    while s.count % 4 != 0 { s += "=" }
    return Data(base64Encoded: s)
  }
}
