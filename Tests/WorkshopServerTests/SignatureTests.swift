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

  func sealed(_ key: InstructorKey) throws -> LiveRecord {
    var record = try #require(LiveRecord.make(for: "ana", in: endedRoom()))
    record.seal(with: key)
    return record
  }

  func verify(_ record: LiveRecord, trusting: [String]?) -> LiveRecordVerifier.Report {
    LiveRecordVerifier.verify(Data(record.json().utf8), trusting: trusting, course: Fixture.course(), checker: FakeChecking())
  }

  @Test func aSignedRecordVerifiesWithTheInstructorsKey() throws {
    let key = InstructorKey.generate()
    let record = try sealed(key)
    #expect(record.earned == 1.5 && record.possible == 2)
    let report = verify(record, trusting: [key.publicKeyBase64])
    #expect(report.ok, "\(report.problems)")
    #expect(LiveRecordVerifier.isLiveRecord(Data(record.json().utf8)))
  }

  @Test func anotherKeysSignatureIsRejected() throws {
    let record = try sealed(InstructorKey.generate())
    let report = verify(record, trusting: [InstructorKey.generate().publicKeyBase64])
    #expect(report.problems.contains { $0.contains("not the instructor key") })
    // Re-signing an edited record with a different key is caught by the trusted key too.
    var forged = record
    forged.lessons[0].questions[0].earned = 1
    forged.seal(with: InstructorKey.generate())
    #expect(!verify(forged, trusting: [InstructorKey.generate().publicKeyBase64]).ok)
  }

  @Test func anEditedRecordIsRejected() throws {
    let key = InstructorKey.generate()
    var edited = try sealed(key)
    edited.score = 1
    let report = verify(edited, trusting: [key.publicKeyBase64])
    #expect(report.problems.contains { $0.contains("edited") })
    // Editing the digest to match as well breaks the signature.
    edited.digest = edited.computedDigest()
    #expect(verify(edited, trusting: [key.publicKeyBase64]).problems.contains { $0.contains("does not match the record") })
  }

  @Test func reScoringCatchesAFalseOutcome() throws {
    let key = InstructorKey.generate()
    var record = try sealed(key)
    // A record honestly signed but claiming a wrong answer was right (e.g. a buggy server).
    record.lessons[0].questions[0].response = .choices([0])
    record.seal(with: key)
    #expect(verify(record, trusting: [key.publicKeyBase64]).problems.contains { $0.contains("grades wrong") })
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
