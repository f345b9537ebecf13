import ArgumentParser
import Foundation
import WorkshopEngine

/// Where lessons and progress live; every command takes these.
struct LocationOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "Folder of courses (default: $WORKSHOP_LESSONS, else ./lessons).", valueName: "dir"))
  var lessons: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Folder of learners' progress (default: $WORKSHOP_PROGRESS, else ./progress).",
      valueName: "dir"))
  var progress: String?

  var lessonsRoot: String {
    lessons ?? environment("WORKSHOP_LESSONS") ?? "lessons"
  }

  var progressRoot: String {
    progress ?? environment("WORKSHOP_PROGRESS") ?? "progress"
  }

  // Every command takes these options, so this is where a mistyped clock override is caught.
  func validate() throws {
    if let problem = WorkshopClock.environmentProblem { throw ValidationError(problem) }
  }
}

/// One environment variable. `ProcessInfo.environment` copies the whole environment into a
/// dictionary on every call, which start-up commands do not need.
func environment(_ name: String) -> String? {
  getenv(name).map { String(cString: $0) }
}
