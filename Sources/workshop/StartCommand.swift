import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopCommandLine
import WorkshopEngine
import WorkshopTerminal

/// Options every session command shares.
struct SessionFlags: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "Learner name or id; skips the question (default: $WORKSHOP_LEARNER).", valueName: "name"))
  var learner: String?

  @Flag(
    name: .long,
    help: "Screen-reader mode: no colour, symbols or cursor movement; every state in words.")
  var plain = false

  @Flag(name: .customLong("no-color"), help: "No colour or text styles (also NO_COLOR=1).")
  var noColor = false

  @Flag(
    name: .long,
    help: "Send statements to the LRS in the background while you work (settings as for `workshop sync`).")
  var sync = false

  func launch(_ location: LocationOptions, lesson: String? = nil, resume: Bool = false) throws
    -> SessionLaunch
  {
    var launch = SessionLaunch(
      lessonsRoot: location.lessonsRoot, progressRoot: location.progressRoot, learner: learner,
      lesson: lesson, plain: plain, noColor: noColor)
    launch.resume = resume
    if sync {
      // Bad settings stop the session before it starts, not after the learner's first answer.
      do {
        launch.follower = try CompanionSync.start(
          progressRoot: location.progressRoot, lessonsRoot: location.lessonsRoot)
      } catch .missing {
        StandardStreams.writeError(LiveCompanion.notFound(needing: "`--sync` sends through"))
        throw ExitCode(1)
      } catch .settings(let problem) {
        CLIOutput.error("--sync: \(problem)")
        throw ExitCode(64)
      } catch .notStarted(let problem) {
        CLIOutput.error("--sync: \(problem)")
        throw ExitCode(1)
      }
    }
    return launch
  }
}

// Each command names itself: a name left to Argument Parser is derived from the type's name with
// `String(describing:)`, which searches every protocol conformance in the binary, at every start.
extension Workshop {
  struct Learn: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "learn",
      abstract: "Open the interactive session: pick a lesson, or continue where you left off.",
      discussion: """
        This is what plain `workshop` runs. Type help inside the session for its commands.
        With input from a file or pipe, each line is one thing typed; no prompts are printed.
        """)

    @OptionGroup var location: LocationOptions
    @OptionGroup var session: SessionFlags

    func run() throws {
      let launch = try session.launch(location)
      MainActor.assumeIsolated { SessionHost.run(launch) }
    }
  }

  struct Start: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "start",
      abstract: "Run one lesson, resuming it if it is in progress.",
      discussion: """
        Answers can come from a file, one per line:
          workshop start openness-and-access --learner ana < answers.txt
        """)

    @Argument(help: ArgumentHelp("The lesson's id (see `workshop list`).", valueName: "lesson-id"))
    var lessonID: String

    @OptionGroup var location: LocationOptions
    @OptionGroup var session: SessionFlags

    func run() throws {
      let launch = try session.launch(location, lesson: lessonID)
      MainActor.assumeIsolated { SessionHost.run(launch) }
    }
  }

  struct Continue: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "continue",
      abstract: "Go straight back to the page or question where you stopped.")

    @OptionGroup var location: LocationOptions
    @OptionGroup var session: SessionFlags

    func run() throws {
      let launch = try session.launch(location, resume: true)
      MainActor.assumeIsolated { SessionHost.run(launch) }
    }
  }
}
