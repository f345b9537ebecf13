import ArgumentParser
import Foundation

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
    lessons ?? ProcessInfo.processInfo.environment["WORKSHOP_LESSONS"] ?? "lessons"
  }

  var progressRoot: String {
    progress ?? ProcessInfo.processInfo.environment["WORKSHOP_PROGRESS"] ?? "progress"
  }
}
