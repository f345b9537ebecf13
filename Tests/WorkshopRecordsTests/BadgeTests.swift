import Crypto
import Foundation
import Testing
import WorkshopEngine
@testable import WorkshopRecords
import WorkshopTestSupport

/// Open Badges 3.0 credentials as VC-JWTs: what is signed, how a verifier gets the key from the
/// did:key, and every way a badge must be refused.
@Suite struct OpenBadges {
  /// A fixed key, so the credential and its token are reproducible.
  static let key = InstructorKey(
    privateKey: try! Curve25519.Signing.PrivateKey(rawRepresentation: Data((1...32).map { UInt8($0) })))
  static let otherKey = InstructorKey(
    privateKey: try! Curve25519.Signing.PrivateKey(rawRepresentation: Data((101...132).map { UInt8($0) })))
  static let did = DIDKey(publicKey: key.privateKey.publicKey.rawRepresentation)
  static let issuer = IssuerProfile(
    name: "Example Academy", url: "https://learning.example.org", email: "badges@example.org")
  /// After the fixture learner's completion, before any expiry.
  static let now = Date(timeIntervalSince1970: 1_796_000_000)

  static func credential(issuer: IssuerProfile = issuer) throws -> JSONValue {
    try OpenBadge.credential(record: Fixture.finisherRecord(), course: Fixture.course, issuer: issuer, key: did)
  }

  static func token(issuer: IssuerProfile = issuer, key: InstructorKey = key) async throws -> String {
    try await OpenBadge.sign(try credential(issuer: issuer), with: key)
  }

  static func verify(_ token: String, course: Course? = Fixture.course, now: Date = now, trusting: [String]? = nil)
    async throws -> BadgeReport
  {
    try await BadgeVerifier.verify(token: token, now: now, course: { id in id == course?.id ? course : nil }, trusting: trusting)
  }

  static func parts(_ token: String) throws -> (header: JSONValue, payload: JSONValue, signature: Data) {
    let p = token.split(separator: ".", omittingEmptySubsequences: false)
    try #require(p.count == 3)
    return (
      try JSONParser.parse(try #require(Base64URL.decode(p[0]))),
      try JSONParser.parse(try #require(Base64URL.decode(p[1]))),
      try #require(Base64URL.decode(p[2]))
    )
  }

  /// A token with its header or payload replaced, keeping the original signature.
  static func edited(_ token: String, header: JSONValue? = nil, payload: JSONValue? = nil) -> String {
    let p = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    let h = header.map { Base64URL.encode(JSONWriter.canonicalBytes($0)) } ?? p[0]
    let b = payload.map { Base64URL.encode(JSONWriter.canonicalBytes($0)) } ?? p[1]
    return "\(h).\(b).\(p[2])"
  }

  /// Signs header and payload as given, with a key of the test's choosing (what a forger does).
  static func forged(header: JSONValue, payload: JSONValue, key: InstructorKey) throws -> String {
    let input =
      Base64URL.encode(JSONWriter.canonicalBytes(header)) + "." + Base64URL.encode(JSONWriter.canonicalBytes(payload))
    let signature = try key.privateKey.signature(for: Data(input.utf8))
    return input + "." + Base64URL.encode(signature)
  }

  @Test func didKeyRoundTripsAndHasTheEd25519Prefix() throws {
    #expect(Self.did.did.hasPrefix("did:key:z6Mk"))
    #expect(Self.did.verificationMethod == Self.did.did + "#" + Self.did.multibase)
    #expect(try DIDKey(parsing: Self.did.verificationMethod) == Self.did)
    #expect(throws: DIDKey.Problem.self) { try DIDKey(parsing: "did:web:example.org") }
    #expect(throws: DIDKey.Problem.self) { try DIDKey(parsing: Self.did.did + "#z6Mkother") }
    // Leading zero bytes survive base58 (they become leading `1`s).
    #expect(Base58.decode(Base58.encode([0, 0, 1, 2, 255])) == [0, 0, 1, 2, 255])
    #expect(Base58.encode(Array("hello world".utf8)) == "StV1DL6CwTryKyV")
  }

  @Test func headerAndPayloadAreAVCJWTOfAnOpenBadgeCredential() async throws {
    let token = try await Self.token()
    let (header, payload, signature) = try Self.parts(token)
    #expect(header["alg"]?.string == "EdDSA")
    #expect(header["typ"]?.string == "JWT")
    #expect(header["kid"]?.string == Self.did.verificationMethod)
    #expect(Set(header.members!.map(\.0)) == ["alg", "kid", "typ"])

    #expect(payload["@context"]?.array?.compactMap(\.string) == OpenBadge.contexts)
    #expect(payload["type"]?.array?.compactMap(\.string) == ["VerifiableCredential", "OpenBadgeCredential"])
    let issuer = try #require(payload["issuer"])
    #expect(issuer["type"]?.array?.first?.string == "Profile")
    #expect(issuer["id"]?.string == Self.did.did)
    #expect(issuer["name"]?.string == "Example Academy")
    let subject = try #require(payload["credentialSubject"])
    #expect(payload["sub"]?.string == subject["id"]?.string)
    #expect(subject["id"]?.string?.hasPrefix("urn:uuid:") == true)
    #expect(payload["iss"]?.string == issuer["id"]?.string)
    #expect(payload["jti"]?.string == payload["id"]?.string)
    #expect(payload["jti"]?.string == "urn:uuid:" + Fixture.finisherRecord().id)
    let validFrom = try #require(payload["validFrom"]?.string.flatMap(WorkshopClock.parseInstant))
    #expect(payload["nbf"]?.number == validFrom.timeIntervalSince1970)
    #expect(payload["exp"] == nil && payload["validUntil"] == nil)
    let achievement = try #require(subject["achievement"])
    for member in ["id", "name", "description", "criteria", "achievementType"] {
      #expect(achievement[member] != nil, "achievement.\(member)")
    }
    #expect(achievement["name"]?.string == Fixture.course.title)
    #expect(achievement["resultDescription"]?.array?.first?["requiredValue"]?.string == "70")
    #expect(subject["result"]?.array?.first?["status"]?.string == "Completed")
    let identifiers = subject["identifier"]?.array ?? []
    #expect(identifiers.contains { $0["identityHash"]?.string == "Ana María" })
    #expect(identifiers.contains { $0["identityHash"]?.string?.hasPrefix("sha256$") == true })

    // The signature checks with the key the did:key holds, outside jwt-kit.
    let publicKey = try #require(try DIDKey(parsing: header["kid"]!.string!).signingKey)
    let input = token.split(separator: ".").prefix(2).joined(separator: ".")
    #expect(publicKey.isValidSignature(signature, for: Data(input.utf8)))
    #expect(publicKey.rawRepresentation == Self.key.privateKey.publicKey.rawRepresentation)
  }

  @Test func criteriaComeFromTheObjectivesOfTheRequiredLessons() throws {
    var course = Fixture.course
    course.lessons[1].objectives = ["Tell an open licence from a closed one."]
    course.lessons[0].objectives = ["Not required, not listed."]
    let narrative = try #require(OpenBadge.achievement(for: course)["criteria"]?["narrative"]?.string)
    #expect(narrative.contains("- Tell an open licence from a closed one."))
    #expect(!narrative.contains("Not required"))
    #expect(narrative.contains("at least 70%"))
  }

  @Test func theSameWorkGivesTheSameToken() async throws {
    #expect(try await Self.token() == (try await Self.token()))
  }

  @Test func golden() async throws {
    let (header, payload, _) = try Self.parts(try await Self.token())
    let text = JSONWriter.pretty(header) + "\n" + JSONWriter.pretty(payload) + "\n"
    #expect(Fixture.matchesGolden(text, "badge.json"))
  }

  @Test func aGoodBadgeVerifies() async throws {
    let report = try await Self.verify(try await Self.token())
    #expect(report.status == .valid, "\(report.problems) \(report.contentChanges)")
    #expect(report.signatureChecked)
    #expect(report.issuerKey == Self.did)
    let trusted = try await Self.verify(try await Self.token(), trusting: [Self.key.publicKeyBase64])
    #expect(trusted.status == .valid)
  }

  @Test func anEditedPayloadIsRefused() async throws {
    let token = try await Self.token()
    let (_, payload, _) = try Self.parts(token)
    var subject = payload["credentialSubject"]!
    subject = subject.setting("result", .array([.object([("type", .array([.string("Result")])), ("value", .string("100")), ("status", .string("Completed"))])]))
    let report = try await Self.verify(Self.edited(token, payload: payload.setting("credentialSubject", subject)))
    #expect(report.status == .invalid)
    #expect(report.problems.contains { $0.hasPrefix("signature:") })
  }

  @Test func aBadgeSignedByAnotherKeyThanItsKidIsRefused() async throws {
    let token = try await Self.token()
    let (header, payload, _) = try Self.parts(token)
    let report = try await Self.verify(try Self.forged(header: header, payload: payload, key: Self.otherKey))
    #expect(report.status == .invalid)
    #expect(report.problems.contains { $0.hasPrefix("signature:") })
  }

  @Test func aBadgeByAnotherKeyThanTheOneGivenIsRefused() async throws {
    let report = try await Self.verify(try await Self.token(key: Self.otherKey), trusting: [Self.key.publicKeyBase64])
    #expect(report.status == .invalid)
    #expect(report.problems.contains { $0.contains("not by the key given") })
  }

  @Test func algNoneIsRefused() async throws {
    let token = try await Self.token()
    let (header, payload, _) = try Self.parts(token)
    let unsigned =
      Base64URL.encode(JSONWriter.canonicalBytes(header.setting("alg", .string("none")))) + "."
      + Base64URL.encode(JSONWriter.canonicalBytes(payload)) + "."
    let report = try await Self.verify(unsigned)
    #expect(report.status == .invalid)
    #expect(report.problems.contains { $0.contains("alg `none`") })
  }

  @Test func unknownHeaderMembersAreRefused() async throws {
    let token = try await Self.token()
    let (header, payload, _) = try Self.parts(token)
    let forged = try Self.forged(header: header.setting("crit", .array([])), payload: payload, key: Self.key)
    let report = try await Self.verify(forged)
    #expect(report.problems.contains { $0.contains("`crit` is not allowed") })
  }

  @Test func anExpiredBadgeIsRefusedAndACurrentOneAccepted() async throws {
    var issuer = Self.issuer
    issuer.validDays = 30
    let token = try await Self.token(issuer: issuer)
    let (_, payload, _) = try Self.parts(token)
    let until = try #require(payload["validUntil"]?.string.flatMap(WorkshopClock.parseInstant))
    #expect(payload["exp"]?.number == until.timeIntervalSince1970)
    let before = try await Self.verify(token, now: until.addingTimeInterval(-60))
    #expect(before.status == .valid)
    let after = try await Self.verify(token, now: until.addingTimeInterval(1))
    #expect(after.status == .expired)
    #expect(after.dateProblems.contains { $0.contains("expired on") })
  }

  @Test func claimsThatDisagreeWithTheCredentialAreRefused() async throws {
    let (header, payload, _) = try Self.parts(try await Self.token())
    let forged = try Self.forged(header: header, payload: payload.setting("sub", .string("urn:uuid:someone-else")), key: Self.key)
    let report = try await Self.verify(forged)
    #expect(report.problems.contains { $0.contains("claim sub") })
  }

  @Test func anIssuerThatIsNotTheSigningKeyIsRefused() async throws {
    let (header, payload, _) = try Self.parts(try await Self.token())
    let other = DIDKey(publicKey: Self.otherKey.privateKey.publicKey.rawRepresentation).did
    let edited = payload.setting("issuer", payload["issuer"]!.setting("id", .string(other))).setting("iss", .string(other))
    let report = try await Self.verify(try Self.forged(header: header, payload: edited, key: Self.key))
    #expect(report.problems.contains { $0.contains("is not the key that signed") })
  }

  @Test func anAchievementTheCourseNoLongerMatchesIsAContentMismatch() async throws {
    let token = try await Self.token()
    var changed = Fixture.course
    changed.title = "Another title"
    let report = try await Self.verify(token, course: changed)
    #expect(report.status == .contentMismatch)
    #expect(report.contentChanges.contains { $0.hasPrefix("achievement.name") })
    let missing = try await Self.verify(token, course: nil)
    #expect(missing.status == .contentMismatch)
  }

  @Test func onlyAPassedCourseEarnsABadge() throws {
    var record = Fixture.finisherRecord()
    record.outcome.passed = false
    #expect(throws: BadgeError.self) {
      try OpenBadge.credential(record: record, course: Fixture.course, issuer: Self.issuer, key: Self.did)
    }
  }

  @Test func whatIsNotAJWTIsNotABadge() async throws {
    await #expect(throws: BadgeVerifier.NotABadge.self) { try await Self.verify("{\"schema\": 1}") }
    #expect(!OpenBadge.looksLikeJWT(Data("{\"a\":1}".utf8)))
    #expect(OpenBadge.looksLikeJWT(Data((try await Self.token() + "\n").utf8)))
  }

  @Test func issuerSettingsAreReadAndCheckedWithTheirPlace() throws {
    let dir = URL(fileURLWithPath: TestScratch.path("issuer"))
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("issuer.conf").path
    try "# who we are\nname = Example Academy\nurl = https://learning.example.org\nvalid-days = 365\n"
      .write(toFile: path, atomically: true, encoding: .utf8)
    let profile = try IssuerProfile.load(configPath: path, url: "https://other.example.org")
    #expect(profile.name == "Example Academy")
    #expect(profile.url == "https://other.example.org")
    #expect(profile.validDays == 365)
    try "colour = blue\n".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: IssuerProfile.Problem.self) { try IssuerProfile.load(configPath: path) }
    try "url = learning.example.org\n".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: IssuerProfile.Problem.self) { try IssuerProfile.load(configPath: path) }
  }

  @Test func aBadgeImageCarriesItsCredentialAndEscapesWhatItShows() async throws {
    var course = Fixture.course
    course.title = "Open <script>alert(1)</script> & Co, a course with a rather long title indeed"
    let did = Self.did
    let credential = try OpenBadge.credential(record: Fixture.finisherRecord(), course: course, issuer: Self.issuer, key: did)
    let token = try await OpenBadge.sign(credential, with: Self.key)
    let svg = BadgeImage.svg(token: token, credential: credential)
    #expect(svg.contains("xmlns:openbadges=\"https://purl.imsglobal.org/ob/v3p0\""))
    #expect(BadgeImage.bakedToken(in: Data(svg.utf8)) == token)
    #expect(!svg.contains("<script>") && svg.contains("&lt;script&gt;"))
    #expect(svg.contains("Ana María"))
    #expect(BadgeImage.bakedToken(in: Data("<svg><circle/></svg>".utf8)) == nil)
    let report = try await Self.verify(try #require(BadgeImage.bakedToken(in: Data(svg.utf8))), course: course)
    #expect(report.status == .valid)
  }
}
