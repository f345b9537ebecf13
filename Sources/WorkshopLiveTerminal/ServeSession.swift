import Dispatch
import Foundation
import WorkshopEngine
import WorkshopRecords
import WorkshopServer
import WorkshopTerminal

/// How `workshop serve` was asked to run.
public struct ServeLaunch: Sendable {
  public var lessonsRoot: String
  public var course: String
  public var address: String
  public var port: Int
  /// An instructor policy file (YAML) that overrides the course policy.
  public var policyPath: String?
  /// The private key that signs records; nil uses `InstructorKey.defaultPrivateKeyPath`.
  public var keyPath: String?
  public var sessionsRoot: String
  /// Start a new session even when an unfinished one of the course exists.
  public var startNew: Bool
  public var maxLearners: Int
  /// Read instructor commands from standard input.
  public var console: Bool
  /// Run once the server has stopped and the session's records are written, with the session's
  /// folder: `serve --sync` sends the records to the LRS here.
  public var afterSession: (@Sendable (_ sessionFolder: String) async -> Void)?

  public init(
    lessonsRoot: String, course: String, address: String, port: Int, policyPath: String?, keyPath: String?,
    sessionsRoot: String, startNew: Bool, maxLearners: Int, console: Bool
  ) {
    self.lessonsRoot = lessonsRoot
    self.course = course
    self.address = address
    self.port = port
    self.policyPath = policyPath
    self.keyPath = keyPath
    self.sessionsRoot = sessionsRoot
    self.startNew = startNew
    self.maxLearners = maxLearners
    self.console = console
  }
}

/// `workshop serve` on the terminal: the server runs in the background while the instructor's
/// console (`ServeConsole`) reads commands on the same host loop as the REPL.
///
/// One signal story: the loop's `TerminalSignals` owns SIGINT, SIGTERM and SIGHUP, and each of
/// them stops the server gracefully (the server itself is started without signal handlers), so
/// the session log is closed in order and the process exits when the server has stopped.
@MainActor
public enum ServeSession {
  static var loop: TerminalLoop?
  /// The course's lesson ids, for TAB after `open`; known once the course has loaded.
  static var lessonIDs: [String] = []

  /// Runs until the server stops; never returns. Exits 1 with the reason when it cannot start.
  public static func run(_ launch: ServeLaunch) -> Never {
    let (lines, input) = AsyncStream<String>.makeStream()
    let stopper = ServerStopper(input: input)
    let loop = TerminalLoop(
      terminal: TerminalInfo(), prompt: "serve> ", quiet: false,
      handlers: TerminalLoop.Handlers(
        line: { line in
          if let line { input.yield(line) } else { input.finish() }
        },
        completions: { ServeConsole.completionWords(lessonIDs: ServeSession.lessonIDs) },
        end: { stopper.stop() },
        interrupt: { stopper.stop() }))
    self.loop = loop
    loop.installSignals()
    Task.detached {
      var status: Int32 = 0
      do { try await serve(launch, lines: lines, stopper: stopper) } catch {
        say("workshop: \(error)")
        status = 1
      }
      // Queued behind every line printed so far.
      let exitStatus = status
      DispatchQueue.main.async {
        MainActor.assumeIsolated {
          // readline drew a fresh `serve> ` after the last command: take it away, or the shell's
          // prompt is written over it.
          if let loop = ServeSession.loop, loop.editor != nil {
            let erase = "\r\u{1B}[K"
            if loop.terminal.stdoutIsTTY { Console.write(erase) } else { Console.error(erase) }
          }
          ServeSession.loop?.stop()
        }
        exit(exitStatus)
      }
    }
    MainQueue.run()
  }

  /// Prints a line above the instructor's half-typed command, in the order lines were written.
  /// On a terminal, long lines (refusals, announcements) are wrapped by words at the width of the
  /// moment, unless `wrap` is false (the banner, whose columns and addresses must stay as they
  /// are); piped output keeps its lines whole.
  nonisolated static func say(_ text: String, wrap: Bool = true) {
    DispatchQueue.main.async {
      MainActor.assumeIsolated {
        var fitted = text
        if wrap, let terminal = ServeSession.loop?.terminal, terminal.stdoutIsTTY {
          fitted = TextWrap.fit(text, width: terminal.width())
        }
        if let loop = ServeSession.loop { loop.show(fitted) } else { Console.write(fitted + "\n") }
      }
    }
  }

  struct StartFailure: Error, CustomStringConvertible {
    var description: String
  }

  nonisolated static func serve(_ launch: ServeLaunch, lines: AsyncStream<String>, stopper: ServerStopper) async throws {
    let (library, diagnostics) = LessonLoader.load(root: launch.lessonsRoot)
    guard let course = library.course(id: launch.course) else {
      for d in diagnostics where d.severity == .error { Console.error(d.description + "\n") }
      let known = library.courses.map(\.id).joined(separator: ", ")
      throw StartFailure(
        description: "no course `\(launch.course)` in \(launch.lessonsRoot)" + (known.isEmpty ? "" : " (courses: \(known))"))
    }
    let lessonIDs = course.lessons.map(\.id)
    await MainActor.run { ServeSession.lessonIDs = lessonIDs }
    var settings = SessionSettings()
    if let policy = launch.policyPath {
      guard let text = try? String(contentsOfFile: policy, encoding: .utf8) else {
        throw StartFailure(description: "cannot read the policy file \(policy)")
      }
      do { settings = try SessionSettings.parse(yaml: text) } catch {
        throw StartFailure(description: "\(policy): \(error)")
      }
    }
    let signingKey: InstructorKey
    do { signingKey = try InstructorKey.load(privateKeyPath: launch.keyPath ?? InstructorKey.defaultPrivateKeyPath) } catch {
      throw StartFailure(
        description: "\(error)\nRecords are signed with the instructor's key: run `workshop keys generate` first.")
    }
    // Participants who pass get an Open Badge signed with the same key; the issuer profile
    // comes from the settings file `workshop export --format badge` reads.
    let issuer: IssuerProfile
    do { issuer = try IssuerProfile.load(configPath: IssuerProfile.configPath(nil)) } catch {
      throw StartFailure(description: "\(error)")
    }
    var limits = SessionLimits()
    limits.maxParticipants = launch.maxLearners
    limits.maxConnections = launch.maxLearners + 50

    let unfinished = launch.startNew ? nil : SessionFolders.unfinished(in: launch.sessionsRoot, course: course.id)
    let folder = unfinished ?? SessionFolders.fresh(in: launch.sessionsRoot, course: course.id)
    let options = LiveHost.Options(
      course: course, settings: settings, limits: limits, directory: folder, key: signingKey, issuer: issuer, checker: EngineChecking())
    let (host, resumed, warnings) = try await LiveHost.open(options)
    for w in warnings { say("warning: \(w)") }
    await host.startTimer()

    let address = launch.address
    let console = launch.console
    let server = LiveServer.start(
      host: host, address: address, port: launch.port, limits: limits, handlesSignals: false,
      onServerRunning: { port in
        say(
          await Banner.text(host: host, address: address, port: port, folder: folder, resumed: resumed, console: console),
          wrap: false)
      })
    await stopper.started(server)
    let announcements = await host.announcements()
    let printer = Task {
      for await line in announcements { say("· " + line) }
    }
    if console {
      await MainActor.run { ServeSession.loop?.startInput() }
      let quit = await ServeConsole(host: host).run(lines: lines)
      if !quit, !stopper.requested {
        // No more input (standard input closed): keep serving until stopped.
        try? await server.finished()
      }
    } else {
      try? await server.finished()
    }
    try? await server.stop()
    printer.cancel()
    await host.stop()
    await launch.afterSession?(folder)
  }
}

/// Stops the server once, whenever asked: before it has started (it then stops as soon as it
/// starts) or while it runs. Asking also ends the console's input.
final class ServerStopper: @unchecked Sendable {
  private let lock = NSLock()
  private var server: LiveServer.Running?
  private var stopRequested = false
  private let input: AsyncStream<String>.Continuation

  init(input: AsyncStream<String>.Continuation) { self.input = input }

  var requested: Bool { lock.withLock { stopRequested } }

  func started(_ server: LiveServer.Running) async {
    let stopNow = lock.withLock {
      self.server = server
      return stopRequested
    }
    if stopNow { try? await server.stop() }
  }

  func stop() {
    let server: LiveServer.Running? = lock.withLock {
      guard !stopRequested else { return nil }
      stopRequested = true
      return self.server
    }
    input.finish()
    if let server { Task { try? await server.stop() } }
  }
}
