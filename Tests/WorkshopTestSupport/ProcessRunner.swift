import Foundation

/// Runs a program with the given standard input and collects what it printed.
public struct ProcessResult: Sendable {
  public var status: Int32
  public var stdout: String
  public var stderr: String
}

public enum ProcessRunner {
  /// An executable a test has just copied can be briefly "busy" (ETXTBSY): another test thread that
  /// forks at that moment hands its child a copy of the copier's write descriptor, held until that
  /// child execs, and the kernel refuses to run a file open for writing. The launch is retried for
  /// up to ten seconds: on a loaded machine that child can take seconds to reach its exec.
  public static func run(
    _ executable: String, _ arguments: [String], input: String = "",
    environment: [String: String] = [:], currentDirectory: String? = nil
  ) throws -> ProcessResult {
    var attempts = 0
    while true {
      do {
        return try runOnce(
          executable, arguments, input: input, environment: environment, currentDirectory: currentDirectory)
      } catch let error as NSError where attempts < 500 && isTextFileBusy(error) {
        attempts += 1
        Thread.sleep(forTimeInterval: 0.02)
      }
    }
  }

  private static func isTextFileBusy(_ error: NSError) -> Bool {
    if error.domain == NSPOSIXErrorDomain && error.code == Int(ETXTBSY) { return true }
    guard let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError else { return false }
    return isTextFileBusy(underlying)
  }

  private static func runOnce(
    _ executable: String, _ arguments: [String], input: String,
    environment: [String: String], currentDirectory: String?
  ) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for key in [
      "WORKSHOP_LEARNER", "WORKSHOP_LESSONS", "WORKSHOP_PROGRESS", "WORKSHOP_NOW", "NO_COLOR", "COLUMNS",
    ] {
      env[key] = nil
    }
    env.merge(environment) { _, new in new }
    process.environment = env
    if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    // Read both streams while the child runs so neither pipe can fill up and block it.
    let group = DispatchGroup()
    let out = Collected()
    let err = Collected()
    group.enter()
    DispatchQueue.global().async {
      out.set(stdout.fileHandleForReading.readDataToEndOfFile())
      group.leave()
    }
    group.enter()
    DispatchQueue.global().async {
      err.set(stderr.fileHandleForReading.readDataToEndOfFile())
      group.leave()
    }
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try? stdin.fileHandleForWriting.close()
    group.wait()
    process.waitUntilExit()
    return ProcessResult(
      status: process.terminationStatus, stdout: String(decoding: out.get(), as: UTF8.self),
      stderr: String(decoding: err.get(), as: UTF8.self))
  }
}

final class Collected: @unchecked Sendable {
  private let lock = NSLock()
  private var data = Data()
  func set(_ d: Data) { lock.withLock { data = d } }
  func get() -> Data { lock.withLock { data } }
}
