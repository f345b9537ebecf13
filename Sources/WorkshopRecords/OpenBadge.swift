import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import JWTKit
import WorkshopEngine

public struct BadgeError: Error, Sendable, CustomStringConvertible {
  public var description: String
  init(_ d: String) { description = d }
}

/// Open Badges 3.0: a passed course as an `OpenBadgeCredential` (a W3C Verifiable Credential,
/// data model 2.0), secured as a VC-JWT signed with the issuer's Ed25519 key, whose `kid` is the
/// key's did:key so that anyone can check it offline. docs/records.md describes every member.
public enum OpenBadge {
  public static let contexts = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
  ]
  public static let types = ["VerifiableCredential", "OpenBadgeCredential"]
  /// The only JOSE header members a VC-JWT may carry here (OB 3.0 allows `jwk` instead of
  /// `kid`; workshop badges always name a did:key).
  static let headerMembers: Set<String> = ["alg", "kid", "typ"]

  // MARK: The credential

  /// The `Achievement`: what passing the course means, from the course alone, so that a
  /// verifier can rebuild it from the lesson pack and compare.
  public static func achievement(for course: Course) -> JSONValue {
    var a = ObjectBuilder()
    a.add("id", "urn:uuid:" + NameUUID.make("open-badge-achievement", course.id, course.version))
    a.add("type", JSONValue.array([.string("Achievement")]))
    a.add("achievementType", "CertificateOfCompletion")
    a.add("name", course.title)
    let description = course.description.trimmed()
    a.add(
      "description",
      description.isEmpty
        ? "Completed \(Wording.count(course.requiredLessons.count, "required lesson")) of \(course.title)." : description)
    a.add("criteria", JSONValue.object([("narrative", .string(criteria(for: course)))]))
    a.add("version", course.version)
    if !course.language.isEmpty { a.add("inLanguage", course.language) }
    var identifier = ObjectBuilder()
    identifier.add("type", "IdentifierEntry")
    identifier.add("identifier", course.id)
    identifier.add("identifierType", "systemId")
    a.add("otherIdentifier", JSONValue.array([identifier.value]))
    var score = ObjectBuilder()
    score.add("id", scoreDescriptionID(course))
    score.add("type", JSONValue.array([.string("ResultDescription")]))
    score.add("name", "Course score (percent of the points of the required lessons)")
    score.add("resultType", "Percent")
    score.add("valueMin", "0")
    score.add("valueMax", "100")
    score.add("requiredValue", percentText(course.policy.passMark))
    a.add("resultDescription", JSONValue.array([score.value]))
    return a.value
  }

  static func scoreDescriptionID(_ course: Course) -> String {
    "urn:uuid:" + NameUUID.make("open-badge-score", course.id, course.version)
  }

  /// What a learner did to earn the badge, in words: the pass rule and the course's objectives.
  static func criteria(for course: Course) -> String {
    let required = course.requiredLessons
    var text =
      "Pass every required lesson of \(course.title) \(course.version) (\(Wording.count(required.count, "lesson"))), "
      + "scoring at least \(percentText(course.policy.passMark))% of their points."
    let objectives = required.flatMap(\.objectives)
    if !objectives.isEmpty {
      text += " The learner can:\n" + objectives.map { "- " + $0 }.joined(separator: "\n")
    }
    return text
  }

  /// A share as a percent number without a unit: 0.8 → "80", 0.91666 → "91.7".
  static func percentText(_ share: Double) -> String {
    let p = (share * 1000).rounded() / 10
    return p == p.rounded() ? String(Int(p)) : String(p)
  }

  /// The learner's subject id: stable for the learner and the progress folder, revealing nothing.
  static func subjectID(_ record: CompletionRecord) -> String {
    "urn:uuid:" + NameUUID.make("open-badge-subject", record.learner.id)
  }

  /// `2026-11-18T10:00:00Z`: whole seconds, as JWT dates count them.
  static func instant(_ date: Date) -> String {
    Timestamp.formatSeconds(Int64(date.timeIntervalSince1970.rounded(.down)))
  }

  /// The credential for a passed course. Its id is the record's (stable across exports), and it
  /// is valid from the moment the course was completed, so exporting twice gives the same badge.
  public static func credential(
    record: CompletionRecord, course: Course, issuer: IssuerProfile, key: DIDKey
  ) throws(BadgeError) -> JSONValue {
    let awarded = try awardDate(record)
    guard record.course.id == course.id else {
      throw BadgeError("the record is for course \(record.course.id), not \(course.id)")
    }
    var i = ObjectBuilder()
    i.add("id", issuer.id ?? key.did)
    i.add("type", JSONValue.array([.string("Profile")]))
    i.add("name", issuer.name)
    i.add("url", issuer.url)
    i.add("email", issuer.email)

    var identifiers: [JSONValue] = []
    var name = ObjectBuilder()
    name.add("type", "IdentityObject")
    name.add("identityType", "name")
    name.add("hashed", false)
    name.add("identityHash", record.learner.name)
    identifiers.append(name.value)
    // The opaque learner id, hashed with a salt (OB 3.0 `sha256$` form), so the badge can be
    // matched with the learner's records by whoever holds them and by nobody else.
    let salt = String(RecordHash.sha256Hex("open-badge-salt\u{1F}" + record.id).prefix(16))
    var system = ObjectBuilder()
    system.add("type", "IdentityObject")
    system.add("identityType", "systemId")
    system.add("hashed", true)
    system.add("identityHash", "sha256$" + RecordHash.sha256Hex(record.learner.id + salt))
    system.add("salt", salt)
    identifiers.append(system.value)

    var result = ObjectBuilder()
    result.add("type", JSONValue.array([.string("Result")]))
    result.add("resultDescription", scoreDescriptionID(course))
    result.add("value", percentText(record.outcome.score ?? 1))
    result.add("status", "Completed")

    var subject = ObjectBuilder()
    subject.add("id", subjectID(record))
    subject.add("type", JSONValue.array([.string("AchievementSubject")]))
    subject.add("identifier", JSONValue.array(identifiers))
    subject.add("achievement", achievement(for: course))
    subject.add("result", JSONValue.array([result.value]))

    var c = ObjectBuilder()
    c.add("@context", JSONValue.array(contexts.map(JSONValue.string)))
    c.add("id", "urn:uuid:" + record.id)
    c.add("type", JSONValue.array(types.map(JSONValue.string)))
    c.add("issuer", i.value)
    c.add("validFrom", instant(awarded))
    if let days = issuer.validDays {
      c.add("validUntil", instant(awarded.addingTimeInterval(Double(days) * 86_400)))
    }
    c.add("awardedDate", instant(awarded))
    c.add("name", "\(course.title): completed")
    c.add("credentialSubject", subject.value)
    return c.value
  }

  /// When the badge was earned: the completion of a passed course. Anything else earns none.
  public static func awardDate(_ record: CompletionRecord) throws(BadgeError) -> Date {
    guard record.outcome.passed, let completedAt = record.outcome.completedAt,
      let awarded = WorkshopClock.parseInstant(completedAt)
    else {
      throw BadgeError(
        "\(record.learner.name) has not passed \(record.course.title) yet: a badge is only issued for a passed course")
    }
    return awarded
  }

  /// The JWT claims beside the credential (OB 3.0 VC-JWT): `iss`, `jti`, `sub`, `nbf`, `exp`.
  static func claims(_ credential: JSONValue) -> JSONValue {
    var c = credential
    func seconds(_ key: String) -> JSONValue? {
      credential[key]?.string.flatMap(WorkshopClock.parseInstant).map { .number($0.timeIntervalSince1970.rounded(.down)) }
    }
    if let iss = credential["issuer"]?["id"] { c = c.setting("iss", iss) }
    if let jti = credential["id"] { c = c.setting("jti", jti) }
    if let sub = credential["credentialSubject"]?["id"] { c = c.setting("sub", sub) }
    if let nbf = seconds("validFrom") { c = c.setting("nbf", nbf) }
    if let exp = seconds("validUntil") { c = c.setting("exp", exp) }
    return c
  }

  // MARK: Signing (VC-JWT)

  /// The compact JWS: header `{"alg":"EdDSA","kid":"did:key:…#…","typ":"JWT"}`, the claims in
  /// workshop's canonical JSON, an Ed25519 signature over both, all made by jwt-kit.
  public static func sign(_ credential: JSONValue, with key: InstructorKey) async throws -> String {
    let did = DIDKey(publicKey: key.privateKey.publicKey.rawRepresentation)
    let kid = JWKIdentifier(string: did.verificationMethod)
    let keys = JWTKeyCollection()
    await keys.add(eddsa: EdDSA.PrivateKey(backing: key.privateKey), kid: kid, serializer: CanonicalClaimsSerializer())
    return try await keys.sign(CredentialClaims(json: claims(credential)), kid: kid)
  }

  /// Builds and signs the badge of a record.
  public static func issue(
    record: CompletionRecord, course: Course, issuer: IssuerProfile, key: InstructorKey
  ) async throws -> String {
    let did = DIDKey(publicKey: key.privateKey.publicKey.rawRepresentation)
    return try await sign(credential(record: record, course: course, issuer: issuer, key: did), with: key)
  }

  /// Whether bytes look like a compact JWS (three base64url parts), as a badge file holds.
  public static func looksLikeJWT(_ data: Data) -> Bool {
    let text = String(decoding: data, as: UTF8.self).trimmed()
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    return parts.count == 3 && text.hasPrefix("eyJ") && parts.allSatisfy { $0.utf8.allSatisfy(allowed.contains) }
  }
}

/// The credential as a JWT payload for jwt-kit. Encoding goes through `CanonicalClaimsSerializer`,
/// so the signed bytes are workshop's canonical JSON (sorted keys, one number spelling) and the
/// same credential always gives the same token.
struct CredentialClaims: JWTPayload {
  var json: JSONValue

  init(json: JSONValue) { self.json = json }

  init(from decoder: any Decoder) throws { json = try AnyJSON(from: decoder).value }
  func encode(to encoder: any Encoder) throws { try AnyJSON(json).encode(to: encoder) }

  /// Dates are checked by `BadgeVerifier` against workshop's clock, with reasons people can read.
  func verify(using _: some JWTAlgorithm) async throws {}
}

struct CanonicalClaimsSerializer: JWTSerializer {
  var jsonEncoder: any JWTJSONEncoder {
    let encoder = JSONEncoder()
    // Header members in one order, so a token is reproducible byte for byte.
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
  }

  func serialize(_ payload: some JWTPayload, header: JWTHeader) throws -> Data {
    let bytes: [UInt8]
    if let claims = payload as? CredentialClaims {
      bytes = JSONWriter.canonicalBytes(claims.json)
    } else {
      bytes = Array(try jsonEncoder.encode(payload))
    }
    return Data(Base64URL.encode(bytes).utf8)
  }
}

/// `JSONValue` through `Codable`, for jwt-kit's decoder and encoder.
struct AnyJSON: Codable {
  var value: JSONValue
  init(_ value: JSONValue) { self.value = value }

  init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() {
      value = .null
    } else if let b = try? c.decode(Bool.self) {
      value = .bool(b)
    } else if let n = try? c.decode(Double.self) {
      value = .number(n)
    } else if let s = try? c.decode(String.self) {
      value = .string(s)
    } else if let a = try? c.decode([AnyJSON].self) {
      value = .array(a.map(\.value))
    } else {
      let o = try c.decode([String: AnyJSON].self)
      value = .object(o.map { ($0.key, $0.value.value) }.sorted { $0.0 < $1.0 })
    }
  }

  func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    switch value {
    case .null: try c.encodeNil()
    case .bool(let b): try c.encode(b)
    case .number(let n): try c.encode(n)
    case .string(let s): try c.encode(s)
    case .array(let a): try c.encode(a.map(AnyJSON.init))
    case .object(let members):
      try c.encode(Dictionary(members.map { ($0.0, AnyJSON($0.1)) }, uniquingKeysWith: { _, last in last }))
    }
  }
}
