import Foundation
import WorkshopEngine
import WorkshopTestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// Start-up against a bare Foundation program built the same way, as ratios from one run: the
/// commands alternate with the bare program, so load on the machine moves both alike.
///
/// `BARE_BIN` names the yardstick (default: `bare-foundation` next to this benchmark). Measure both
/// as they are installed: `scripts/release-build --product workshop`, then
/// `WORKSHOP_LINKER=bfd scripts/release-build --product bare-foundation` (GNU ld drops the ICU
/// tables that lld keeps in a program linking all of Foundation), each put through
/// `scripts/install-stripped`.
enum StartupBenchmarks {
  static func run(binary: String, lessons: String, scratch: String, runs: Int = 40) throws {
    let bare =
      ProcessInfo.processInfo.environment["BARE_BIN"]
      ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("bare-foundation").path
    guard FileManager.default.isExecutableFile(atPath: bare) else {
      print("skipped: build the yardstick first with `scripts/release-build --product bare-foundation`")
      return
    }
    let progress = scratch + "/startup-progress"
    let cache = scratch + "/startup-cache"
    let environment = ["WORKSHOP_CACHE": cache]
    let commands: [(name: String, arguments: [String])] = [
      ("bare Foundation program", [bare]),
      ("workshop --version", [binary, "--version"]),
      ("workshop list", [binary, "list", "--lessons", lessons, "--progress", progress, "--learner", "new"]),
    ]
    let loadBefore = loadAverage()
    var times = Array(repeating: [Double](), count: commands.count)
    var peakKB = Array(repeating: 0, count: commands.count)
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    let envp = env.map { "\($0)=\($1)" }
    for i in 0..<(runs + 5) {
      for (c, command) in commands.enumerated() {
        let start = ContinuousClock.now
        ProcessTiming.spawnAndWait(command.arguments, envp)
        let elapsed = REPLBenchmarks.milliseconds(ContinuousClock.now - start)
        if i >= 5 { times[c].append(elapsed) }
        if i < 5 { peakKB[c] = max(peakKB[c], peakResidentKB(command.arguments, envp)) }
      }
    }
    let medians = times.map { ProcessTiming.median($0.sorted()) }
    let bareMedian = medians[0]
    report(
      "bare Foundation program (the yardstick)",
      String(format: "%.2f ms median, peak %.1f MiB", bareMedian, Double(peakKB[0]) / 1024), target: "-")
    let targets = ["", "≤ 1.3×", "≤ 1.6×"]
    for c in 1..<commands.count {
      report(
        commands[c].name,
        String(format: "%.2f ms median (%.2f× bare), peak %.1f MiB", medians[c], medians[c] / bareMedian, Double(peakKB[c]) / 1024),
        target: targets[c])
    }

    // The REPL's launches alternate with the yardstick's, so its ratio is against bare runs
    // taken under the same load.
    var bareBetween: [Double] = []
    let sessions = try REPLBenchmarks.measure(binary: binary, lessons: lessons, scratch: scratch, runs: runs / 2) {
      let start = ContinuousClock.now
      ProcessTiming.spawnAndWait([bare], envp)
      bareBetween.append(REPLBenchmarks.milliseconds(ContinuousClock.now - start))
    }
    let replLaunch = ProcessTiming.median(sessions.launch.sorted())
    let bareAlongside = ProcessTiming.median(bareBetween.dropFirst(3).sorted())
    let repl = (launchMedian: replLaunch, peakKB: sessions.peakKB.max() ?? 0)
    report(
      "REPL: launch to first question (pty)",
      String(
        format: "%.2f ms median (%.2f× bare start, %.2f ms alongside)", replLaunch, replLaunch / bareAlongside,
        bareAlongside),
      target: "≤ 2×")
    report(
      "REPL: peak resident memory",
      String(format: "%.1f MiB (bare + %.1f MiB)", Double(repl.peakKB) / 1024, Double(repl.peakKB - peakKB[0]) / 1024),
      target: "≤ bare + 6 MiB")
    let size = (try? FileManager.default.attributesOfItem(atPath: binary)[.size] as? Int) ?? 0
    report("workshop binary size", String(format: "%.1f MB", Double(size) / 1_000_000), target: "≤ 40 MB stripped")
    print(String(format: "load average (1 min): %.2f at the start, %.2f at the end", loadBefore, loadAverage()))
  }

  /// The command's peak resident memory, taken through /usr/bin/time: a spawned child's own
  /// `ru_maxrss` also counts the memory of the process that spawned it (its address space until
  /// the exec), which here is the benchmark's. Zero when /usr/bin/time is missing.
  static func peakResidentKB(_ arguments: [String], _ envp: [String]) -> Int {
    let time = "/usr/bin/time"
    guard FileManager.default.isExecutableFile(atPath: time) else { return 0 }
    let output = NSTemporaryDirectory() + "workshop-bench-peak-\(getpid())"
    defer { unlink(output) }
    ProcessTiming.spawnAndWait([time, "-f", "%M", "-o", output] + arguments, envp)
    let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    return Int(text.split(separator: "\n").last.map(String.init) ?? "") ?? 0
  }

  /// Other work on the machine moves wall times; the figures are kept with the load they met.
  static func loadAverage() -> Double {
    var load = [0.0, 0.0, 0.0]
    return getloadavg(&load, 3) > 0 ? load[0] : .nan
  }
}
