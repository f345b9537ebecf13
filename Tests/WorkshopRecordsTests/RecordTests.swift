import Foundation
import Testing
import WorkshopEngine
@testable import WorkshopRecords
import WorkshopTestSupport

@Suite struct RecordBuilding {
  @Test func finisherRecordHasAttemptsScoresAndOutcome() throws {
    let r = Fixture.finisherRecord()
    #expect(r.lessons.map(\.id) == ["welcome", "basics", "final"])
    let basics = r.lessons[1]
    #expect(basics.state == .passed)
    #expect(basics.attempts.count == 1)
    #expect(basics.attempts[0].responses.count == 6)
    #expect(abs(basics.score! - 5.5 / 6) < 1e-12)
    // The second answer to q-single came after a hint at the second attempt: half credit.
    let second = basics.attempts[0].responses[1]
    #expect(second.attempt == 2 && second.hints == 1 && second.earned == 0.5)
    let final = r.lessons[2]
    #expect(final.attempts.count == 2)
    #expect(final.attempts[0].passed == false && final.attempts[1].passed == true)
    #expect(final.bestAttempt == 2 && final.score == 1)
    #expect(final.attempts[0].registration != final.attempts[1].registration)
    #expect(r.outcome.completed && r.outcome.passed && r.outcome.decided)
    #expect(abs(r.outcome.score! - 7.5 / 8) < 1e-12)
    #expect(r.outcome.completedAt == final.attempts[1].completedAt)
  }

  /// The record's outcome and what `list` and the menu show come from one rule in the engine.
  @Test func recordOutcomeAgreesWithTheLearnersScreens() {
    let identity = LearnerIdentity(opaqueID: "learner", displayName: "Ana").record(pseudonymize: false)
    let finisher = Fixture.Script.finisher().events
    // Stopped before the assessment's second try: decided, not completed.
    let lastFailure = finisher.lastIndex { $0.kind == .lessonCompleted && $0.passed == false }!
    for events in [finisher, Array(finisher[...lastFailure])] {
      let record = RecordBuilder.build(
        events: events, course: Fixture.course, learner: identity, generatedAt: Fixture.generatedAt,
        engine: "0.1.0")
      var summary = JournalSummary()
      for event in events { summary.apply(event) }
      let state = ProgressDeriver.state(of: Fixture.course, summary: summary)
      #expect(record.outcome.completed == state.completed)
      #expect(record.outcome == CompletionRecord.Outcome(
        Scoring.courseOutcome(record.lessons.map(\.standing)), passMark: Fixture.course.policy.passMark))
    }
    #expect(RecordBuilder.build(
      events: finisher, course: Fixture.course, learner: identity, generatedAt: Fixture.generatedAt,
      engine: "0.1.0").outcome.completed)
  }

  @Test func learnerIsOpaqueAndStable() {
    let r = Fixture.finisherRecord()
    #expect(r.learner.id == LearnerIdentity.opaqueID(salt: "fixed-salt", learner: "ana-maria"))
    #expect(!r.learner.id.contains("ana"))
    #expect(r.learner.id != LearnerIdentity.opaqueID(salt: "other-salt", learner: "ana-maria"))
    #expect(!Fixture.finisherRecord().fileText().contains("ana-maria"))
  }

  @Test func pseudonymReplacesTheNameEverywhere() throws {
    let r = Fixture.finisherRecord(pseudonymize: true)
    #expect(r.learner.name.hasPrefix("Learner ") && r.learner.pseudonymous)
    #expect(r.learner.name == Fixture.finisherRecord(pseudonymize: true).learner.name)
    let texts = [
      r.fileText(), CSVExporter.document([r]),
      XAPIExporter.fileText(XAPIExporter.statements(record: r, course: Fixture.course, options: .init(includeNames: true))),
      try CertificateExporter.html(r),
    ]
    for text in texts {
      #expect(!text.contains("Ana"))
      #expect(text.contains(r.learner.name))
    }
  }

  @Test func recordRoundTripsThroughItsJSON() throws {
    let r = Fixture.finisherRecord()
    let parsed = try JSONParser.parse(r.fileText())
    let back = try CompletionRecord(json: parsed)
    #expect(back == r)
    #expect(CompletionRecord.computeDigest(of: parsed) == r.digest)
  }

  /// Two exports of the same work, at different moments and by different versions of workshop,
  /// carry the same id, digest and verification code.
  @Test func identityIsTheAchievementNotTheExport() {
    let events = Fixture.Script.finisher().events
    let learner = Fixture.finisherRecord().learner
    let early = RecordBuilder.build(
      events: events, course: Fixture.course, learner: learner, generatedAt: "2026-11-27T12:00:00.000Z", engine: "0.1.0")
    let later = RecordBuilder.build(
      events: events, course: Fixture.course, learner: learner, generatedAt: "2027-03-01T08:30:00.000Z", engine: "0.2.0")
    #expect(early.generatedAt != later.generatedAt)
    #expect(early.id == later.id && early.digest == later.digest && early.verificationCode == later.verificationCode)
    // A record of unfinished work keeps its id too: it comes from the work, not the clock.
    var s = Fixture.Script()
    s.start("basics")
    s.answer("basics", "q-single", .choices([0]), raw: "a")
    let open1 = RecordBuilder.build(events: s.events, course: Fixture.course, learner: learner, generatedAt: "2026-11-27T12:00:00.000Z")
    let open2 = RecordBuilder.build(events: s.events, course: Fixture.course, learner: learner, generatedAt: "2026-11-28T12:00:00.000Z")
    #expect(open1.outcome.completedAt == nil && open1.id == open2.id && open1.digest == open2.digest)
  }

  /// Every value the digest covers, changed by the smallest edit, makes the record fail
  /// verification; the members outside it (export time, program version) do not.
  @Test func aOneByteChangeToAnyCoveredFieldFails() throws {
    let json = try JSONParser.parse(Fixture.finisherRecord().fileText())
    func verdict(_ edited: JSONValue) -> VerificationReport.Status {
      RecordVerifier.verify(json: edited, course: Fixture.course, grading: .engine).report.status
    }
    #expect(verdict(json) == .valid)
    let covered = CompletionRecord.identity(of: json)
    let leaves = Self.leafCount(covered)
    #expect(leaves > 200)
    for index in 0..<leaves {
      var counter = 0
      let edited = Self.editLeaf(json, at: index, counter: &counter, skipping: CompletionRecord.membersOutsideDigest)
      #expect(edited != json, "leaf \(index)")
      #expect(verdict(edited) == .tampered, "leaf \(index)")
    }
    for member in ["generatedAt", "engine"] {
      let edited = json.setting(member, .string("2026-11-27T12:00:00.001Z"))
      #expect(verdict(edited) == .valid, "\(member)")
    }
    #expect(verdict(json.setting("note", .string("x"))) == .tampered)
  }

  static func leafCount(_ value: JSONValue) -> Int {
    switch value {
    case .array(let items): return items.reduce(0) { $0 + leafCount($1) }
    case .object(let members): return members.reduce(0) { $0 + leafCount($1.1) }
    default: return 1
    }
  }

  /// The `index`-th leaf changed by one byte (a string's last character, a number's last digit, a
  /// boolean flipped, null made a number).
  static func editLeaf(_ value: JSONValue, at index: Int, counter: inout Int, skipping: [String] = []) -> JSONValue {
    switch value {
    case .array(let items):
      return .array(items.map { editLeaf($0, at: index, counter: &counter) })
    case .object(let members):
      return .object(members.map { key, v in skipping.contains(key) ? (key, v) : (key, editLeaf(v, at: index, counter: &counter)) })
    default:
      defer { counter += 1 }
      guard counter == index else { return value }
      switch value {
      case .string(let s): return .string(s.isEmpty ? "x" : String(s.dropLast()) + (s.last == "x" ? "y" : "x"))
      case .number(let n): return .number(n + 1)
      case .bool(let b): return .bool(!b)
      default: return .number(0)
      }
    }
  }

  @Test func certificateRequiresAPassedCourse() {
    var s = Fixture.Script()
    s.start("basics")
    s.answer("basics", "q-single", .choices([0]), raw: "a")
    let r = RecordBuilder.build(events: s.events, course: Fixture.course, learner: Fixture.learner(), generatedAt: Fixture.generatedAt)
    #expect(r.lessons[1].state == .inProgress)
    #expect(!r.outcome.decided && r.outcome.completedAt == nil)
    #expect(throws: CertificateError.self) { try CertificateExporter.html(r) }
  }
}

@Suite struct GoldenFiles {
  @Test func json() {
    #expect(Fixture.matchesGolden(Fixture.finisherRecord().fileText(), "record.json"))
  }

  @Test func csv() {
    #expect(Fixture.matchesGolden(CSVExporter.document([Fixture.finisherRecord()]), "record.csv"))
  }

  @Test func xapi() {
    let statements = XAPIExporter.statements(record: Fixture.finisherRecord(), course: Fixture.course)
    #expect(Fixture.matchesGolden(XAPIExporter.fileText(statements), "statements.json"))
  }

  @Test func certificate() throws {
    let html = try CertificateExporter.html(Fixture.finisherRecord())
    #expect(Fixture.matchesGolden(html, "certificate.html"))
    #expect(html.contains("Open &lt;Demo&gt; &amp; Co") && !html.contains("Open <Demo>"))
    #expect(html.contains(RecordHash.grouped(Fixture.finisherRecord().verificationCode)))
    #expect(html.contains("@page") && html.contains("@media print"))
    for external in ["<link", "<img", "src=", "url(", "@import", "@font-face"] {
      #expect(!html.contains(external), "\(external)")
    }
    // The only script element is the record as inert data, and it reads back whole.
    #expect(html.components(separatedBy: "<script").count == 2)
    let embedded = try #require(CertificateExporter.embeddedRecord(inHTML: html))
    #expect(try CompletionRecord(json: JSONParser.parse(embedded)) == Fixture.finisherRecord())
  }

  @Test func studyTimeIsSpeltForPeople() {
    #expect(CertificateExporter.studyTime(seconds: 20) == "1 minute")
    #expect(CertificateExporter.studyTime(seconds: 60) == "1 minute")
    #expect(CertificateExporter.studyTime(seconds: 150) == "3 minutes")
    #expect(CertificateExporter.studyTime(seconds: 3600) == "1 hour")
    #expect(CertificateExporter.studyTime(seconds: 5400) == "1.5 hours")
  }
}

@Suite struct Canonical {
  @Test func sortsKeysAndEscapesMinimally() throws {
    let v = JSONValue.object([("b", .number(1)), ("a", .array([.string("x\"\\\n\u{1}é"), .number(0.25), .bool(true), .null]))])
    #expect(JSONWriter.canonical(v) == "{\"a\":[\"x\\\"\\\\\\n\\u0001é\",0.25,true,null],\"b\":1}")
    #expect(try JSONParser.parse(JSONWriter.canonical(v)) == v)
    #expect(try JSONParser.parse(JSONWriter.pretty(v)) == v)
  }

  @Test func numbersHaveOneSpelling() throws {
    #expect(JSONWriter.number(3) == "3")
    #expect(JSONWriter.number(-0.0) == "0")
    #expect(JSONWriter.number(0.1 + 0.2) == "0.30000000000000004")
    #expect(try JSONParser.parse("[1.0, 1e0, 10E-1]") == .array([.number(1), .number(1), .number(1)]))
  }

  @Test func parserRejectsWhatIsNotJSON() throws {
    for bad in ["{\"a\":1,\"a\":2}", "[1,]", "{a:1}", "01", "\"\u{1}\"", "[1] x", "\"\\ud800\"", "nul", ""] {
      #expect(throws: JSONParseError.self) { try JSONParser.parse(bad) }
    }
    #expect(try JSONParser.parse("\"\\ud83d\\ude00\"") == .string("😀"))
  }

  @Test func verificationCodeIsBase32OfTheDigest() {
    // "ff00…" → 11111111 00000000 → 11111 11100 00000 0 → "74AA…"
    #expect(RecordHash.verificationCode(digestHex: "ff00" + String(repeating: "0", count: 60), length: 4) == "74AA")
    #expect(RecordHash.grouped("ABCDEFGHIJKL") == "ABCD-EFGH-IJKL")
  }

  @Test func nameUUIDsAreVersion5AndDeterministic() {
    let a = NameUUID.make("x", "y")
    #expect(a == NameUUID.make("x", "y"))
    #expect(a != NameUUID.make("xy"))
    #expect(XAPIValidator.isUUID(a))
    let chars = Array(a)
    #expect(chars[14] == "5")
    #expect("89ab".contains(chars[19]))
  }
}

@Suite struct CSVOutput {
  @Test func neutralisesFormulasAndQuotes() {
    #expect(CSV.cell("=SUM(A1)") == "'=SUM(A1)")
    #expect(CSV.cell("+1") == "'+1")
    // A plain negative number stays a number (item discrimination can be below zero)...
    #expect(CSV.cell("-1") == "-1")
    #expect(CSV.cell("-0.2531") == "-0.2531")
    #expect(CSV.cell("-1e-05") == "-1e-05")
    // ...anything more is neutralised.
    for formula in ["-1+2", "-", "-1.", "-.5", "-1e", "-1e+", "-A1", "-1 ", "--1", "-1,5"] {
      #expect(CSV.cell(formula).hasPrefix("'") || CSV.cell(formula).hasPrefix("\"'"), "\(formula)")
    }
    #expect(CSV.cell("@cmd") == "'@cmd")
    #expect(CSV.cell("\tx") == "'\tx")
    #expect(CSV.cell("\rx") == "\"'\rx\"")
    #expect(CSV.cell("a,b") == "\"a,b\"")
    #expect(CSV.cell("say \"hi\"") == "\"say \"\"hi\"\"\"")
    #expect(CSV.cell("line\nbreak") == "\"line\nbreak\"")
    #expect(CSV.cell("=a,\"b\"") == "\"'=a,\"\"b\"\"\"")
    #expect(CSV.cell("plain") == "plain")
  }

  @Test func hostileNamesCannotBecomeFormulas() {
    let identity = LearnerIdentity(opaqueID: "abc", displayName: "=cmd|' /C calc'!A0")
    let r = RecordBuilder.build(
      events: Fixture.Script.finisher().events, course: Fixture.course, learner: identity.record(pseudonymize: false),
      generatedAt: Fixture.generatedAt)
    let csv = CSVExporter.document([r])
    let lines = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
    #expect(lines.count == 4)
    #expect(lines[0] == CSVExporter.columns.joined(separator: ","))
    for line in lines.dropFirst() {
      #expect(line.contains(",'=cmd|' /C calc'!A0,"))
      #expect(!line.contains(",=cmd"))
    }
  }
}

@Suite struct AttemptBoundaries {
  @Test func startingAfresh() {
    var s = Fixture.Script()
    s.start("basics")  // opened and left without answering: continued by the next start
    s.start("basics")
    s.answer("basics", "q-single", .choices([1]), raw: "b")
    s.start("basics")  // the session started over (the open attempt no longer counted)
    s.answer("basics", "q-single", .choices([0]), raw: "a")
    s.start("basics", restart: true)
    let r = RecordBuilder.build(events: s.events, course: Fixture.course, learner: Fixture.learner(), generatedAt: Fixture.generatedAt)
    let attempts = r.lessons[1].attempts
    #expect(attempts.map(\.number) == [1, 2, 3])
    #expect(attempts.map(\.responses.count) == [1, 1, 0])
    #expect(attempts[0].startedAt == s.events[0].at)
    #expect(Set(attempts.map(\.registration)).count == 3)
    #expect(r.lessons[1].state == .inProgress)
  }

  @Test func eventsOfOtherCoursesAreIgnored() {
    var s = Fixture.Script()
    s.course.id = "other"
    s.start("basics")
    s.answer("basics", "q-single", .choices([1]), raw: "b")
    let r = RecordBuilder.build(events: s.events, course: Fixture.course, learner: Fixture.learner(), generatedAt: Fixture.generatedAt)
    #expect(r.lessons.allSatisfy { $0.attempts.isEmpty && $0.state == .notStarted })
  }
}

@Suite struct PrivateFiles {
  @Test func writtenFilesAreOwnerOnlyEvenWhenReplacingAnother() throws {
    let dir = TestScratch.path("records-files")
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/out.json"
    #expect(FileManager.default.createFile(atPath: path, contents: Data("old".utf8), attributes: [.posixPermissions: 0o644]))
    try RecordFiles.writePrivate("new", to: path)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.json"])
  }

  @Test func saltIsCreatedOnceAndKept() throws {
    let dir = TestScratch.path("records-salt")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let first = try RecordFiles.salt(progressRoot: dir)
    #expect(first.count == 64)
    #expect(try RecordFiles.salt(progressRoot: dir) == first)
    let mode = try FileManager.default.attributesOfItem(atPath: dir + "/.record-salt")[.posixPermissions] as? Int
    #expect(mode == 0o600)
  }
}
