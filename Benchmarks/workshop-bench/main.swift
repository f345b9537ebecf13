// Benchmarks for workshop. Run a release build from the package root:
//
//   swift run -c release workshop-bench [lint|replay|list|review|records|repl|startup|all|sync|sync-repl]
//
// Figures and the machine they were taken on are kept in docs/performance.md.
import Foundation
import WorkshopEngine

let packageRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
let scratch = NSTemporaryDirectory() + "workshop-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: scratch) }

func seconds(_ body: () throws -> Void) rethrows -> Double {
  let start = ContinuousClock.now
  try body()
  let c = (ContinuousClock.now - start).components
  return Double(c.seconds) + Double(c.attoseconds) / 1e18
}

/// CPU time (user and system, every thread) this process has used, in seconds. Figures taken on
/// a loaded machine are compared by it as well as by wall time.
func cpuSeconds() -> Double {
  var usage = rusage()
  getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
  func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
  return s(usage.ru_utime) + s(usage.ru_stime)
}

func report(_ name: String, _ value: String, target: String) {
  print("\(name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(value)   (target: \(target))")
}

/// Lint + load of 1,000 lessons × 20 questions.
func benchLint() throws {
  let root = scratch + "/pack"
  try SyntheticPack.write(to: root, lessons: 1000, questions: 20)
  var best = Double.infinity
  var leastCPU = Double.infinity
  var questions = 0
  for _ in 0..<3 {
    let cpu = cpuSeconds()
    defer { leastCPU = min(leastCPU, cpuSeconds() - cpu) }
    let t = try seconds {
      let report = Linter.run(root: root)
      guard report.errors == 0 else {
        throw CocoaError(.fileReadCorruptFile, userInfo: ["errors": report.diagnostics.prefix(3)])
      }
      questions = report.questions
    }
    best = min(best, t)
  }
  report(
    "lint + load, 1,000 lessons × 20 questions", "\(Int(Double(questions) / best)) questions/s",
    target: "≥ 50,000")
  report(
    "  CPU time per run (both cores together)",
    String(format: "%.0f ms, %d questions per CPU-second", leastCPU * 1000, Int(Double(questions) / leastCPU)),
    target: "-")
  // The same pack read with the structural checks and answer-key proofs only, which is what
  // lint did before the item-writing review: it tells the loader's speed from the review's cost.
  var loadBest = Double.infinity
  for _ in 0..<3 {
    loadBest = min(loadBest, seconds { _ = LessonLoader.load(root: root) })
  }
  report(
    "  of which loading, checks and proofs alone", "\(Int(Double(questions) / loadBest)) questions/s", target: "-")
}

/// Full replay of a 100,000-event journal, with no checkpoint to help.
func benchReplay() throws {
  let store = ProgressStore(root: scratch + "/replay")
  let learner = try LearnerID(validating: "replay")
  try SyntheticJournal.write(store: store, learner: learner, events: 100_000)
  var best = Double.infinity
  var events = 0
  for _ in 0..<5 {
    try? FileManager.default.removeItem(atPath: store.checkpointPath(for: learner))
    let t = try seconds { events = try store.loadSummary(learner).replayedEvents }
    best = min(best, t)
  }
  report(
    "journal replay, 100,000 events", "\(Int(Double(events) / best)) events/s",
    target: "≥ 250,000")
  // What a start-up pays for the same journal once the checkpoint the replay left is in place:
  // nothing of the journal is read or hashed while the file is as the checkpoint saw it.
  var startup = Double.infinity
  for _ in 0..<15 {
    let t = try seconds {
      let load = try store.loadSummary(learner)
      guard load.usedCheckpoint, !load.hashedPrefix else { throw CocoaError(.fileReadCorruptFile) }
    }
    startup = min(startup, t)
  }
  report(
    "  summary from the checkpoint, same journal", String(format: "%.2f ms", startup * 1000),
    target: "-")
  let lines = FileManager.default.contents(atPath: store.journalPath(for: learner))!
    .split(separator: 0x0A)
  let baseline = try seconds {
    var summary = JournalSummary()
    let decoder = JSONDecoder()
    for line in lines { summary.apply(try decoder.decode(JournalEvent.self, from: line)) }
  }
  report(
    "  for comparison: JSONDecoder loop", "\(Int(Double(lines.count) / baseline)) events/s",
    target: "-")
}

/// The `workshop` binary to time: `$WORKSHOP_BIN`, else the one built next to this one.
func workshopBinary() -> String? {
  let binary =
    ProcessInfo.processInfo.environment["WORKSHOP_BIN"]
    ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
      .appendingPathComponent("workshop").path
  guard FileManager.default.isExecutableFile(atPath: binary) else {
    print("skipped: build the binary first with `swift build -c release --product workshop`")
    return nil
  }
  return binary
}

/// `workshop list` on the bundled course, whole process, for a new learner and for one whose
/// journal holds 20,000 events.
func benchList() throws {
  guard let binary = workshopBinary() else { return }
  let progress = scratch + "/list-progress"
  let store = ProgressStore(root: progress)
  let long = try LearnerID(validating: "long-journal")
  try SyntheticJournal.write(store: store, learner: long, events: 20_000)
  _ = try store.loadSummary(long)  // leaves the checkpoint a real learner's last session would
  _ = try store.createProfile(name: "new")
  let base = [binary, "list", "--lessons", packageRoot + "/lessons", "--progress", progress]
  let fresh = ProcessTiming.run(base + ["--learner", "new"], runs: 60)
  report(
    "workshop list, whole process (new learner)",
    String(format: "%.1f ms median", ProcessTiming.median(fresh)), target: "≤ 10 ms")
  let busy = ProcessTiming.run(base + ["--learner", "long-journal"], runs: 60)
  report(
    "workshop list, 20,000-event journal",
    String(format: "%.1f ms median", ProcessTiming.median(busy)), target: "≤ 15 ms")
  let floor = ProcessTiming.run([binary, "--version"], runs: 60)
  report(
    "  for comparison: workshop --version",
    String(format: "%.1f ms median", ProcessTiming.median(floor)), target: "-")
}

/// Prints every course, lesson and question digest under a folder, to check that a change to the
/// loader leaves them as they were: `workshop-bench digests DIR [--synthetic]`.
func printDigests() throws {
  let arguments = CommandLine.arguments
  guard arguments.count >= 3 else {
    print("usage: workshop-bench digests DIR [--synthetic]")
    exit(2)
  }
  let root = arguments[2]
  if arguments.contains("--synthetic") {
    try SyntheticPack.write(to: root, lessons: 50, questions: 20)
  }
  let (library, diagnostics) = LessonLoader.load(root: root)
  for diagnostic in diagnostics { print(diagnostic) }
  for course in library.courses {
    print("course \(course.id) \(course.digest)")
    for lesson in course.lessons {
      print("  lesson \(lesson.id) \(lesson.digest) \(lesson.estimatedMinutes)")
      for question in lesson.questions { print("    question \(question.id) \(question.digest)") }
    }
  }
}

/// The learner's REPL through a pseudo-terminal.
func benchREPL() throws {
  guard let binary = workshopBinary() else { return }
  try REPLBenchmarks.run(binary: binary, lessons: packageRoot + "/lessons", scratch: scratch)
}

/// Runs async work to the end from the synchronous top level.
func waitFor(_ body: @escaping @Sendable () async -> [String]) -> [String] {
  final class Box: @unchecked Sendable { var value: [String] = [] }
  let box = Box()
  let done = DispatchSemaphore(value: 0)
  Task.detached {
    box.value = await body()
    done.signal()
  }
  done.wait()
  return box.value
}

let which = CommandLine.arguments.dropFirst().first ?? "all"
#if DEBUG
  print("note: this is a debug build; figures are only meaningful with `-c release`")
#endif
switch which {
case "lint": try benchLint()
case "replay": try benchReplay()
case "list": try benchList()
case "review": try ReviewBenchmarks.run(binary: workshopBinary(), scratch: scratch)
case "records":
  RecordsBenchmarks.run().forEach { print($0) }
  waitFor { await RecordsBenchmarks.badges() }.forEach { print($0) }
case "repl": try benchREPL()
case "digests": try printDigests()
case "startup":
  guard let binary = workshopBinary() else { break }
  try StartupBenchmarks.run(binary: binary, lessons: packageRoot + "/lessons", scratch: scratch)
case "sync":
  // Not part of `all`: it needs Ralph and takes minutes.
  let count = CommandLine.arguments.dropFirst(2).first.flatMap(Int.init) ?? 1000
  waitFor { await SyncBenchmarks.run(learners: count) }.forEach { print($0) }
case "sync-repl":
  // Not part of `all`: it needs Ralph.
  guard let binary = workshopBinary() else { break }
  SyncBenchmarks.answerPath(binary: binary, lessons: packageRoot + "/lessons", scratch: scratch).forEach { print($0) }
case "all":
  try benchLint()
  try benchReplay()
  try benchList()
  try ReviewBenchmarks.run(binary: workshopBinary(), scratch: scratch)
  RecordsBenchmarks.run().forEach { print($0) }
  waitFor { await RecordsBenchmarks.badges() }.forEach { print($0) }
  try benchREPL()
default:
  print("usage: workshop-bench [lint|replay|list|review|records|repl|startup|all|sync [learners]|sync-repl]")
  exit(2)
}
