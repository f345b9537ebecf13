import ArgumentParser
import WorkshopCommandLine
import WorkshopLiveTerminal

/// `workshop serve`: run a live session for a room, from this terminal and a browser page.
struct ServeCommand: ParsableCommand {
  static let configuration = LiveCommands.serve

  @OptionGroup var location: LocationOptions

  @Option(name: .long, help: ArgumentHelp("The course to run.", valueName: "id"))
  var course: String

  @Option(name: .long, help: ArgumentHelp("Address to listen on.", valueName: "address"))
  var host = "127.0.0.1"

  @Option(name: .long, help: ArgumentHelp("Port to listen on (0: any free port).", valueName: "n"))
  var port = 8080

  @Option(name: .long, help: ArgumentHelp("Instructor policy file (YAML) that overrides the course policy.", valueName: "file"))
  var policy: String?

  @Option(name: .long, help: ArgumentHelp("Private key that signs the records (default: $WORKSHOP_KEY, else ~/.workshop/instructor.key).", valueName: "file"))
  var key: String?

  @Option(name: .long, help: ArgumentHelp("Folder of session logs, rosters and records (default: ./sessions).", valueName: "dir"))
  var sessions = "sessions"

  @Flag(name: .long, help: "Start a new session even if an unfinished one of this course exists.")
  var new = false

  @Option(name: .long, help: ArgumentHelp("Most learners in the room.", valueName: "n"))
  var maxLearners = 1_000

  @Flag(name: .long, help: "Read no commands from the terminal (for scripts; stop with Ctrl-C or SIGTERM).")
  var noConsole = false

  func run() throws {
    let launch = ServeLaunch(
      lessonsRoot: location.lessonsRoot, course: course, address: host, port: port, policyPath: policy, keyPath: key,
      sessionsRoot: sessions, startNew: new, maxLearners: maxLearners, console: !noConsole)
    MainActor.assumeIsolated { ServeSession.run(launch) }
  }
}
