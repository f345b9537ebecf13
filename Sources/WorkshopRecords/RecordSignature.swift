import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

/// The signature block of a completion record: Ed25519 over the record's digest.
///
/// The message signed is the 32 bytes of the record's SHA-256 digest (the hex `digest` member
/// decoded), so the block covers the whole record except itself. The signature alone proves only
/// that *some* key signed the record; `verify(digest:trusting:)` also checks that the key is one
/// the reader trusts (an instructor's published public key).
public struct RecordSignature: Sendable, Hashable, Codable {
  public var algorithm: String
  /// Base64 of the 32-byte Ed25519 public key.
  public var publicKey: String
  /// Base64 of the 64-byte signature.
  public var signature: String
  /// Id of the signing key: hex of the first 8 bytes of the public key's SHA-256, as
  /// `workshop keys show` prints it.
  public var signer: String

  public static let ed25519 = "ed25519"

  public init(algorithm: String = RecordSignature.ed25519, publicKey: String, signature: String, signer: String) {
    self.algorithm = algorithm
    self.publicKey = publicKey
    self.signature = signature
    self.signer = signer
  }

  public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
    case unsupportedAlgorithm(String)
    case malformed
    case signerMismatch
    case badSignature
    case untrustedKey(keyID: String)

    public var description: String {
      switch self {
      case .unsupportedAlgorithm(let a): "signature algorithm `\(a)` is not supported (expected ed25519)"
      case .malformed: "the signature or its public key is not valid base64 of the right length"
      case .signerMismatch: "the signer id does not belong to the public key in the signature block"
      case .badSignature: "the signature does not match the record: it was changed after signing or signed by another key"
      case .untrustedKey(let id): "the record is signed by key \(id), which is not the instructor key given"
      }
    }
  }

  /// Checks the signature over `message`; when `trusting` is given, the signing key must be one
  /// of those public keys (base64).
  public func verify(_ message: Data, trusting trusted: [String]? = nil) -> Result<Void, Problem> {
    guard algorithm == Self.ed25519 else { return .failure(.unsupportedAlgorithm(algorithm)) }
    guard let keyBytes = Data(base64Encoded: publicKey), let sig = Data(base64Encoded: signature),
      let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes)
    else { return .failure(.malformed) }
    guard signer == InstructorKey.keyID(of: keyBytes) else { return .failure(.signerMismatch) }
    guard key.isValidSignature(sig, for: message) else { return .failure(.badSignature) }
    if let trusted {
      let ok = trusted.contains { Data(base64Encoded: $0) == keyBytes }
      if !ok { return .failure(.untrustedKey(keyID: signer)) }
    }
    return .success(())
  }

  /// Checks the signature over a record digest given in hex.
  public func verify(digest hex: String, trusting trusted: [String]? = nil) -> Result<Void, Problem> {
    guard let bytes = RecordSignature.bytes(hex: hex) else { return .failure(.badSignature) }
    return verify(bytes, trusting: trusted)
  }

  static func bytes(hex: String) -> Data? {
    let chars = Array(hex.utf8)
    guard chars.count % 2 == 0 else { return nil }
    var out = Data(capacity: chars.count / 2)
    func nibble(_ c: UInt8) -> UInt8? {
      switch c {
      case 48...57: c - 48
      case 97...102: c - 87
      case 65...70: c - 55
      default: nil
      }
    }
    var i = 0
    while i < chars.count {
      guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
      out.append(hi << 4 | lo)
      i += 2
    }
    return out
  }

  func json() -> JSONValue {
    var o = ObjectBuilder()
    o.add("algorithm", algorithm)
    o.add("publicKey", publicKey)
    o.add("signature", signature)
    o.add("signer", signer)
    return o.value
  }

  init(json reader: Reader) throws(RecordFormatError) {
    self.init(
      algorithm: try reader.string("algorithm"), publicKey: try reader.string("publicKey"),
      signature: try reader.string("signature"), signer: try reader.string("signer"))
  }
}

/// An instructor's Ed25519 signing key, kept in a file readable only by its owner.
///
/// Files are two lines of text so they can be inspected and copied safely:
/// `workshop-ed25519-private-key` (or `-public-key`) then the base64 of the raw 32 bytes.
public struct InstructorKey: Sendable {
  public let privateKey: Curve25519.Signing.PrivateKey

  public init(privateKey: Curve25519.Signing.PrivateKey) { self.privateKey = privateKey }

  public static func generate() -> InstructorKey { InstructorKey(privateKey: .init()) }

  public var publicKeyBase64: String { privateKey.publicKey.rawRepresentation.base64EncodedString() }
  public var keyID: String { Self.keyID(of: privateKey.publicKey.rawRepresentation) }
  /// The public key as a `did:key`, the issuer's key in an Open Badge.
  public var didKey: DIDKey { DIDKey(publicKey: privateKey.publicKey.rawRepresentation) }

  public static func keyID(of publicKey: Data) -> String {
    Hex.string(SHA256.hash(data: publicKey).prefix(8))
  }

  public func sign(_ message: Data) -> RecordSignature {
    // Signing with a valid Curve25519 key does not fail in practice; an error here is a bug.
    let sig = (try? privateKey.signature(for: message)) ?? Data()
    return RecordSignature(publicKey: publicKeyBase64, signature: sig.base64EncodedString(), signer: keyID)
  }

  static let privateHeader = "workshop-ed25519-private-key"
  static let publicHeader = "workshop-ed25519-public-key"

  public struct KeyError: Error, Sendable, CustomStringConvertible {
    public var description: String
  }

  /// Writes the private key (mode 0600, refusing to overwrite) and the public key beside it.
  public func write(privateKeyPath: String, publicKeyPath: String) throws {
    let dir = FilePath.parent(privateKeyPath)
    let body = "\(Self.privateHeader)\n\(privateKey.rawRepresentation.base64EncodedString())\n"
    do {
      if !dir.isEmpty, !DurableFile.exists(dir) { try DurableFile.makeDirectory(dir, mode: 0o700) }
      // Created with 0600 from the first byte (never world-readable, even briefly), durably,
      // and never over an existing key or through a link.
      guard try DurableFile.createExclusively(privateKeyPath, Array(body.utf8)) else {
        throw KeyError(description: "\(privateKeyPath) already exists; move it away first to make a new key")
      }
      let pub = "\(Self.publicHeader)\n\(publicKeyBase64)\n"
      try DurableFile.writeAtomically(publicKeyPath, Array(pub.utf8), mode: 0o644)
    } catch let error as JournalError {
      throw KeyError(description: error.description)
    }
  }

  /// Loads a private key, refusing one that others can read.
  /// Where the instructor's private key lives unless a command is told otherwise:
  /// `$WORKSHOP_KEY`, else `~/.workshop/instructor.key`.
  public static var defaultPrivateKeyPath: String {
    if let path = ProcessInfo.processInfo.environment["WORKSHOP_KEY"], !path.isEmpty { return path }
    let home = ProcessInfo.processInfo.environment["HOME"] ?? FilePath.accountHome
    return FilePath.join(home, ".workshop/instructor.key")
  }

  public static func load(privateKeyPath: String) throws -> InstructorKey {
    guard let mode = DurableFile.permissions(privateKeyPath) else {
      throw KeyError(description: "no key at \(privateKeyPath) (create one with `workshop keys generate`)")
    }
    if mode & 0o077 != 0 {
      throw KeyError(description: "\(privateKeyPath) can be read by others (mode \(String(mode, radix: 8))); run chmod 600 on it")
    }
    let text = (try? String(contentsOfFile: privateKeyPath, encoding: .utf8)) ?? ""
    let lines = text.split(whereSeparator: \.isNewline).map(String.init)
    guard lines.count >= 2, lines[0] == privateHeader, let raw = Data(base64Encoded: lines[1]),
      let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
    else { throw KeyError(description: "\(privateKeyPath) is not a workshop private key") }
    return InstructorKey(privateKey: key)
  }

  /// Reads a public key file (or accepts a bare base64 key), returning the base64 key.
  public static func loadPublicKey(_ pathOrKey: String) throws -> String {
    if let text = try? String(contentsOfFile: pathOrKey, encoding: .utf8) {
      let lines = text.split(whereSeparator: \.isNewline).map(String.init)
      guard lines.count >= 2, lines[0] == publicHeader, let raw = Data(base64Encoded: lines[1]), raw.count == 32
      else { throw KeyError(description: "\(pathOrKey) is not a workshop public key") }
      return lines[1]
    }
    guard let raw = Data(base64Encoded: pathOrKey), raw.count == 32 else {
      throw KeyError(description: "\(pathOrKey) is neither a public key file nor a base64 key")
    }
    return pathOrKey
  }
}
