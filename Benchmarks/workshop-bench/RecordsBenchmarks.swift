import Foundation
import WorkshopEngine
import WorkshopRecords

/// Figures for completion records: exporting one learner in each format, and a roster over
/// 1,000 synthetic learners × 70 answers (targets in docs/performance.md).
public enum RecordsBenchmarks {
  /// Runs the benchmarks and returns one line per figure.
  public static func run(learners: Int = 1000) -> [String] {
    var lines: [String] = []
    let course = syntheticCourse(lessons: 7, questionsPerLesson: 10)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("workshop-bench-records-\(getpid())").path
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }

    // Export of one learner, in process (the CLI adds process start, lesson loading and journal
    // reading; see docs/performance.md for whole-process figures).
    let events = syntheticJournal(course: course, learner: 99)
    let identity = LearnerIdentity(opaqueID: LearnerIdentity.opaqueID(salt: "bench", learner: "l0"), displayName: "Bench Learner")
    let buildTime = best(of: 20) {
      _ = RecordBuilder.build(events: events, course: course, learner: identity.record(pseudonymize: false), generatedAt: "2026-01-01T00:00:00.000Z")
    }
    let record = RecordBuilder.build(events: events, course: course, learner: identity.record(pseudonymize: false), generatedAt: "2026-01-01T00:00:00.000Z")
    lines.append(figure("records: build one record (\(events.count) events, 70 answers)", buildTime))
    lines.append(figure("records: export json", best(of: 20) { _ = record.fileText() }))
    lines.append(figure("records: export csv", best(of: 20) { _ = CSVExporter.document([record]) }))
    lines.append(
      figure(
        "records: export xapi (with validation)",
        best(of: 20) {
          let s = XAPIExporter.statements(record: record, course: course)
          _ = XAPIValidator.validate(statements: s)
          _ = XAPIExporter.fileText(s)
        }))
    let passed = record.outcome.passed
    lines.append(
      figure(
        "records: export html certificate\(passed ? "" : " (course not passed: refusal only)")",
        best(of: 20) { _ = try? CertificateExporter.html(record) }))
    let json = try! JSONParser.parse(record.fileText())
    lines.append(
      figure("records: verify one record (re-scored)", best(of: 20) { _ = RecordVerifier.verify(json: json, course: course, grading: .engine) }))

    // Roster: 1,000 record files on disk, read, verified, analysed and rendered.
    var files: [String] = []
    for i in 0..<learners {
      let id = LearnerIdentity(opaqueID: LearnerIdentity.opaqueID(salt: "bench", learner: "l\(i)"), displayName: "Learner \(i)")
      let r = RecordBuilder.build(
        events: syntheticJournal(course: course, learner: i), course: course, learner: id.record(pseudonymize: false),
        generatedAt: "2026-01-01T00:00:00.000Z")
      let path = directory + "/learner-\(i).json"
      try? r.fileText().write(toFile: path, atomically: false, encoding: .utf8)
      files.append(path)
    }
    let bytes = files.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
    let library = LessonLibraryLookup { $0 == course.id ? course : nil }
    var counted = 0
    let rosterTime = best(of: 3) {
      let entries = RosterEntry.readRecords(files, library: library, grading: .engine)
      let roster = Roster.build(entries: entries, library: library)
      _ = roster.table()
      _ = roster.html(generatedAt: "2026-01-01T00:00:00.000Z")
      counted = roster.sections.first?.learners.filter(\.counted).count ?? 0
    }
    lines.append(
      figure(
        "records: roster \(learners) learners x 70 answers (\(bytes / 1_000_000) MB, \(counted) verified), table + html",
        rosterTime, target: 1.0))
    lines += wholeProcess(directory: directory)
    return lines
  }

  /// Open Badges: building and signing one credential (VC-JWT through jwt-kit's key collection,
  /// an actor, hence async) and verifying it, re-building the achievement from the course.
  public static func badges() async -> [String] {
    let course = syntheticCourse(lessons: 7, questionsPerLesson: 10)
    let identity = LearnerIdentity(opaqueID: LearnerIdentity.opaqueID(salt: "bench", learner: "l0"), displayName: "Bench Learner")
    var record = RecordBuilder.build(
      events: syntheticJournal(course: course, learner: 99), course: course, learner: identity.record(pseudonymize: false),
      generatedAt: "2026-01-01T00:00:00.000Z")
    // The figure is about signing, whatever the synthetic learner scored.
    record.outcome.passed = true
    record.outcome.completedAt = record.outcome.completedAt ?? "2026-01-01T00:00:00.000Z"
    let key = InstructorKey.generate()
    let issuer = IssuerProfile(name: "Bench Academy", url: "https://learning.example.org")
    func timed(_ runs: Int, _ body: () async throws -> Void) async -> Double {
      var best = Double.infinity
      for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        try? await body()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
      }
      return best
    }
    guard let token = try? await OpenBadge.issue(record: record, course: course, issuer: issuer, key: key) else {
      return ["records: badge could not be issued"]
    }
    let sign = await timed(50) { _ = try await OpenBadge.issue(record: record, course: course, issuer: issuer, key: key) }
    let verify = await timed(50) {
      _ = try await BadgeVerifier.verify(token: token, now: Date(), course: { _ in course })
    }
    return [
      figure("records: issue one badge (credential + VC-JWT, EdDSA, \(token.utf8.count) bytes)", sign),
      figure("records: verify one badge (signature, claims, achievement rebuilt)", verify),
    ]
  }

  /// Whole-process figures: the `workshop` binary built next to the bench exporting one learner
  /// of a 70-question course from a lesson pack and journal on disk.
  static func wholeProcess(directory: String) -> [String] {
    guard let binary = workshopBinary() else { return ["records: whole-process export skipped"] }
    let lessons = directory + "/lessons"
    let progress = directory + "/progress"
    do {
      try writeLessonPack(root: lessons, lessons: 7, questionsPerLesson: 10)
    } catch {
      return ["records: whole-process export skipped (\(error))"]
    }
    let (library, diagnostics) = LessonLoader.load(root: lessons)
    guard let course = library.course(id: "bench") else {
      return ["records: whole-process export skipped (pack did not load: \(diagnostics.first?.description ?? "?"))"]
    }
    do {
      let store = ProgressStore(root: progress)
      let profile = try store.createProfile(name: "Bench Learner")
      let journal = try store.openJournal(profile.id)
      for event in syntheticJournal(course: course, learner: 99) { try journal.append(event) }
      journal.close()
    } catch {
      return ["records: whole-process export skipped (\(error))"]
    }
    var lines: [String] = []
    for format in ["json", "csv", "xapi", "html"] {
      let arguments = [
        "export", "--learner", "bench-learner", "--course", "bench", "--format", format, "--lessons", lessons,
        "--progress", progress, "--out", directory + "/export.\(format)",
      ]
      let times = ProcessTiming.run([binary] + arguments, runs: 30)
      lines.append(
        figure(
          "records: workshop export --format \(format), whole process (70 answers), median",
          ProcessTiming.median(times) / 1000, target: 0.015))
    }
    return lines
  }

  /// A 70-question lesson pack in the lesson format, so the loader's cost is part of the figure.
  static func writeLessonPack(root: String, lessons: Int, questionsPerLesson: Int) throws {
    let folder = root + "/bench"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    var manifest = """
      id: bench
      title: Benchmark course
      version: 1.0.0
      description: Synthetic course for benchmarks.
      language: en
      lessons:

      """
    for l in 0..<lessons { manifest += "  - lesson-\(l).md\n" }
    manifest += "policy:\n  pass_mark: 0.7\n"
    try manifest.write(toFile: folder + "/course.yaml", atomically: true, encoding: .utf8)
    for l in 0..<lessons {
      var text = """
        ---
        id: lesson-\(l)
        title: Lesson \(l)
        summary: Synthetic lesson \(l).
        objectives:
          - Answer questions.
        minutes: 10
        ---

        ## Reading

        Some text to read before the questions.

        """
      for q in 0..<questionsPerLesson {
        text += "\n```question\nid: q\(q)\n"
        switch q % 7 {
        case 0:
          text += "type: single\nprompt: Question \(q)?\nchoices:\n"
          for c in 0..<4 {
            text += "  - text: Choice \(c)\n" + (c == 1 ? "    correct: true\n" : "    feedback: Not this one.\n")
          }
        case 1:
          text += "type: multiple\nprompt: Question \(q)?\nchoices:\n"
          for c in 0..<4 {
            text += "  - text: Option \(c)\n" + (c % 2 == 0 ? "    correct: true\n" : "    feedback: Not this one.\n")
          }
        case 2: text += "type: truefalse\nprompt: Question \(q)?\nanswer: true\n"
        case 3: text += "type: short\nprompt: Question \(q)?\nanswers: [open weights, weights]\n"
        case 4: text += "type: numeric\nprompt: Question \(q)?\nanswer: 42\ntolerance: 0.5\n"
        case 5: text += "type: ordering\nprompt: Question \(q)?\nitems: [first, second, third, fourth]\n"
        default:
          text += "type: matching\nprompt: Question \(q)?\npairs:\n"
          for p in 0..<3 { text += "  - {left: L\(p), right: R\(p)}\n" }
        }
        text += "explanation: Because.\n```\n"
      }
      try text.write(toFile: folder + "/lesson-\(l).md", atomically: true, encoding: .utf8)
    }
  }

  static func figure(_ name: String, _ seconds: Double, target: Double? = nil) -> String {
    let ms = String(format: "%.2f ms", seconds * 1000)
    guard let target else { return "\(name): \(ms)" }
    return "\(name): \(ms) (target \(Int(target * 1000)) ms: \(seconds <= target ? "ok" : "SLOW"))"
  }

  static func best(of runs: Int, _ body: () -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<runs {
      let start = DispatchTime.now().uptimeNanoseconds
      body()
      best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return best
  }

  // MARK: Synthetic data

  /// A course of mixed question types (every kind the engine grades).
  public static func syntheticCourse(lessons: Int, questionsPerLesson: Int) -> Course {
    let policy = Policy()
    var list: [Lesson] = []
    for l in 0..<lessons {
      var items: [LessonItem] = [.page(Page(id: "intro", title: "Lesson \(l)", markdown: "# Lesson \(l)", line: 1))]
      for q in 0..<questionsPerLesson {
        let id = "q\(q)"
        let body: Question.Body
        switch q % 7 {
        case 0: body = .single((0..<4).map { Question.Choice(text: "Choice \($0)", correct: $0 == 1) })
        case 1: body = .multiple((0..<4).map { Question.Choice(text: "Option \($0)", correct: $0 % 2 == 0) })
        case 2: body = .trueFalse(answer: true, feedbackTrue: nil, feedbackFalse: nil)
        case 3: body = .shortAnswer(.init(accepted: ["open weights", "weights"]))
        case 4: body = .numeric(.init(rule: .tolerance(value: 42, tolerance: 0.5)))
        case 5: body = .ordering(items: ["first", "second", "third", "fourth"])
        default: body = .matching(pairs: (0..<3).map { Question.MatchPair(left: "L\($0)", right: "R\($0)") })
        }
        items.append(
          .question(
            Question(id: id, prompt: "Question \(q) of lesson \(l)?", body: body, explanation: "Because.", digest: "digest-\(l)-\(q)")))
      }
      list.append(
        Lesson(
          id: "lesson-\(l)", title: "Lesson \(l)", summary: "", objectives: [], estimatedMinutes: 10, kind: .lesson,
          required: true, policy: policy, draw: nil, items: items, path: "lesson-\(l).md", digest: "lesson-digest-\(l)"))
    }
    return Course(
      id: "bench", title: "Benchmark course", version: "1.0.0", description: "", language: "en", policy: policy,
      lessons: list, directory: "/bench", digest: "bench-course")
  }

  /// One learner working through every lesson; how often they are right depends on the learner
  /// so that the item statistics have something to measure.
  public static func syntheticJournal(course: Course, learner: Int) -> [JournalEvent] {
    var events: [JournalEvent] = []
    var clock: Int64 = 1_790_000_000_000 + Int64(learner) * 10_000_000
    var serial = 0
    var rng = SplitMix64(seed: UInt64(learner) &* 0x9E37_79B9_7F4A_7C15 &+ 1)
    let ability = Double(learner % 100) / 100
    func next(_ seconds: Double) -> (String, String) {
      clock += Int64(seconds * 1000)
      serial += 1
      let hex = String(serial, radix: 16)
      let prefix = String(learner, radix: 16)
      return (
        String(repeating: "0", count: 8 - min(8, prefix.count)) + prefix.suffix(8) + "-0000-4000-8000-"
          + String(repeating: "0", count: 12 - hex.count) + hex,
        Timestamp.format(milliseconds: clock)
      )
    }
    for lesson in course.lessons {
      let (sid, sat) = next(1)
      events.append(JournalEvent(id: sid, at: sat, kind: .lessonStarted, course: course.id, lesson: lesson.id, lessonDigest: lesson.digest))
      let started = clock
      var best: [String: Double] = [:]
      for q in lesson.questions {
        let right = rng.unit() < 0.3 + 0.6 * ability
        let response = syntheticResponse(q, right: right, pick: Int(rng.next() % 4))
        let grade = Grader.grade(q, response)
        let earned = Scoring.earned(points: q.points, credit: grade.credit, attempt: 1, hintsShown: 0, policy: lesson.policy)
        best[q.id] = earned
        let (id, at) = next(5 + rng.unit() * 20)
        events.append(
          JournalEvent(
            id: id, at: at, kind: .answerSubmitted, course: course.id, lesson: lesson.id, lessonDigest: lesson.digest,
            question: q.id, questionDigest: q.digest, raw: "answer", response: response, outcome: grade.outcome,
            credit: grade.credit, earned: earned, attempt: 1, seconds: 12.5))
      }
      let total = lesson.questions.reduce(0) { $0 + $1.points }
      let score = min(1, best.values.reduce(0, +) / total)
      let (cid, cat) = next(2)
      events.append(
        JournalEvent(
          id: cid, at: cat, kind: .lessonCompleted, course: course.id, lesson: lesson.id, lessonDigest: lesson.digest,
          seconds: Double(clock - started) / 1000, score: score, passed: score + 1e-9 >= lesson.policy.passMark))
    }
    return events
  }

  static func syntheticResponse(_ q: Question, right: Bool, pick: Int) -> Response {
    switch q.body {
    case .single(let choices):
      let correct = choices.firstIndex { $0.correct } ?? 0
      return .choices([right ? correct : (correct + 1 + pick % (choices.count - 1)) % choices.count])
    case .multiple(let choices):
      let correct = choices.indices.filter { choices[$0].correct }
      return .choices(right ? correct : [correct[0], (correct[0] + 1) % choices.count])
    case .trueFalse(let answer, _, _):
      return .choices([right == answer ? 0 : 1])
    case .shortAnswer(let key):
      return .text(right ? key.accepted[0] : "closed weights")
    case .numeric:
      return .number(right ? 42.2 : 40)
    case .ordering(let items, _):
      return .order(right ? Array(items.indices) : Array(items.indices.reversed()))
    case .matching(let pairs, _):
      return .matches(right ? Array(pairs.indices) : pairs.indices.map { ($0 + 1) % pairs.count })
    }
  }
}
