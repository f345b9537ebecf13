import ArgumentParser
import Foundation
import WorkshopCommandLine
import WorkshopLiveTerminal
import WorkshopSync

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

  @Flag(
    name: .long,
    help: "When the session ends, send its records to the LRS (settings as for `workshop sync`).")
  var sync = false

  func run() throws {
    var launch = ServeLaunch(
      lessonsRoot: location.lessonsRoot, course: course, address: host, port: port, policyPath: policy, keyPath: key,
      sessionsRoot: sessions, startNew: new, maxLearners: maxLearners, console: !noConsole)
    if sync {
      // Bad settings stop `serve` before the room opens, not after the session has ended.
      let settings: LRSSettings
      do { settings = try LRSSettingsSources().resolve() } catch {
        CLIOutput.error("--sync: \(error.description)")
        throw ExitCode(64)
      }
      let lessonsRoot = location.lessonsRoot
      launch.afterSession = { folder in
        let records = (folder as NSString).appendingPathComponent("records")
        guard FileManager.default.fileExists(atPath: records) else { return }
        _ = await SyncOutput.sync(
          .records(folder: records, lessonsRoot: lessonsRoot), settings: settings, retryRefused: false)
      }
    }
    let ready = launch
    MainActor.assumeIsolated { ServeSession.run(ready) }
  }
}
