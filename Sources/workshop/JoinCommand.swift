import ArgumentParser
import Foundation
import WorkshopEngine
import WorkshopRecords
import WorkshopServer
import WorkshopTerminal

/// `workshop join HOST:PORT --code CODE --name NAME`: take part in an instructor's live session.
struct JoinCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "join",
    abstract: "Join an instructor's live session on this network.",
    discussion: """
      The instructor sets the pace: questions open, close and are revealed from the front of \
      the room. Type your answer at the prompt (a letter, several letters, true/false, a word \
      or a number, as the question asks); `hint`, `skip`, `next`, `back` and `quit` also work. \
      If the connection drops, workshop reconnects by itself and nothing is lost; running the \
      same command again also picks up where you were. Your answers go into your own progress \
      journal as the server acknowledges them (`workshop progress` shows the lesson), and at \
      the end your signed record is saved in your progress folder.
      """
  )

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
    let store = ProgressStore(root: location.progressRoot)
    let target = learner ?? name
    let profile: LearnerProfile
    let journal: JournalWriter
    do {
      if let id = store.resolveLearner(target), let existing = store.profile(id) {
        profile = existing
      } else {
        profile = try store.createProfile(name: target)
      }
      journal = try store.openJournal(profile.id)
    } catch let error as JournalError {
      if case .locked = error {
        Console.error("workshop: \(error)\nThe live session writes to the same progress journal: leave the other session first.\n")
      } else {
        Console.error("workshop: cannot open your progress journal: \(error)\n")
      }
      throw ExitCode(1)
    } catch {
      Console.error("workshop: \(error)\n")
      throw ExitCode(1)
    }
    let setup = JoinSession.Setup(
      address: address, code: code, name: name, folder: store.directory(for: profile.id),
      plain: plain, noColor: noColor)
    MainActor.assumeIsolated { JoinSession.run(setup, journal: journal) }
  }
}

/// The token of the seat this learner holds in a session, so a new `workshop join` resumes it.
struct SavedSeat: Codable {
  var address: String
  var code: String
  var token: String
  var session: String?

  static func path(_ folder: String) -> String { (folder as NSString).appendingPathComponent("live-session.json") }

  static func load(folder: String) -> SavedSeat? {
    guard let data = FileManager.default.contents(atPath: path(folder)) else { return nil }
    return try? JSONDecoder().decode(SavedSeat.self, from: data)
  }

  func save(folder: String) {
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    guard let data = try? JSONEncoder().encode(self) else { return }
    _ = FileManager.default.createFile(atPath: Self.path(folder), contents: data, attributes: [.posixPermissions: 0o600])
  }
}

/// Runs async work from a synchronous command, keeping the main thread free of it.
func runBlocking(_ body: @escaping @Sendable () async throws -> Void) throws {
  final class Box: @unchecked Sendable { var error: (any Error)? }
  let box = Box()
  let done = DispatchSemaphore(value: 0)
  Task.detached {
    do { try await body() } catch { box.error = error }
    done.signal()
  }
  done.wait()
  if let error = box.error { throw error }
}
