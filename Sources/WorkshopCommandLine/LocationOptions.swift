import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

/// Where lessons and progress live; every command of both executables takes these.
public struct LocationOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "Folder of courses (default: $WORKSHOP_LESSONS, else ./lessons).", valueName: "dir"))
  public var lessons: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Folder of learners' progress (default: $WORKSHOP_PROGRESS, else ./progress).",
      valueName: "dir"))
  public var progress: String?

  public init() {}

  public var lessonsRoot: String {
    lessons ?? environment("WORKSHOP_LESSONS") ?? "lessons"
  }

  public var progressRoot: String {
    progress ?? environment("WORKSHOP_PROGRESS") ?? "progress"
  }

  // Every command takes these options, so this is where a mistyped clock override is caught.
  public func validate() throws {
    if let problem = WorkshopClock.environmentProblem { throw ValidationError(problem) }
  }
}

/// One environment variable, without copying the whole environment.
public func environment(_ name: String) -> String? {
  ProcessControl.environment(name)
}
