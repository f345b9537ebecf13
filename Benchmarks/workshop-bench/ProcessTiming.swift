import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Whole-process timings: spawn a command, wait for it, repeat, report the median.
enum ProcessTiming {
  /// Runs `arguments` `runs` times (after `warmups` untimed runs) and returns each run's wall time
  /// in milliseconds, sorted.
  static func run(
    _ arguments: [String], environment: [String: String] = [:], runs: Int, warmups: Int = 5
  ) -> [Double] {
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    let envp = env.map { "\($0)=\($1)" }
    var times: [Double] = []
    for i in 0..<(warmups + runs) {
      let start = ContinuousClock.now
      spawnAndWait(arguments, envp)
      let d = ContinuousClock.now - start
      if i >= warmups {
        let c = d.components
        times.append(Double(c.seconds) * 1000 + Double(c.attoseconds) / 1e15)
      }
    }
    return times.sorted()
  }

  /// Runs the command to its end and returns its peak resident memory in KiB.
  @discardableResult
  static func spawnAndWait(_ arguments: [String], _ envp: [String]) -> Int {
    var fileActions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&fileActions)
    defer { posix_spawn_file_actions_destroy(&fileActions) }
    posix_spawn_file_actions_addopen(&fileActions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&fileActions, 2, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
    var pid: pid_t = 0
    let argv = arguments.map { strdup($0) } + [nil]
    let env = envp.map { strdup($0) } + [nil]
    defer {
      argv.forEach { free($0) }
      env.forEach { free($0) }
    }
    let rc = posix_spawn(&pid, arguments[0], &fileActions, nil, argv, env)
    precondition(rc == 0, "could not start \(arguments[0]): \(String(cString: strerror(rc)))")
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    return usage.ru_maxrss
  }

  static func median(_ sorted: [Double]) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let n = sorted.count
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
  }
}
