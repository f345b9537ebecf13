import ArgumentParser
import WorkshopCommandLine
import WorkshopEngine

/// The live-session half of workshop: `workshop serve` and `workshop join` start this program.
@main
struct WorkshopLive: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "workshop",
    abstract: "Live sessions: run one for a room (serve) or take part in one (join).",
    version: WorkshopVersion.current,
    subcommands: [ServeCommand.self, JoinCommand.self]
  )
}
