import ArgumentParser
import WorkshopEngine

@main
struct Workshop: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "workshop",
    abstract: "Terminal lessons and quizzes, with progress saved after every answer.",
    version: WorkshopVersion.current,
    subcommands: [
      Learn.self,
      Start.self,
      Continue.self,
      ReviewCommand.self,
      List.self,
      ProgressCommand.self,
      Lint.self,
      Preview.self,
      ExportCommand.self,
      VerifyCommand.self,
      RosterCommand.self,
      SyncCommand.self,
      ServeCommand.self,
      JoinCommand.self,
      KeysCommand.self,
    ],
    defaultSubcommand: Learn.self
  )

  static func main() {
    LiveCompanion.execIfLiveCommand(Array(CommandLine.arguments.dropFirst()))
    main(nil)
  }
}
