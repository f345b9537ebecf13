import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import JWTKit
import WorkshopEngine

/// What checking an Open Badges credential found.
public struct BadgeReport: Sendable {
  public enum Status: String, Sendable, Hashable {
    case valid
    /// Signature, header, claims or structure wrong: edited, forged, or not made as OB 3.0 asks.
    case invalid
    /// Honest, but outside its validity period (`validFrom` in the future or `validUntil` past).
    case expired
    /// Honest and current, but its achievement no longer matches the course in the lesson pack.
    case contentMismatch = "content-mismatch"

    public var exitCode: Int32 {
      switch self {
      case .valid: 0
      case .invalid, .expired: 1
      case .contentMismatch: 2
      }
    }
  }

  public var problems: [String] = []
  public var dateProblems: [String] = []
  public var contentChanges: [String] = []
  public var notes: [String] = []
  /// The credential (the JWT payload), once it could be decoded.
  public var credential: JSONValue?
  /// The key named by `kid`, once it could be read.
  public var issuerKey: DIDKey?
  public var signatureChecked = false

  public var status: Status {
    if !problems.isEmpty { return .invalid }
    if !dateProblems.isEmpty { return .expired }
    if !contentChanges.isEmpty { return .contentMismatch }
    return .valid
  }
}

public enum BadgeVerifier {
  public struct NotABadge: Error, Sendable, CustomStringConvertible {
    public var description: String
  }

  /// Checks a VC-JWT as OB 3.0 describes (header, key from the did:key in `kid`, signature,
  /// claims against the credential, structure, dates) and then the achievement against the
  /// course as the lesson pack has it now. `trusting`: base64 Ed25519 public keys of which one
  /// must have signed it. Throws only when the text is not a compact JWS at all.
  public static func verify(
    token raw: String, now: Date, course: (String) -> Course?, trusting trusted: [String]? = nil
  ) async throws(NotABadge) -> BadgeReport {
    let token = raw.trimmed()
    let parts = token.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]),
      let header = try? JSONParser.parse(headerBytes), let headerMembers = header.members
    else { throw NotABadge(description: "not a VC-JWT (a compact JWS of three base64url parts with a JSON header)") }
    var report = BadgeReport()

    // 1. Header: only the members OB 3.0 allows, EdDSA, a did:key.
    for (name, _) in headerMembers where !OpenBadge.headerMembers.contains(name) {
      report.problems.append("header: member `\(name)` is not allowed (only alg, kid and typ)")
    }
    switch header["alg"]?.string {
    case "EdDSA": break
    case let alg? where alg.lowercased() == "none":
      report.problems.append("header: alg `none` means unsigned; an unsigned credential proves nothing and is refused")
    case let alg?: report.problems.append("header: alg `\(alg)` is not accepted (workshop badges are signed with EdDSA)")
    case nil: report.problems.append("header: no alg")
    }
    if let typ = header["typ"], typ.string != "JWT" {
      report.problems.append("header: typ must be `JWT`")
    }
    var key: DIDKey?
    if let kid = header["kid"]?.string {
      do { key = try DIDKey(parsing: kid) } catch { report.problems.append("header: kid \(error)") }
    } else {
      report.problems.append("header: no kid naming the signing key (a did:key)")
    }
    report.issuerKey = key

    // 2. Signature, by jwt-kit, with the public key the did:key holds.
    if let key, let publicKey = key.signingKey, header["alg"]?.string == "EdDSA" {
      let keys = JWTKeyCollection()
      await keys.add(eddsa: EdDSA.PublicKey(backing: publicKey), kid: JWKIdentifier(string: header["kid"]?.string ?? ""))
      do {
        _ = try await keys.verify(token, as: CredentialClaims.self)
        report.signatureChecked = true
      } catch {
        report.problems.append(
          "signature: does not match the credential: it was changed after signing, or signed by another key than its kid names")
      }
      if let trusted, !trusted.contains(where: { Data(base64Encoded: $0) == key.publicKey }) {
        report.problems.append(
          "signature: made by \(key.did) (key id \(InstructorKey.keyID(of: key.publicKey))), not by the key given")
      }
    } else if key != nil {
      report.problems.append("signature: not checked, the key in kid is not a usable Ed25519 key")
    }

    // 3. The credential and its claims.
    guard let payloadBytes = Base64URL.decode(parts[1]), let claims = try? JSONParser.parse(payloadBytes),
      claims.members != nil
    else {
      report.problems.append("payload: not a JSON object")
      return report
    }
    let credential = claims["vc"] ?? claims
    report.credential = credential
    checkStructure(credential, &report)
    checkClaims(claims, credential: credential, &report)
    if let key, let issuer = credential["issuer"]?["id"]?.string {
      if issuer.hasPrefix("did:") {
        if issuer != key.did { report.problems.append("issuer.id \(issuer) is not the key that signed (\(key.did))") }
      } else {
        report.notes.append(
          "the issuer is \(issuer), which cannot be tied to the signing key offline: pass --key with the issuer's public key to require it")
      }
    }

    // 4. Dates, on workshop's clock.
    if let from = credential["validFrom"]?.string.flatMap(WorkshopClock.parseInstant), from > now {
      report.dateProblems.append("not valid before \(OpenBadge.instant(from))")
    }
    if let until = credential["validUntil"]?.string.flatMap(WorkshopClock.parseInstant), until <= now {
      report.dateProblems.append("expired on \(OpenBadge.instant(until)) (validUntil)")
    }

    // 5. The achievement against the lesson pack.
    checkAchievement(credential, course: course, &report)
    return report
  }

  static func types(_ value: JSONValue?) -> [String] {
    if let s = value?.string { return [s] }
    return value?.array?.compactMap(\.string) ?? []
  }

  static func checkStructure(_ c: JSONValue, _ report: inout BadgeReport) {
    let contexts = c["@context"]?.array?.compactMap(\.string) ?? []
    if Array(contexts.prefix(2)) != OpenBadge.contexts {
      report.problems.append(
        "@context must begin with \(OpenBadge.contexts.joined(separator: " then ")) (VC 2.0, then Open Badges 3.0)")
    }
    let t = types(c["type"])
    if !t.contains("VerifiableCredential") || !(t.contains("OpenBadgeCredential") || t.contains("AchievementCredential")) {
      report.problems.append("type must hold VerifiableCredential and OpenBadgeCredential")
    }
    if c["id"]?.string == nil { report.problems.append("id: missing") }
    if c["validFrom"]?.string.flatMap(WorkshopClock.parseInstant) == nil {
      report.problems.append("validFrom: missing or not a date and time")
    }
    if let until = c["validUntil"], until.string.flatMap(WorkshopClock.parseInstant) == nil {
      report.problems.append("validUntil: not a date and time")
    }
    let issuer = c["issuer"]
    if issuer?["id"]?.string == nil || !types(issuer?["type"]).contains("Profile") {
      report.problems.append("issuer must be a Profile with an id")
    }
    let subject = c["credentialSubject"]
    if subject?["id"]?.string == nil { report.problems.append("credentialSubject.id: missing") }
    if !types(subject?["type"]).contains("AchievementSubject") {
      report.problems.append("credentialSubject.type must hold AchievementSubject")
    }
    guard let a = subject?["achievement"] else {
      report.problems.append("credentialSubject.achievement: missing")
      return
    }
    for member in ["id", "name", "description"] where a[member]?.string == nil {
      report.problems.append("credentialSubject.achievement.\(member): missing")
    }
    if !types(a["type"]).contains("Achievement") {
      report.problems.append("credentialSubject.achievement.type must hold Achievement")
    }
    if a["criteria"]?["narrative"]?.string == nil && a["criteria"]?["id"]?.string == nil {
      report.problems.append("credentialSubject.achievement.criteria: missing")
    }
  }

  /// `iss`, `jti`, `sub`, `nbf` and `exp` must say what the credential says.
  static func checkClaims(_ claims: JSONValue, credential c: JSONValue, _ report: inout BadgeReport) {
    func same(_ claim: String, _ value: String?, _ what: String) {
      let got = claims[claim]?.string
      if got != value { report.problems.append("claim \(claim) (\(got ?? "missing")) differs from \(what)") }
    }
    same("iss", c["issuer"]?["id"]?.string, "issuer.id")
    same("jti", c["id"]?.string, "id")
    same("sub", c["credentialSubject"]?["id"]?.string, "credentialSubject.id")
    func seconds(_ member: String) -> Double? {
      c[member]?.string.flatMap(WorkshopClock.parseInstant)?.timeIntervalSince1970.rounded(.down)
    }
    if claims["nbf"]?.number != seconds("validFrom") {
      report.problems.append("claim nbf differs from validFrom")
    }
    if claims["exp"]?.number != seconds("validUntil") {
      report.problems.append("claim exp differs from validUntil")
    }
  }

  /// Rebuilds the achievement from the course the pack has now and compares it member by
  /// member; then checks that the result reaches the pass mark it states.
  static func checkAchievement(_ c: JSONValue, course: (String) -> Course?, _ report: inout BadgeReport) {
    guard let embedded = c["credentialSubject"]?["achievement"] else { return }
    let result = c["credentialSubject"]?["result"]?.array?.first
    let required = embedded["resultDescription"]?.array?.first?["requiredValue"]?.string.flatMap(Double.init)
    if let result {
      if result["status"]?.string != "Completed" { report.problems.append("result.status is not Completed") }
      if let required, let value = result["value"]?.string.flatMap(Double.init), value < required {
        report.problems.append("result.value \(value) is below the required value \(required)")
      }
    } else {
      report.problems.append("credentialSubject.result: missing")
    }
    let courseID = embedded["otherIdentifier"]?.array?.first { $0["identifierType"]?.string == "systemId" }?[
      "identifier"]?.string
    guard let courseID else {
      report.contentChanges.append("the achievement names no workshop course (otherIdentifier systemId), so it cannot be checked against the lessons")
      return
    }
    guard let current = course(courseID) else {
      report.contentChanges.append("course \(courseID) is not in the lesson pack; the achievement could not be compared with it")
      return
    }
    let rebuilt = OpenBadge.achievement(for: current)
    let names = Set((embedded.members ?? []).map(\.0)).union((rebuilt.members ?? []).map(\.0)).sorted()
    for name in names where embedded[name] != rebuilt[name] {
      report.contentChanges.append(
        "achievement.\(name) differs from course \(courseID) \(current.version) in the lesson pack")
    }
  }
}
