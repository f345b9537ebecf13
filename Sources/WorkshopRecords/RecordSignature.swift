import Crypto
import Foundation

/// An Ed25519 signature over a record's bytes, carried inside the record file.
///
/// The signature alone proves only that *some* key signed the record; `verify(_:trusting:)`
/// also checks that the key is one the reader trusts (an instructor's published public key).
public struct RecordSignature: Sendable, Hashable, Codable {
  public var algorithm: String
  /// Base64 of the 32-byte Ed25519 public key.
  public var publicKey: String
  /// Short fingerprint of the public key (hex of the first 8 bytes of its SHA-256).
  public var keyID: String
  /// Base64 of the 64-byte signature.
  public var value: String

  public static let ed25519 = "ed25519"

  public init(algorithm: String = RecordSignature.ed25519, publicKey: String, keyID: String, value: String) {
    self.algorithm = algorithm
    self.publicKey = publicKey
    self.keyID = keyID
    self.value = value
  }

  public enum Problem: Error, Sendable, Hashable, CustomStringConvertible {
    case unsupportedAlgorithm(String)
    case malformed
    case badSignature
    case untrustedKey(keyID: String)

    public var description: String {
      switch self {
      case .unsupportedAlgorithm(let a): "signature algorithm `\(a)` is not supported (expected ed25519)"
      case .malformed: "the signature or its public key is not valid base64 of the right length"
      case .badSignature: "the signature does not match the record: it was changed after signing or signed by another key"
      case .untrustedKey(let id): "the record is signed by key \(id), which is not the instructor key given"
      }
    }
  }

  /// Checks the signature over `message`; when `trusting` is given, the signing key must be one
  /// of those public keys (base64).
  public func verify(_ message: Data, trusting trusted: [String]? = nil) -> Result<Void, Problem> {
    guard algorithm == Self.ed25519 else { return .failure(.unsupportedAlgorithm(algorithm)) }
    guard let keyBytes = Data(base64Encoded: publicKey), let sig = Data(base64Encoded: value),
      let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes)
    else { return .failure(.malformed) }
    guard key.isValidSignature(sig, for: message) else { return .failure(.badSignature) }
    if let trusted {
      let ok = trusted.contains { Data(base64Encoded: $0) == keyBytes }
      if !ok { return .failure(.untrustedKey(keyID: InstructorKey.keyID(of: keyBytes))) }
    }
    return .success(())
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

  public static func keyID(of publicKey: Data) -> String {
    SHA256.hash(data: publicKey).prefix(8).map { String(format: "%02x", $0) }.joined()
  }

  public func sign(_ message: Data) -> RecordSignature {
    // Signing with a valid Curve25519 key does not fail in practice; an error here is a bug.
    let sig = (try? privateKey.signature(for: message)) ?? Data()
    return RecordSignature(publicKey: publicKeyBase64, keyID: keyID, value: sig.base64EncodedString())
  }

  static let privateHeader = "workshop-ed25519-private-key"
  static let publicHeader = "workshop-ed25519-public-key"

  public struct KeyError: Error, Sendable, CustomStringConvertible {
    public var description: String
  }

  /// Writes the private key (mode 0600, refusing to overwrite) and the public key beside it.
  public func write(privateKeyPath: String, publicKeyPath: String) throws {
    let fm = FileManager.default
    if fm.fileExists(atPath: privateKeyPath) {
      throw KeyError(description: "\(privateKeyPath) already exists; move it away first to make a new key")
    }
    let dir = (privateKeyPath as NSString).deletingLastPathComponent
    if !dir.isEmpty {
      try fm.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
    let body = "\(Self.privateHeader)\n\(privateKey.rawRepresentation.base64EncodedString())\n"
    // Created with 0600 from the first byte: never world-readable, even briefly.
    guard fm.createFile(atPath: privateKeyPath, contents: Data(body.utf8), attributes: [.posixPermissions: 0o600])
    else { throw KeyError(description: "cannot write \(privateKeyPath)") }
    try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: privateKeyPath)
    let pub = "\(Self.publicHeader)\n\(publicKeyBase64)\n"
    try Data(pub.utf8).write(to: URL(fileURLWithPath: publicKeyPath))
  }

  /// Loads a private key, refusing one that others can read.
  public static func load(privateKeyPath: String) throws -> InstructorKey {
    let attrs = try? FileManager.default.attributesOfItem(atPath: privateKeyPath)
    guard let attrs else { throw KeyError(description: "no key at \(privateKeyPath) (create one with `workshop keys generate`)") }
    if let mode = (attrs[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
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
