import Foundation
import Testing
import WorkshopEngine
import WorkshopRecords
@testable import WorkshopServer

@Suite struct SignatureTests {
  func endedRoom() -> Classroom {
    var h = Harness()
    _ = h.join(1, "Ana")
    h.command(InstructorCommand(.openLesson, lesson: "basics"))
    h.command(InstructorCommand(.next))
    _ = h.answer(1, "capital", "a")
    _ = h.answer(1, "capital", "b")
    h.command(InstructorCommand(.next))
    _ = h.answer(1, "sky", "f")
    h.command(InstructorCommand(.end))
    return h.room
  }

  func sealed(_ key: InstructorKey) throws -> WorkshopRecords.CompletionRecord {
    try #require(LiveCompletion.record(for: "ana", in: endedRoom(), key: key))
  }

  func verify(_ text: String, trusting: [String]?) throws -> VerificationReport {
    var isRecord = true
    let (report, _) = try RecordVerifier.verify(
      data: Data(text.utf8), course: { _ in Fixture.course() }, grading: .engine,
      trusting: trusting, isRecord: &isRecord)
    #expect(isRecord)
    return report
  }

  func verify(_ record: WorkshopRecords.CompletionRecord, trusting: [String]?) throws -> VerificationReport {
    try verify(record.fileText(), trusting: trusting)
  }

  @Test func aSignedRecordIsAStandardCompletionRecordAndVerifies() throws {
    let key = InstructorKey.generate()
    let record = try sealed(key)
    let lesson = try #require(record.lessons.first { $0.id == "basics" })
    let attempt = try #require(lesson.attempts.last)
    #expect(attempt.earned == 1.5 && attempt.possible == 2, "capital right at the second try, sky right")
    #expect(attempt.responses.map(\.attempt) == [1, 2, 1])
    #expect(attempt.asked == ["capital", "sky"], "only the questions the room was asked")
    #expect(record.signature?.signer == key.keyID)
    #expect(record.fileText().contains(#""schema":"workshop-completion-record""#))
    let report = try verify(record, trusting: [key.publicKeyBase64])
    #expect(report.status == .valid, "\(report.findings)")
    #expect(report.signature == .valid(signer: key.keyID, trusted: true))
    // Without a key the signature is still checked, but not whose it is.
    #expect(try verify(record, trusting: nil).signature == .valid(signer: key.keyID, trusted: false))
    // Signing leaves the digest as it was: it covers the record without the signature block.
    var unsigned = record
    unsigned.signature = nil
    #expect(try verify(unsigned, trusting: nil).status == .valid)
    #expect(try verify(unsigned, trusting: [key.publicKeyBase64]).tampered.contains { $0.path == "signature" })
  }

  @Test func anotherKeysSignatureIsRejected() throws {
    let record = try sealed(InstructorKey.generate())
    let report = try verify(record, trusting: [InstructorKey.generate().publicKeyBase64])
    #expect(report.status == .tampered)
    #expect(report.tampered.contains { $0.message.contains("not the instructor key given") })
    // Re-signing an edited record with a different key is caught by the trusted key too.
    var forged = record
    forged.lessons[0].attempts[0].responses[0].earned = 1
    forged.digest = RecordHash.digest(of: forged.unsignedJSON())
    forged.sign(with: InstructorKey.generate())
    #expect(try verify(forged, trusting: [InstructorKey.generate().publicKeyBase64]).status == .tampered)
  }

  @Test func anEditedRecordIsRejected() throws {
    let key = InstructorKey.generate()
    var edited = try sealed(key)
    edited.outcome.score = 1
    let report = try verify(edited, trusting: [key.publicKeyBase64])
    #expect(report.tampered.contains { $0.path == "digest" })
    // Recomputing the digest as well breaks the signature.
    edited.digest = RecordHash.digest(of: edited.unsignedJSON())
    let again = try verify(edited, trusting: [key.publicKeyBase64])
    #expect(again.tampered.contains { $0.path == "signature" && $0.message.contains("does not match the record") })
    if case .invalid(let signer, _) = again.signature { #expect(signer == key.keyID) } else { Issue.record("signature not reported invalid") }
    // Editing the signature block's signer is caught too.
    var renamed = try sealed(key)
    renamed.signature?.signer = "0000000000000000"
    #expect(try verify(renamed, trusting: nil).status == .tampered)
  }

  @Test func reScoringCatchesAFalseOutcome() throws {
    let key = InstructorKey.generate()
    var record = try sealed(key)
    // A record honestly signed but claiming a wrong answer was right (e.g. a buggy server).
    let i = try #require(record.lessons[0].attempts[0].responses.firstIndex { $0.outcome == .correct })
    record.lessons[0].attempts[0].responses[i].response = .choices([0])
    record.digest = RecordHash.digest(of: record.unsignedJSON())
    record.sign(with: key)
    #expect(try verify(record, trusting: [key.publicKeyBase64]).tampered.contains { $0.path.hasSuffix(".response") })
  }

  @Test func keysAreWrittenPrivatelyAndLoadBack() throws {
    let dir = temporaryDirectory("keys")
    let path = dir + "/k/instructor.key"
    let key = InstructorKey.generate()
    try key.write(privateKeyPath: path, publicKeyPath: path + ".pub")
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
    #expect(try InstructorKey.load(privateKeyPath: path).publicKeyBase64 == key.publicKeyBase64)
    #expect(try InstructorKey.loadPublicKey(path + ".pub") == key.publicKeyBase64)
    #expect(throws: InstructorKey.KeyError.self) { try key.write(privateKeyPath: path, publicKeyPath: path + ".pub") }
    try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
    #expect(throws: InstructorKey.KeyError.self) { try InstructorKey.load(privateKeyPath: path) }
  }

  @Test func signaturesCoverEveryByte() {
    let key = InstructorKey.generate()
    let sig = key.sign(Data("hello".utf8))
    #expect((try? sig.verify(Data("hello".utf8)).get()) != nil)
    #expect((try? sig.verify(Data("hellO".utf8)).get()) == nil)
  }
}
