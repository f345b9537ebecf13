import ArgumentParser
import Foundation
import WorkshopCommandLine
import WorkshopRecords
import WorkshopSync

/// `workshop sync`: send learners' xAPI statements to a Learning Record Store.
struct SyncCommand: ParsableCommand {
  static let configuration = LiveCommands.sync

  @OptionGroup var location: LocationOptions

  @Option(help: ArgumentHelp("A learner to sync (a name or id; repeat for more).", valueName: "name"))
  var learner: [String] = []

  @Flag(help: "Every learner in the progress folder.")
  var all = false

  @Option(help: ArgumentHelp("The course id (with --learner or --all).", valueName: "id"))
  var course: String?

  @Option(help: ArgumentHelp("A live session's folder of signed records, e.g. sessions/…/records.", valueName: "dir"))
  var records: String?

  @Flag(help: "Read the learners' statements back from the LRS and report differences; send nothing.")
  var check = false

  @Flag(help: "Send again the statements the LRS refused earlier (after fixing the cause).")
  var retryRefused = false

  @Option(help: ArgumentHelp("The LRS's xAPI base URL (default: $WORKSHOP_LRS_ENDPOINT).", valueName: "url"))
  var endpoint: String?

  @Option(help: ArgumentHelp("HTTP Basic user (default: $WORKSHOP_LRS_USERNAME).", valueName: "name"))
  var username: String?

  @Option(help: ArgumentHelp("File holding the password (default: $WORKSHOP_LRS_PASSWORD).", valueName: "file"))
  var passwordFile: String?

  @Option(help: ArgumentHelp("File holding a bearer token (default: $WORKSHOP_LRS_TOKEN).", valueName: "file"))
  var tokenFile: String?

  @Option(help: ArgumentHelp("Settings file (default: $WORKSHOP_LRS_CONFIG, else ~/.workshop/lrs.conf).", valueName: "file"))
  var config: String?

  @Option(help: ArgumentHelp("Absolute IRI under which activity ids are made (as in export).", valueName: "iri"))
  var activityBase: String?

  @Option(help: ArgumentHelp("The actor account's homePage (as in export).", valueName: "iri"))
  var homePage: String?

  @Flag(help: "Put the learner's name in each statement's actor (only the opaque id otherwise).")
  var includeNames = false

  @Option(help: ArgumentHelp("Statements per request (default 100).", valueName: "n"))
  var batchSize: Int?

  @Option(help: ArgumentHelp("Tries per request before leaving statements for later (default 5).", valueName: "n"))
  var attempts: Int?

  @Option(help: ArgumentHelp("Seconds to wait for each answer (default 30).", valueName: "s"))
  var timeout: Int?

  /// `workshop … --sync` starts this to send in the background of a learner's session.
  @Flag(name: .customLong(String(SyncFollowing.option.dropFirst(2))), help: .hidden)
  var follow = false

  func validate() throws {
    if follow {
      // Settings as `workshop sync` reads them without options, so the session's and a later
      // `workshop sync`'s agree.
      guard learner.isEmpty, !all, records == nil, course == nil, !check, endpoint == nil, username == nil,
        passwordFile == nil, tokenFile == nil, config == nil
      else { throw ValidationError("\(SyncFollowing.option) takes only --lessons and --progress") }
      return
    }
    let sources = (learner.isEmpty ? 0 : 1) + (all ? 1 : 0) + (records == nil ? 0 : 1)
    guard sources == 1 else { throw ValidationError("say what to sync: --learner NAME, --all, or --records DIR") }
    if records == nil, course == nil { throw ValidationError("--course is needed with --learner or --all") }
    if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1") }
    if let attempts, attempts < 1 { throw ValidationError("--attempts must be at least 1") }
    if let timeout, timeout < 1 { throw ValidationError("--timeout must be at least 1 second") }
  }

  func run() throws {
    if follow { FollowingSync.run(progressRoot: location.progressRoot, lessonsRoot: location.lessonsRoot) }
    var sources = LRSSettingsSources()
    sources.endpoint = endpoint
    sources.username = username
    sources.passwordFile = passwordFile
    sources.tokenFile = tokenFile
    sources.configFile = config
    sources.activityBase = activityBase
    sources.homePage = homePage
    sources.includeNames = includeNames ? true : nil
    sources.batchSize = batchSize
    var settings: LRSSettings
    do {
      settings = try sources.resolve()
    } catch {
      CLIOutput.error(error.description)
      throw ExitCode(64)
    }
    if let attempts { settings.attempts = attempts }
    if let timeout { settings.timeout = .seconds(timeout) }
    let source: SyncSource =
      if let records { .records(folder: records, lessonsRoot: location.lessonsRoot) } else {
        .progress(
          progressRoot: location.progressRoot, lessonsRoot: location.lessonsRoot, courseID: course ?? "",
          learners: all ? [] : learner)
      }
    let settingsCopy = settings
    let check = check
    let retryRefused = retryRefused
    final class Status: @unchecked Sendable { var code: Int32 = 0 }
    let status = Status()
    try Blocking.run {
      if check {
        status.code = await SyncOutput.check(source, settings: settingsCopy)
      } else {
        status.code = await SyncOutput.sync(source, settings: settingsCopy, retryRefused: retryRefused)
      }
    }
    if status.code != 0 { throw ExitCode(status.code) }
  }
}

/// What `workshop sync` prints; the work itself is `LRSSync`'s.
enum SyncOutput {
  static func sync(_ source: SyncSource, settings: LRSSettings, retryRefused: Bool) async -> Int32 {
    let outcome: (report: SyncReport, collected: CollectedStatements)
    do {
      outcome = try await LRSSync.run(source, settings: settings, retryRefused: retryRefused)
    } catch {
      CLIOutput.error(error.description)
      return 64
    }
    for w in outcome.collected.warnings { CLIOutput.warn(w) }
    for p in outcome.collected.problems { CLIOutput.warn(p) }
    let report = outcome.report
    for r in report.refused.prefix(20) { CLIOutput.error("refused \(r.id): \(r.reason)") }
    print("LRS \(settings.displayEndpoint): \(report.summary).")
    if let why = report.stopReason {
      CLIOutput.error("\(why). The \(report.left) statements left are kept in the outbox; run `workshop sync` again to send them.")
      return 1
    }
    if report.refusedEarlier > 0 {
      CLIOutput.warn("\(report.refusedEarlier) statements were refused earlier; fix the cause, then run with --retry-refused.")
    }
    return report.refused.isEmpty && report.refusedEarlier == 0 ? 0 : 2
  }

  static func check(_ source: SyncSource, settings: LRSSettings) async -> Int32 {
    let outcome: (results: [CheckResult], collected: CollectedStatements)
    do {
      outcome = try await LRSSync.check(source, settings: settings)
    } catch {
      CLIOutput.error(error.description)
      return 1
    }
    for p in outcome.collected.problems { CLIOutput.warn(p) }
    var differences = 0
    for r in outcome.results {
      if r.matches {
        print("\(r.learner): all \(r.local) statements on the LRS, as recorded.")
        continue
      }
      differences += 1
      var parts: [String] = []
      if !r.missing.isEmpty { parts.append("\(r.missing.count) missing") }
      if !r.differing.isEmpty { parts.append("\(r.differing.count) different") }
      if !r.unexpected.isEmpty { parts.append("\(r.unexpected.count) on the LRS but not in the records") }
      print("\(r.learner): \(r.local) recorded, \(r.onLRS) on the LRS: \(parts.joined(separator: ", ")).")
      for id in (r.missing + r.differing + r.unexpected).prefix(5) { print("  \(id)") }
    }
    return differences == 0 ? 0 : 1
  }
}
