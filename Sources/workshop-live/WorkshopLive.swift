import ArgumentParser
import WorkshopCommandLine
import WorkshopEngine

/// The networked half of workshop: `workshop serve`, `workshop join` and `workshop sync` start
/// this program.
@main
struct WorkshopLive: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "workshop",
    abstract:
      "Live sessions: run one for a room (serve) or take part in one (join); send records to an LRS (sync).",
    version: WorkshopVersion.current,
    subcommands: [ServeCommand.self, JoinCommand.self, SyncCommand.self]
  )
}
