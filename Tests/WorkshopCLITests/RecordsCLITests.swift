import Foundation
import Testing
import WorkshopEngine
import WorkshopRecords
import WorkshopTestSupport

/// Runs the built `workshop` binary end to end: a learner who finished the bundled course exports
/// every format, verify accepts the record and rejects a tampered copy with the reason, and
/// roster reads both the records and the progress folder.
@Suite(.serialized) struct RecordsCLI {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  static var binary: String {
    let candidates = [
      ".build/debug/workshop", ".build/x86_64-unknown-linux-gnu/debug/workshop",
      ".build/aarch64-unknown-linux-gnu/debug/workshop", ".build/release/workshop",
    ].map { packageRoot.appendingPathComponent($0).path }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
  }

  struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  static func run(_ arguments: [String], in directory: String, environment extra: [String: String] = [:]) throws -> Run {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var environment = ProcessInfo.processInfo.environment
    environment["WORKSHOP_LESSONS"] = directory + "/lessons"
    environment["WORKSHOP_PROGRESS"] = directory + "/progress"
    environment.merge(extra) { _, given in given }
    process.environment = environment
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Run(
      status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
      stderr: String(decoding: stderr, as: UTF8.self))
  }

  /// The right answer to any question, in canonical terms.
  static func rightAnswer(_ q: Question) -> (Response, String) {
    switch q.body {
    case .single(let choices): return (.choices([choices.firstIndex { $0.correct }!]), "a")
    case .multiple(let choices): return (.choices(choices.indices.filter { choices[$0].correct }), "a b")
    case .trueFalse(let answer, _, _): return (.choices([answer ? 0 : 1]), answer ? "t" : "f")
    case .shortAnswer(let key): return (.text(key.accepted[0]), key.accepted[0])
    case .numeric(let key):
      switch key.rule {
      case .exact(let v), .tolerance(let v, _): return (.number(v), "\(v)")
      case .range(let lo, _): return (.number(lo), "\(lo)")
      }
    case .ordering(let items, _): return (.order(Array(items.indices)), "1 2 3")
    case .matching(let pairs, _): return (.matches(Array(pairs.indices)), "a-1 b-2")
    }
  }

  /// A workspace with a course (the small fixture course, or a bundled one) and a learner who
  /// passed it, journaled through the engine's own writer.
  static func workspace(course courseID: String = "getting-started") throws -> (dir: String, course: Course) {
    let dir = TestScratch.path("records-cli")
    try FileManager.default.createDirectory(atPath: dir + "/lessons", withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      atPath: packageRoot.appendingPathComponent(
        courseID == "getting-started" ? "Tests/Fixtures/getting-started" : "lessons/\(courseID)"
      ).path,
      toPath: dir + "/lessons/\(courseID)")
    let course = try #require(LessonLoader.load(root: dir + "/lessons").library.course(id: courseID))
    let store = ProgressStore(root: dir + "/progress")
    let profile = try store.createProfile(name: "Ana María")
    let journal = try store.openJournal(profile.id)
    var clock: Int64 = 1_795_000_000_000
    func at() -> String {
      clock += 4_000
      return Timestamp.format(milliseconds: clock)
    }
    try journal.append(JournalEvent(at: at(), kind: .sessionStarted, engine: WorkshopVersion.current))
    for lesson in course.lessons {
      try journal.append(JournalEvent(at: at(), kind: .lessonStarted, course: course.id, lesson: lesson.id, lessonDigest: lesson.digest))
      var earned = 0.0
      var asked = lesson.questions
      if let draw = lesson.draw {
        asked = Array(asked.prefix(draw))
        try journal.append(
          JournalEvent(at: at(), kind: .questionsDrawn, course: course.id, lesson: lesson.id, questions: asked.map(\.id), seed: 1))
      }
      for q in asked {
        let (response, raw) = rightAnswer(q)
        let grade = Grader.grade(q, response)
        let points = Scoring.earned(points: q.points, credit: grade.credit, attempt: 1, hintsShown: 0, policy: lesson.policy)
        earned += points
        try journal.append(
          JournalEvent(
            at: at(), kind: .answerSubmitted, course: course.id, lesson: lesson.id, lessonDigest: lesson.digest,
            question: q.id, questionDigest: q.digest, raw: raw, response: response, outcome: grade.outcome,
            credit: grade.credit, earned: points, attempt: 1, seconds: 4))
      }
      let total = asked.reduce(0) { $0 + $1.points }
      let score = total > 0 ? min(1, earned / total) : 1
      try journal.append(
        JournalEvent(
          at: at(), kind: .lessonCompleted, course: course.id, lesson: lesson.id, lessonDigest: lesson.digest,
          seconds: 60, score: score, passed: score + 1e-9 >= lesson.policy.passMark))
    }
    journal.close()
    return (dir, course)
  }

  static func mode(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int ?? 0) & 0o777
  }

  @Test func exportVerifyAndRoster() throws {
    let (dir, course) = try Self.workspace()
    defer { try? FileManager.default.removeItem(atPath: dir) }

    for format in ["json", "csv", "xapi", "html"] {
      let run = try Self.run(
        ["export", "--learner", "Ana María", "--course", course.id, "--format", format, "--out", "\(dir)/ana.\(format)"], in: dir)
      #expect(run.status == 0, "\(format): \(run.stderr)")
      #expect(Self.mode("\(dir)/ana.\(format)") == 0o600)
    }
    #expect(Self.mode("\(dir)/progress/.record-salt") == 0o600)

    let record = try String(contentsOfFile: "\(dir)/ana.json", encoding: .utf8)
    #expect(record.contains("\"name\":\"Ana María\""))
    #expect(!record.contains("ana-maria"))
    #expect(record.contains("\"passed\":true"))
    let csv = try String(contentsOfFile: "\(dir)/ana.csv", encoding: .utf8)
    #expect(csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == course.lessons.count + 1)
    let xapi = try String(contentsOfFile: "\(dir)/ana.xapi", encoding: .utf8)
    #expect(xapi.contains("http://adlnet.gov/expapi/verbs/passed"))
    #expect(!xapi.contains("Ana"))
    let html = try String(contentsOfFile: "\(dir)/ana.html", encoding: .utf8)
    #expect(html.contains("Ana María") && html.contains(course.title))
    // The one script element is the record as data: nothing runs, nothing is fetched.
    #expect(html.components(separatedBy: "<script").count == 2 && html.contains("<script type=\"application/json\""))

    // Pseudonyms replace the name everywhere; names appear in xAPI only when asked for.
    let pseudo = try Self.run(["export", "--learner", "Ana María", "--course", course.id, "--pseudonymize"], in: dir)
    #expect(pseudo.status == 0 && pseudo.stdout.contains("Learner ") && !pseudo.stdout.contains("Ana"))
    let named = try Self.run(["export", "--learner", "ana-maria", "--course", course.id, "--format", "xapi", "--include-names"], in: dir)
    #expect(named.status == 0 && named.stdout.contains("\"name\":\"Ana María\""))

    // An organisation's own IRIs for activities and the actor's account.
    let own = try Self.run(
      [
        "export", "--learner", "ana-maria", "--course", course.id, "--format", "xapi",
        "--activity-base", "https://learning.example.org/xapi", "--home-page", "https://learning.example.org",
      ], in: dir)
    #expect(own.status == 0, "\(own.stderr)")
    #expect(own.stdout.contains("https:\\/\\/learning.example.org\\/xapi\\/courses") || own.stdout.contains("https://learning.example.org/xapi/courses"))
    #expect(!own.stdout.contains("workshop.invalid"))
    let relative = try Self.run(
      ["export", "--learner", "ana-maria", "--course", course.id, "--format", "xapi", "--activity-base", "xapi/here"],
      in: dir)
    #expect(relative.status != 0 && relative.stderr.contains("--activity-base must be an absolute"))

    let valid = try Self.run(["verify", "\(dir)/ana.json"], in: dir)
    #expect(valid.status == 0, "\(valid.stdout)\(valid.stderr)")
    #expect(valid.stdout.hasPrefix("valid:"))

    // A copy with a better score than earned.
    let tampered = record.replacingOccurrences(of: "\"score\":1,", with: "\"score\":0.99,")
    #expect(tampered != record)
    try tampered.write(toFile: "\(dir)/tampered.json", atomically: true, encoding: .utf8)
    let rejected = try Self.run(["verify", "\(dir)/tampered.json"], in: dir)
    #expect(rejected.status == 1)
    #expect(rejected.stdout.hasPrefix("TAMPERED:"))
    #expect(rejected.stdout.contains("score"))

    // Lesson content changed since the record was made.
    let lessonFile = "\(dir)/lessons/getting-started/01-answering-questions.md"
    let lesson = try String(contentsOfFile: lessonFile, encoding: .utf8)
    try lesson.replacingOccurrences(of: "answers: [YAML]", with: "answers: [YAML, yml]")
      .write(toFile: lessonFile, atomically: true, encoding: .utf8)
    let mismatch = try Self.run(["verify", "\(dir)/ana.json"], in: dir)
    #expect(mismatch.status == 2, "\(mismatch.stdout)\(mismatch.stderr)")
    #expect(mismatch.stdout.contains("name-the-format"))
    try lesson.write(toFile: lessonFile, atomically: true, encoding: .utf8)

    let unreadable = try Self.run(["verify", "\(dir)/missing.json"], in: dir)
    #expect(unreadable.status == 64)
    try "{\"schema\":\"other\"}".write(toFile: "\(dir)/other.json", atomically: true, encoding: .utf8)
    let notRecord = try Self.run(["verify", "\(dir)/other.json"], in: dir)
    #expect(notRecord.status == 64 && notRecord.stderr.contains("not a workshop completion record"))
    try "[1,".write(toFile: "\(dir)/broken.json", atomically: true, encoding: .utf8)
    #expect(try Self.run(["verify", "\(dir)/broken.json"], in: dir).status == 64)

    // Roster over the records folder (one valid, one tampered) and over the progress folder.
    try FileManager.default.createDirectory(atPath: "\(dir)/records", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: "\(dir)/ana.json", toPath: "\(dir)/records/ana.json")
    try FileManager.default.copyItem(atPath: "\(dir)/tampered.json", toPath: "\(dir)/records/tampered.json")
    let table = try Self.run(["roster", "\(dir)/records"], in: dir)
    #expect(table.status == 0, "\(table.stderr)")
    #expect(table.stdout.contains("2 records, 1 counted"))
    #expect(table.stdout.contains("TAMPERED"))
    let report = try Self.run(["roster", "\(dir)/progress", "--format", "html", "--out", "\(dir)/roster.html"], in: dir)
    #expect(report.status == 0, "\(report.stderr)")
    let reportHTML = try String(contentsOfFile: "\(dir)/roster.html", encoding: .utf8)
    #expect(reportHTML.contains("<svg") && reportHTML.contains("Ana María") && !reportHTML.contains("<script"))
    #expect(Self.mode("\(dir)/roster.html") == 0o600)
  }

  @Test func theBundledCourse() throws {
    let (dir, course) = try Self.workspace(course: "open-innovation-principles")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    #expect(course.lessons.contains { $0.draw != nil })
    for format in ["json", "csv", "xapi", "html"] {
      let run = try Self.run(
        ["export", "--learner", "Ana María", "--course", course.id, "--format", format, "--out", "\(dir)/ana.\(format)"], in: dir)
      #expect(run.status == 0, "\(format): \(run.stderr)")
    }
    let verified = try Self.run(["verify", "\(dir)/ana.json"], in: dir)
    #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    let html = try String(contentsOfFile: "\(dir)/ana.html", encoding: .utf8)
    #expect(html.contains("Open Innovation Principles for AI"))
  }

  /// The code on a certificate names the achievement: exporting again later gives the same code,
  /// the certificate file alone verifies, and the code finds its record in a folder or a roster.
  @Test func recordIdentityAndCertificateVerification() throws {
    let (dir, course) = try Self.workspace()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FileManager.default.createDirectory(atPath: "\(dir)/records", withIntermediateDirectories: true)
    func export(_ format: String, _ name: String) throws -> String {
      let run = try Self.run(
        ["export", "--learner", "Ana María", "--course", course.id, "--format", format, "--out", "\(dir)/records/\(name)"],
        in: dir)
      #expect(run.status == 0, "\(run.stderr)")
      return try String(contentsOfFile: "\(dir)/records/\(name)", encoding: .utf8)
    }
    let first = try JSONParser.parse(try export("json", "first.json"))
    // Export timestamps have millisecond resolution: wait (by polling) until the clock has moved.
    let firstGenerated = try #require(first["generatedAt"]?.string)
    var second = try JSONParser.parse(try export("json", "second.json"))
    while second["generatedAt"]?.string == firstGenerated {
      second = try JSONParser.parse(try export("json", "second.json"))
    }
    #expect(second["generatedAt"]?.string != firstGenerated)
    #expect(second["digest"] == first["digest"] && second["id"] == first["id"])
    let digest = try #require(first["digest"]?.string)
    let code = RecordHash.grouped(RecordHash.verificationCode(digestHex: digest))

    let certificate = try export("html", "certificate.html")
    #expect(certificate.contains(code))
    let alone = try Self.run(["verify", "\(dir)/records/certificate.html"], in: dir)
    #expect(alone.status == 0, "\(alone.stdout)\(alone.stderr)")
    #expect(alone.stdout.hasPrefix("valid:") && alone.stdout.contains(code))

    // A certificate whose embedded record was edited (a better score) is refused.
    let forged = certificate.replacingOccurrences(of: "\"score\":1,", with: "\"score\":0.99,")
    #expect(forged != certificate)
    try forged.write(toFile: "\(dir)/forged.html", atomically: true, encoding: .utf8)
    let refused = try Self.run(["verify", "\(dir)/forged.html"], in: dir)
    #expect(refused.status == 1 && refused.stdout.hasPrefix("TAMPERED:"), "\(refused.stdout)")
    try "<html><body>hello</body></html>".write(toFile: "\(dir)/page.html", atomically: true, encoding: .utf8)
    let page = try Self.run(["verify", "\(dir)/page.html"], in: dir)
    #expect(page.status == 64 && page.stderr.contains("without a completion record"))

    // The code alone, typed in lower case without dashes, finds the record in a folder.
    let typed = code.replacingOccurrences(of: "-", with: "").lowercased()
    let found = try Self.run(["verify", "--code", typed, "\(dir)/records"], in: dir)
    #expect(found.status == 0, "\(found.stdout)\(found.stderr)")
    #expect(found.stdout.contains("code \(code) is the record in") && found.stdout.contains("valid:"))
    let missing = try Self.run(["verify", "--code", "AAAA-AAAA-AAAA", "\(dir)/records"], in: dir)
    #expect(missing.status == 1 && missing.stdout.hasPrefix("NOT FOUND"))
    let malformed = try Self.run(["verify", "--code", "ABC", "\(dir)/records"], in: dir)
    #expect(malformed.status == 64 && malformed.stderr.contains("12 letters and digits"))

    // ...and in a roster made from the records.
    let roster = try Self.run(["roster", "\(dir)/records", "--format", "csv", "--out", "\(dir)/roster.csv"], in: dir)
    #expect(roster.status == 0, "\(roster.stderr)")
    let listed = try Self.run(["verify", "--code", code, "\(dir)/roster.csv"], in: dir)
    #expect(listed.status == 0, "\(listed.stdout)\(listed.stderr)")
    #expect(listed.stdout.hasPrefix("valid: code \(code) is Ana María"))
  }

  @Test func certificateNeedsAPassedCourse() throws {
    let (dir, course) = try Self.workspace()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let store = ProgressStore(root: dir + "/progress")
    _ = try store.createProfile(name: "Bo")
    let run = try Self.run(["export", "--learner", "Bo", "--course", course.id, "--format", "html"], in: dir)
    #expect(run.status == 1)
    #expect(run.stderr.contains("not passed"))
    let unknown = try Self.run(["export", "--learner", "Nobody", "--course", course.id], in: dir)
    #expect(unknown.status == 64)
  }
}
