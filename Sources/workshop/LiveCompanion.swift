import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopCommandLine
import WorkshopEngine

/// Hands `serve`, `join` and `sync` to the companion executable, which replaces this process
/// (`exec`): the learner's `workshop` never loads the network stack, and the user types the same
/// commands.
enum LiveCompanion {
  /// Replaces this process with `workshop-live ARGUMENTS` when the first argument is a live
  /// command (or `help` followed by one); otherwise returns.
  static func execIfLiveCommand(_ arguments: [String]) {
    guard let first = arguments.first else { return }
    var forwarded = arguments
    if first == "help", arguments.count > 1, LiveCommands.names.contains(arguments[1]) {
      forwarded = [arguments[1], "--help"]
    } else if !LiveCommands.names.contains(first) {
      return
    }
    guard let path = locate() else {
      StandardStreams.writeError(notFound(first))
      ProcessControl.exit(1)
    }
    let reason = ProcessControl.replaceProcess(with: path, arguments: [path] + forwarded)
    StandardStreams.writeError("workshop: could not start \(path): \(reason)\n")
    ProcessControl.exit(1)
  }

  /// Beside this executable first (an install or a build folder keeps the two together), then
  /// on PATH.
  static func locate() -> String? {
    let fm = FileManager.default
    let name = LiveCommands.executable
    if let own = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
      let beside = FilePath.join(FilePath.parent(own), name)
      if fm.isExecutableFile(atPath: beside) { return beside }
    }
    let beside = FilePath.join(FilePath.parent(CommandLine.arguments[0]), name)
    if CommandLine.arguments[0].contains("/"), fm.isExecutableFile(atPath: beside) { return beside }
    for folder in (environment("PATH") ?? "").split(separator: ":") where !folder.isEmpty {
      let candidate = FilePath.join(String(folder), name)
      if fm.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }

  static func notFound(_ command: String) -> String {
    notFound(needing: "`workshop \(command)` runs")
  }

  /// `needing` says what needs the companion, e.g. "`workshop serve` runs".
  static func notFound(needing: String) -> String {
    """
    workshop: \(needing) the companion program \(LiveCommands.executable) (live sessions \
    and LRS sync), which is neither beside workshop nor on PATH.
    Install it next to workshop (see "Install" in the README), or put its folder on PATH.

    """
  }
}

/// `workshop serve`, listed in `workshop --help`; the companion executable does the work.
struct ServeCommand: ParsableCommand {
  static let configuration = LiveCommands.serve
  @Argument(parsing: .captureForPassthrough) var arguments: [String] = []
  func run() { LiveCompanion.execIfLiveCommand(["serve"] + arguments) }
}

/// `workshop join`, listed in `workshop --help`; the companion executable does the work.
struct JoinCommand: ParsableCommand {
  static let configuration = LiveCommands.join
  @Argument(parsing: .captureForPassthrough) var arguments: [String] = []
  func run() { LiveCompanion.execIfLiveCommand(["join"] + arguments) }
}

/// `workshop sync`, listed in `workshop --help`; the companion executable does the work.
struct SyncCommand: ParsableCommand {
  static let configuration = LiveCommands.sync
  @Argument(parsing: .captureForPassthrough) var arguments: [String] = []
  func run() { LiveCompanion.execIfLiveCommand(["sync"] + arguments) }
}
