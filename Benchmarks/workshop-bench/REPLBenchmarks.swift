import Foundation
import WorkshopEngine
import WorkshopTestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// The learner's REPL on the bundled course, driven through a pseudo-terminal as a learner's
/// terminal would drive it: launch to the first question, answer to feedback, peak memory.
enum REPLBenchmarks {
  static let lesson = "openness-and-access"

  struct Measured {
    var launch: [Double] = []
    var feedback: [Double] = []
    var peakKB: [Int] = []
  }

  static func run(binary: String, lessons: String, scratch: String, runs: Int = 30) throws {
    let m = try measure(binary: binary, lessons: lessons, scratch: scratch, runs: runs)
    let fsync = fsyncMilliseconds(directory: scratch, runs: runs)
    let launch = m.launch.sorted()
    let feedback = m.feedback.sorted()
    let peakKB = m.peakKB
    report(
      "REPL: launch to first question (pty)",
      String(format: "%.1f ms median", ProcessTiming.median(launch)), target: "≤ 15 ms")
    let feedbackMedian = ProcessTiming.median(feedback)
    report(
      "REPL: answer to feedback shown (pty)",
      String(format: "%.2f ms median; fsync alone %.2f ms; beyond fsync %.2f ms", feedbackMedian, fsync, feedbackMedian - fsync),
      target: "≤ 1 ms beyond fsync")
    report(
      "REPL: peak resident memory",
      String(format: "%.1f MB (max of runs)", Double(peakKB.max() ?? 0) / 1024), target: "≤ 25 MB")
  }

  /// `options` and `environment` are added to each timed session (not to the set-up run).
  /// `between` runs after each session has ended (the start-up benchmark times its yardstick
  /// there, so the two alternate).
  static func measure(
    binary: String, lessons: String, scratch: String, runs: Int, options: [String] = [],
    environment: [String: String] = [:], between: () -> Void = {}
  ) throws -> Measured {
    // Folders of their own for each call and each run: with --sync, a session's companion can
    // still be finishing in its progress folder for a moment after the session has exited.
    let pristine = scratch + "/repl-pristine-\(UUID().uuidString)"
    let cache = scratch + "/repl-cache"
    // A learner who read the first page and stopped: the next launch resumes at question 1.
    let setup = Process()
    setup.executableURL = URL(fileURLWithPath: binary)
    setup.arguments = ["start", lesson, "--learner", "bench", "--lessons", lessons, "--progress", pristine]
    setup.environment = ["WORKSHOP_CACHE": cache, "PATH": "/usr/bin:/bin"]
    let input = Pipe()
    setup.standardInput = input
    setup.standardOutput = FileHandle.nullDevice
    try setup.run()
    input.fileHandleForWriting.write(Data("\n".utf8))
    try input.fileHandleForWriting.close()
    setup.waitUntilExit()

    var launch: [Double] = []
    var feedback: [Double] = []
    var peakKB: [Int] = []
    for i in 0..<(runs + 3) {
      let progress = scratch + "/repl-run-\(UUID().uuidString)"
      try FileManager.default.copyItem(atPath: pristine, toPath: progress)
      defer { try? FileManager.default.removeItem(atPath: progress) }
      let start = ContinuousClock.now
      let terminal = try PseudoTerminal(
        binary, ["start", lesson, "--learner", "bench", "--lessons", lessons, "--progress", progress] + options,
        environment: environment.merging(["WORKSHOP_CACHE": cache]) { _, fixed in fixed })
      guard terminal.waitFor("question 1 of", timeout: 10) else {
        throw CocoaError(.featureUnsupported, userInfo: ["output": terminal.output])
      }
      let shown = ContinuousClock.now
      terminal.waitFor(terminal.prompt, timeout: 10)
      let before = terminal.mark
      let sent = ContinuousClock.now
      terminal.send("t\r", midLine: true)
      // The end of the feedback, whether the answer was right or not.
      guard terminal.waitFor("Press Enter to continue", after: before, timeout: 10) else {
        throw CocoaError(.featureUnsupported, userInfo: ["output": terminal.output])
      }
      let answered = ContinuousClock.now
      let peak = peakResidentKB(terminal.pid)
      terminal.send("\u{04}", midLine: true)
      // With --sync the end of the session may spend up to 5 s on a last round.
      _ = terminal.waitForExit(timeout: 20)
      if i >= 3 {  // the first runs warm the snapshot and the page cache
        launch.append(milliseconds(shown - start))
        feedback.append(milliseconds(answered - sent))
        peakKB.append(peak)
      }
      between()
    }
    return Measured(launch: launch, feedback: feedback, peakKB: peakKB)
  }

  /// The median time to append one journal-sized line and fsync it, in the same file system.
  static func fsyncMilliseconds(directory: String, runs: Int) -> Double {
    let path = directory + "/fsync-probe"
    let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
    defer {
      close(fd)
      unlink(path)
    }
    let line = Array((String(repeating: "x", count: 400) + "\n").utf8)
    var times: [Double] = []
    for _ in 0..<runs {
      let start = ContinuousClock.now
      _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      fsync(fd)
      times.append(milliseconds(ContinuousClock.now - start))
    }
    return ProcessTiming.median(times.sorted())
  }

  /// VmHWM of a running process: the most memory it has had resident.
  static func peakResidentKB(_ pid: pid_t) -> Int {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else {
      return 0
    }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
      return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    }
    return 0
  }

  static func milliseconds(_ d: Duration) -> Double {
    let c = d.components
    return Double(c.seconds) * 1000 + Double(c.attoseconds) / 1e15
  }
}
