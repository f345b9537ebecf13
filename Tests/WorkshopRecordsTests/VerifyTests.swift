import Foundation
import Testing
import WorkshopEngine
@testable import WorkshopRecords

@Suite struct Verification {
  let record = Fixture.finisherRecord()

  func verify(_ json: JSONValue, course: Course? = Fixture.course) -> VerificationReport {
    RecordVerifier.verify(json: json, course: course, grading: .engine).report
  }

  /// What a forger who knows the digest algorithm would do: recompute every digest.
  func resigned(_ edit: (inout CompletionRecord) -> Void) -> JSONValue {
    var r = record
    edit(&r)
    r.digest = CompletionRecord.computeDigest(of: r.unsignedJSON())
    return r.json()
  }

  func mentions(_ report: VerificationReport, _ path: String) -> Bool {
    report.findings.contains { $0.path.contains(path) }
  }

  @Test func untouchedRecordIsValid() throws {
    let report = verify(try JSONParser.parse(record.fileText()))
    #expect(report.status == .valid)
    #expect(report.findings == [])
    #expect(report.rescored)
    #expect(report.status.exitCode == 0)
  }

  @Test func prettyPrintedCopyIsStillValid() throws {
    // The digest is over the canonical form, not the file's bytes.
    #expect(verify(try JSONParser.parse(JSONWriter.pretty(record.json()))).status == .valid)
  }

  @Test func editedScoreIsCaughtByTheDigestAndLocated() throws {
    let json = try JSONParser.parse(record.fileText())
    var lessons = json["lessons"]!.array!
    lessons[1] = lessons[1].setting("score", .number(1))
    let report = verify(json.setting("lessons", .array(lessons)))
    #expect(report.status == .tampered)
    #expect(report.status.exitCode == 1)
    #expect(mentions(report, "lessons/basics"))
    #expect(mentions(report, "lessons[1] (basics).score"))
  }

  @Test func editedScoreWithRecomputedDigestIsCaughtByRescoring() {
    let report = verify(resigned { $0.lessons[1].attempts[0].score = 1; $0.lessons[1].score = 1 })
    #expect(report.status == .tampered)
    #expect(mentions(report, "attempts[0].score"))
  }

  @Test func editedCourseOutcomeIsCaught() {
    let report = verify(resigned { $0.outcome.score = 1 })
    #expect(report.status == .tampered)
    #expect(mentions(report, "outcome.score"))
  }

  @Test func editedResponseIsCaught() {
    // q-tf was answered "false" (right); claim "true" while keeping the credit.
    let report = verify(resigned { $0.lessons[1].attempts[0].responses[3].response = .choices([0]) })
    #expect(report.status == .tampered)
    #expect(mentions(report, "responses[3] (q-tf).response"))
  }

  @Test func editedCreditIsCaught() {
    let report = verify(resigned {
      $0.lessons[2].attempts[0].responses[0].credit = 1
      $0.lessons[2].attempts[0].responses[0].outcome = .correct
    })
    #expect(report.status == .tampered)
    #expect(mentions(report, "earned") || mentions(report, "response"))
  }

  @Test func removedResponseIsCaught() {
    let plain = verify(
      {
        var json = record.json()
        var lessons = json["lessons"]!.array!
        var attempts = lessons[1]["attempts"]!.array!
        var responses = attempts[0]["responses"]!.array!
        responses.removeLast()
        attempts[0] = attempts[0].setting("responses", .array(responses))
        lessons[1] = lessons[1].setting("attempts", .array(attempts))
        json = json.setting("lessons", .array(lessons))
        return json
      }())
    #expect(plain.status == .tampered)
    // Even with the sums and digests redone, a finished attempt cannot lose an answer.
    let report = verify(resigned {
      $0.lessons[1].attempts[0].responses.removeLast()
      $0.lessons[1].attempts[0].earned -= 1
    })
    #expect(report.status == .tampered)
    #expect(report.findings.contains { $0.message.contains("q-num was asked but the record has no response") })
  }

  @Test func addedResponseIsCaught() {
    let report = verify(resigned {
      var extra = $0.lessons[2].attempts[0].responses[0]
      extra.attempt = 2
      extra.response = .order([0, 1, 2])
      extra.credit = 1
      extra.outcome = .correct
      extra.earned = 1
      $0.lessons[2].attempts[0].responses.append(extra)
    })
    #expect(report.status == .tampered)
    #expect(report.findings.contains { $0.message.contains("more than the policy allows") })
    #expect(mentions(report, "attempts[0].earned"))
  }

  @Test func editedNameIsLocatedInTheLearnerSection() throws {
    let json = try JSONParser.parse(record.fileText())
    let edited = json.setting("learner", json["learner"]!.setting("name", .string("Somebody Else")))
    let report = verify(edited)
    #expect(report.status == .tampered)
    #expect(report.findings.contains { $0.path == "learner" })
    #expect(report.findings.allSatisfy { $0.path == "learner" || $0.path == "digest" })
  }

  @Test func editedDigestIsCaught() throws {
    let json = try JSONParser.parse(record.fileText())
    let report = verify(json.setting("digest", .string(String(repeating: "0", count: 64))))
    #expect(report.status == .tampered)
    #expect(mentions(report, "digest"))
  }

  @Test func recordAgainstOtherContentIsAContentMismatch() {
    var changed = Fixture.course
    var basics = changed.lessons[1]
    basics.items = basics.items.map { item in
      guard case .question(var q) = item, q.id == "q-short" else { return item }
      q.body = .shortAnswer(.init(accepted: ["Lyon"]))
      q.digest = "d-short-2"
      return .question(q)
    }
    basics.digest = "lesson-basics-2"
    changed.lessons[1] = basics
    changed.digest = "course-digest-2"
    let report = verify(record.json(), course: changed)
    #expect(report.status == .contentMismatch)
    #expect(report.status.exitCode == 2)
    #expect(report.contentChanges.map(\.message) == ["question basics/q-short has changed since it was answered"])
    #expect(!report.notes.isEmpty)
  }

  @Test func recordForACourseNotInThePack() {
    let report = verify(record.json(), course: nil)
    #expect(report.status == .contentMismatch)
    let other = RecordVerifier.verify(json: record.json(), course: nil, grading: .engine, requireContent: false).report
    #expect(other.status == .valid && !other.rescored)
  }

  @Test func removedQuestionIsAContentMismatch() {
    var changed = Fixture.course
    changed.lessons[2].items.removeLast()
    changed.lessons[2].digest = "lesson-final-2"
    let report = verify(record.json(), course: changed)
    #expect(report.status == .contentMismatch)
    #expect(report.contentChanges.contains { $0.message.contains("final/q-match is no longer in the lesson") })
  }

  @Test func aPolicyEditedInTheRecordIsTamperingWhateverTheDigestSays() {
    // Shuffling does not change a score, so only the policy rule can catch this edit.
    let report = verify(resigned { $0.lessons[1].policy.shuffle.toggle() })
    #expect(report.status == .tampered)
    #expect(report.status.exitCode == 1)
    #expect(mentions(report, "lessons[1] (basics).policy"))
  }

  @Test func aPolicyChangedInThePackIsAContentMismatch() {
    var changed = Fixture.course
    changed.lessons[1].policy.shuffle.toggle()
    changed.lessons[1].digest = "lesson-basics-2"
    let report = verify(record.json(), course: changed)
    #expect(report.status == .contentMismatch)
  }

  @Test func notARecord() throws {
    let report = verify(try JSONParser.parse("{\"schema\":\"something-else\"}"))
    #expect(report.status == .tampered)
  }

  /// A record as schema version 1 wrote it: its digest also covered `generatedAt` and `engine`.
  func version1(_ edit: (JSONValue) -> JSONValue = { $0 }) -> JSONValue {
    let old = edit(record.json().setting("schemaVersion", .number(1)).removing("digest"))
    return old.setting("digest", .string(RecordHash.digest(of: old)))
  }

  @Test func aRecordOfTheEarlierSchemaIsOutdatedNotTampered() {
    let report = verify(version1())
    #expect(report.status == .outdated)
    #expect(report.status.exitCode == 3)
    #expect(report.outdated.contains { $0.message.contains("older workshop") && $0.message.contains("export it again") })
    #expect(report.tampered.isEmpty)
  }

  @Test func anEditedRecordOfTheEarlierSchemaIsStillTampered() {
    let edited = version1().setting("generatedAt", .string("2030-01-01T00:00:00.000Z"))
    #expect(verify(edited).status == .tampered)
  }

  @Test func theCurrentSchemaIsVersion2() throws {
    #expect(try JSONParser.parse(record.fileText())["schemaVersion"]?.int == 2)
  }
}
