import Foundation
import Testing
import WorkshopEngine
import WorkshopTestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// The hostile-input cases, through the built binary: links and special files where workshop
/// keeps its files, escape sequences in lessons and names, journals from a newer workshop, and
/// records an editor touched.
@Suite(.serialized) struct HardeningCLITests {
  /// Runs `workshop`, killing it if it has not finished in `seconds` (a hang is a failure, not a
  /// stuck test run). Returns nil on a hang.
  struct BoundedResult {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  func runBounded(_ f: SessionFixture, _ arguments: [String], input: String = "", seconds: Double = 20) throws
    -> BoundedResult?
  {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try BuiltProducts.workshop())
    process.arguments = arguments + ["--lessons", f.lessons]
    var env = ProcessInfo.processInfo.environment
    env["WORKSHOP_CACHE"] = f.cache
    env["WORKSHOP_PROGRESS"] = f.progress
    process.environment = env
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try? stdin.fileHandleForWriting.close()
    let deadline = Date().addingTimeInterval(seconds)
    while process.isRunning, Date() < deadline { usleep(20_000) }
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      return nil
    }
    return BoundedResult(
      status: process.terminationStatus,
      stdout: String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
      stderr: String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
  }

  func decoy(_ f: SessionFixture) throws -> String {
    let path = f.folder.file("decoy")
    try "root:x:0:0:root:/root:/bin/sh\n".write(toFile: path, atomically: false, encoding: .utf8)
    chmod(path, 0o644)
    return path
  }

  func mode(_ path: String) -> mode_t {
    var st = stat()
    lstat(path, &st)
    return st.st_mode & 0o777
  }

  /// Ana with a journal (one lesson started), so her folder exists.
  func withAna(_ f: SessionFixture) throws {
    let r = try f.run(["start", "first-steps", "--learner", "Ana"], input: ["", "quit"])
    #expect(r.status == 0)
  }

  @Test("a journal that is a link out of the learner's folder is refused, and its target untouched")
  func symlinkedJournal() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    try withAna(f)
    let target = try decoy(f)
    let journal = f.progress + "/ana/journal.jsonl"
    try FileManager.default.removeItem(atPath: journal)
    try FileManager.default.createSymbolicLink(atPath: journal, withDestinationPath: target)
    let r = try f.run(["start", "first-steps", "--learner", "Ana"], input: ["quit"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("journal.jsonl") && r.stderr.contains("symbolic link"))
    #expect(try String(contentsOfFile: target, encoding: .utf8) == "root:x:0:0:root:/root:/bin/sh\n")
    #expect(mode(target) == 0o644)
  }

  @Test("a lock file that is a link is refused, never truncated")
  func symlinkedLock() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    try withAna(f)
    let target = try decoy(f)
    let lock = f.progress + "/ana/lock"
    try? FileManager.default.removeItem(atPath: lock)
    try FileManager.default.createSymbolicLink(atPath: lock, withDestinationPath: target)
    let r = try f.run(["start", "first-steps", "--learner", "Ana"], input: ["quit"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("lock") && r.stderr.contains("symbolic link"))
    #expect(try String(contentsOfFile: target, encoding: .utf8) == "root:x:0:0:root:/root:/bin/sh\n")
    #expect(mode(target) == 0o644)
  }

  @Test("a learner folder that is a link is refused; nothing is written where it points")
  func symlinkedLearnerFolder() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    try withAna(f)
    let outside = f.folder.file("outside")
    try FileManager.default.moveItem(atPath: f.progress + "/ana", toPath: outside)
    try FileManager.default.createSymbolicLink(atPath: f.progress + "/ana", withDestinationPath: outside)
    let before = try Data(contentsOf: URL(fileURLWithPath: outside + "/journal.jsonl"))
    let r = try f.run(["start", "first-steps", "--learner", "Ana"], input: ["", "b", "quit"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("not a folder") || r.stderr.contains("symbolic link"))
    #expect(try Data(contentsOf: URL(fileURLWithPath: outside + "/journal.jsonl")) == before)
  }

  @Test("a learner folder open to others is made private again, and so is the profile")
  func modesAreRepaired() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    try withAna(f)
    chmod(f.progress + "/ana", 0o777)
    chmod(f.progress + "/ana/profile.json", 0o666)
    chmod(f.progress + "/ana/journal.jsonl", 0o666)
    let r = try f.run(["start", "first-steps", "--learner", "Ana"], input: ["quit"])
    #expect(r.status == 0)
    #expect(mode(f.progress + "/ana") == 0o700)
    #expect(mode(f.progress + "/ana/profile.json") == 0o600)
    #expect(mode(f.progress + "/ana/journal.jsonl") == 0o600)
  }

  @Test("a FIFO as a lesson file or as course.yaml is an error in lint, list and start, never a hang")
  func fifosDoNotHang() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let lesson = f.lessons + "/fixture-course/02-second-lesson.md"
    try FileManager.default.removeItem(atPath: lesson)
    #expect(mkfifo(lesson, 0o644) == 0)
    let lint = try #require(try runBounded(f, ["lint"]), "lint hung on a FIFO")
    #expect(lint.status == 1)
    #expect(lint.stdout.contains("02-second-lesson.md:1:1: error: not a regular file"))
    let list = try #require(try runBounded(f, ["list"]), "list hung on a FIFO")
    #expect(list.status == 0)
    let start = try #require(
      try runBounded(f, ["start", "first-steps", "--learner", "Ana", "--plain"], input: "quit\n"),
      "start hung on a FIFO")
    #expect(start.status == 1)

    let manifest = f.lessons + "/fixture-course/course.yaml"
    try FileManager.default.removeItem(atPath: manifest)
    #expect(mkfifo(manifest, 0o644) == 0)
    let lintCourse = try #require(try runBounded(f, ["lint"]), "lint hung on a FIFO course.yaml")
    #expect(lintCourse.status == 1)
    #expect(lintCourse.stdout.contains("course.yaml:1:1: error: not a regular file"))
  }

  @Test("escape sequences written as YAML escapes are shown visibly by lint, never sent to the terminal")
  func lintShowsEscapesVisibly() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let manifest = SessionFixture.manifest.replacingOccurrences(
      of: "  shuffle: false",
      with: "  shuffle: false\n  mode: \"\\e[31mRED\\e]0;pwned\\a\"\n  \"\\e[2Jkey\\u009b\": 1\n  hints: \"\\u202eX\"")
    try f.folder.write("lessons/fixture-course/course.yaml", manifest)
    let r = try #require(try runBounded(f, ["lint"]))
    #expect(r.status == 1)
    for forbidden: Unicode.Scalar in ["\u{1B}", "\u{07}", "\u{9B}", "\u{202E}"] {
      #expect(!r.stdout.unicodeScalars.contains(forbidden), "U+\(String(forbidden.value, radix: 16)) reached stdout")
      #expect(!r.stderr.unicodeScalars.contains(forbidden))
    }
    #expect(r.stdout.contains("^[[31mRED^[]0;pwned^G"))
    #expect(r.stdout.contains("^[[2Jkey\\u{9B}"))
    #expect(r.stdout.contains("\\u{202E}X"))
  }

  @Test("a name with control characters is refused when the learner is created")
  func controlCharactersInNamesAreRefused() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    for name in ["\u{1B}[31mred\u{1B}[0m", "\u{1B}]0;title\u{07}", "ana\nevil", "\u{202E}ana"] {
      let r = try f.run(["start", "first-steps", "--learner", name], input: ["quit"])
      #expect(r.status == 1)
      #expect(r.stderr.contains("control or invisible characters"))
      #expect(!r.stderr.unicodeScalars.contains("\u{1B}"))
    }
    #expect((try? FileManager.default.contentsOfDirectory(atPath: f.progress))?.isEmpty ?? true)
  }

  @Test("names already stored with escapes are shown visibly by progress, verify and CSV export to a terminal")
  func storedEscapesAreShownVisibly() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    try withAna(f)
    let hostile = "\u{1B}]0;HACKED\u{07}\u{1B}[2J\u{202E}Ana"
    let profile = LearnerProfile(id: try LearnerID(validating: "ana"), name: hostile)
    try JSONEncoder().encode(profile).write(to: URL(fileURLWithPath: f.progress + "/ana/profile.json"))

    let progress = try f.run(["progress", "--learner", "ana"])
    #expect(progress.status == 0)
    #expect(!progress.stdout.unicodeScalars.contains("\u{1B}") && !progress.stdout.unicodeScalars.contains("\u{202E}"))
    #expect(progress.stdout.contains("^[]0;HACKED^G^[[2J\\u{202E}Ana"))

    let record = f.folder.file("ana.json")
    let export = try f.run(["export", "--learner", "ana", "--course", "fixture-course", "--format", "json", "--out", record])
    #expect(export.status == 0, "\(export.stderr)")
    let verify = try f.run(["verify", record])
    #expect(!verify.stdout.unicodeScalars.contains("\u{1B}") && !verify.stdout.unicodeScalars.contains("\u{202E}"))
    #expect(verify.stdout.contains("^[]0;HACKED^G"))

    let terminal = try PseudoTerminal(
      try BuiltProducts.workshop(),
      ["export", "--learner", "ana", "--course", "fixture-course", "--format", "csv", "--lessons", f.lessons,
       "--progress", f.progress],
      environment: ["WORKSHOP_CACHE": f.cache])
    #expect(terminal.waitForExit() == 0)
    #expect(!terminal.output.unicodeScalars.contains("\u{1B}"))
    #expect(terminal.output.contains("^[]0;HACKED^G"))
  }

  @Test("long names that share their first 64 characters get separate folders; the profile keeps the whole name")
  func longNamesDoNotCollide() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let long = String(repeating: "a", count: 64)
    for suffix in ["b", "c"] {
      let r = try f.run(["start", "first-steps", "--learner", long + suffix], input: ["quit"])
      #expect(r.status == 0)
      #expect(!r.stdout.contains("Picking up where you left off"))
    }
    let store = ProgressStore(root: f.progress)
    let names = store.learners().compactMap { store.profile($0)?.name }
    #expect(Set(names) == [long + "b", long + "c"])
    #expect(store.learners().allSatisfy { $0.rawValue.count <= 64 && $0.rawValue.hasPrefix("aaaa") })
  }

  @Test("an event from a newer workshop at the end of the journal is kept, with a warning naming it")
  func newerEngineEventsAreKept() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    try withAna(f)
    let journal = f.progress + "/ana/journal.jsonl"
    let future = #"{"v":9,"id":"f1","at":"2030-01-01T00:00:00.000Z","kind":"teleported","course":"fixture-course"}"# + "\n"
    let handle = try #require(FileHandle(forWritingAtPath: journal))
    handle.seekToEndOfFile()
    handle.write(Data(future.utf8))
    try handle.close()
    let progress = try f.run(["progress", "--learner", "ana"])
    #expect(progress.stderr.contains("written by a newer workshop"))
    let r = try f.run(["start", "first-steps", "--learner", "Ana"], input: ["quit"])
    #expect(r.status == 0)
    #expect(r.stderr.contains("written by a newer workshop"))
    #expect(try String(contentsOfFile: journal, encoding: .utf8).contains(future))
    let names = try FileManager.default.contentsOfDirectory(atPath: f.progress + "/ana")
    #expect(!names.contains { $0.hasPrefix("journal.torn") })
  }

  @Test("start says when it sets aside a torn last line, and names the file it wrote")
  func startReportsWhatItSetAside() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    try withAna(f)
    let journal = f.progress + "/ana/journal.jsonl"
    let handle = try #require(FileHandle(forWritingAtPath: journal))
    handle.seekToEndOfFile()
    handle.write(Data(#"{"v":2,"id":"torn","at":"2026-"#.utf8))
    try handle.close()
    let r = try f.run(["start", "first-steps", "--learner", "Ana"], input: ["quit"])
    #expect(r.status == 0)
    #expect(r.stderr.contains("incomplete"))
    #expect(r.stderr.contains("/ana/journal.torn-"))
  }

  @Test("a learner stopped after the last answer but before the last Enter resumes on the lesson summary")
  func resumeAfterTheLastAnswer() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let first = try f.run(["start", "first-steps", "--learner", "Ana"], input: ["", "b", "", "", "=next", "quit"])
    #expect(first.status == 0)
    #expect(!first.stdout.contains("Score:"))
    let again = try f.run(["start", "first-steps", "--learner", "Ana"], input: [])
    #expect(again.stdout.contains("Score: 2 of 2 points (100%)."))
    #expect(try f.journal().contains { $0.kind == .lessonCompleted })
  }

  @Test("a record saved with a UTF-8 byte order mark verifies")
  func recordWithBOM() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let r = try f.run(["start", "first-steps", "--learner", "Ana"], input: ["", "b", "", "", "=next", ""])
    #expect(r.status == 0)
    let record = f.folder.file("ana.json")
    #expect(try f.run(["export", "--learner", "ana", "--course", "fixture-course", "--format", "json", "--out", record]).status == 0)
    var bytes = Data([0xEF, 0xBB, 0xBF])
    bytes.append(try Data(contentsOf: URL(fileURLWithPath: record)))
    try bytes.write(to: URL(fileURLWithPath: record))
    let verify = try f.run(["verify", record])
    #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
  }
}
