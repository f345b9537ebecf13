import ArgumentParser
import WorkshopCommandLine
import WorkshopLiveTerminal
import WorkshopServer

/// `workshop join HOST:PORT --code CODE --name NAME`: take part in an instructor's live session.
struct JoinCommand: ParsableCommand {
  static let configuration = LiveCommands.join

  @OptionGroup var location: LocationOptions

  @Argument(help: ArgumentHelp("The address the instructor gave, e.g. 192.168.1.20:8080.", valueName: "host:port"))
  var address: String

  @Option(name: .long, help: ArgumentHelp("The join code.", valueName: "code"))
  var code: String

  @Option(name: .long, help: ArgumentHelp("Your name, as the instructor will see it.", valueName: "name"))
  var name: String

  @Option(name: .long, help: ArgumentHelp("Your learner id or name in the progress folder (default: from --name).", valueName: "id"))
  var learner: String?

  @Flag(name: .long, help: "Screen-reader friendly output: no colour, symbols or cursor tricks.")
  var plain = false

  @Flag(name: .long, help: "No colour (also when NO_COLOR is set).")
  var noColor = false

  func validate() throws {
    guard address.contains(":"), !address.contains("/") else {
      throw ValidationError("give the address as HOST:PORT, e.g. 127.0.0.1:8080")
    }
    if case .failure(let problem) = NameRules.validate(name, maxLength: 40) { throw ValidationError(problem.message) }
  }

  func run() throws {
    let launch = JoinLaunch(
      address: address, code: code, name: name, learner: learner, progressRoot: location.progressRoot, plain: plain,
      noColor: noColor)
    MainActor.assumeIsolated { JoinSession.run(launch) }
  }
}
