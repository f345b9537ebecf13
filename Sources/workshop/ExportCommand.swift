import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopCommandLine
import WorkshopEngine
import WorkshopTerminal
import WorkshopRecords

struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Export a learner's completion record as JSON, CSV, xAPI statements, a certificate or an Open Badge.",
    discussion: """
      The JSON record carries a digest that `workshop verify` checks. Files are written readable
      by you only (0600). Nothing is sent anywhere: xAPI statements are written to a file or to
      standard output for you to pass on. A badge (--format badge) is an Open Badges 3.0
      credential signed with your key (created on first use, 0600) as a VC-JWT; its issuer
      profile comes from --issuer-config, $WORKSHOP_ISSUER_CONFIG or ~/.workshop/issuer.conf.
      See docs/records.md.
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case json, csv, xapi, html, badge
    case badgeSVG = "badge-svg"
  }

  @OptionGroup var location: LocationOptions

  @Option(help: ArgumentHelp("The learner: a name or a learner id.", valueName: "name"))
  var learner: String

  @Option(help: ArgumentHelp("The course id.", valueName: "id"))
  var course: String

  @Option(help: "json | csv | xapi | html (a certificate) | badge (an Open Badges 3.0 VC-JWT) | badge-svg (a badge image with the VC-JWT baked in); html and badges need a passed course.")
  var format: Format = .json

  @Option(help: ArgumentHelp("Write to this file (0600) instead of standard output.", valueName: "file"))
  var out: String?

  @Flag(help: "Replace the learner's name with a stable pseudonym.")
  var pseudonymize = false

  @Flag(help: "xAPI: put the learner's name in each statement's actor (only the opaque id otherwise).")
  var includeNames = false

  @Option(
    help: ArgumentHelp(
      "xAPI: absolute IRI your organisation controls, under which activity ids are made.",
      valueName: "iri"))
  var activityBase = XAPIExporter.Options().activityBase

  @Option(
    help: ArgumentHelp(
      "xAPI: the actor account's homePage, the system the opaque learner id belongs to.",
      valueName: "iri"))
  var homePage = XAPIExporter.Options().homePage

  @Option(name: .long, help: ArgumentHelp(
    "Badge: the issuer's private key (default: $WORKSHOP_KEY, else ~/.workshop/instructor.key; created if missing).",
    valueName: "file"))
  var key: String?

  @Option(help: ArgumentHelp("Badge: the issuer settings file (name, url, email, id, valid-days).", valueName: "file"))
  var issuerConfig: String?

  @Option(help: ArgumentHelp("Badge: the issuer's name, over the settings file's.", valueName: "name"))
  var issuerName: String?

  @Option(help: ArgumentHelp("Badge: the issuer's web site, over the settings file's.", valueName: "url"))
  var issuerURL: String?

  func validate() throws {
    for (name, value) in [("--activity-base", activityBase), ("--home-page", homePage)] {
      guard let url = URL(string: value), let scheme = url.scheme, ["http", "https"].contains(scheme),
        url.host != nil
      else {
        throw ValidationError("\(name) must be an absolute http(s) IRI, such as https://learning.example.org/xapi")
      }
    }
  }

  func run() throws {
    let record: CompletionRecord
    let content: Course
    do {
      (record, content) = try RecordSource.build(
        learner: learner, courseID: course, location: location, pseudonymize: pseudonymize)
    } catch {
      CLIOutput.error("\(error)")
      throw ExitCode(64)
    }
    let text: String
    switch format {
    case .json:
      text = record.fileText()
    case .csv:
      text = CSVExporter.document([record])
    case .xapi:
      let statements = XAPIExporter.statements(
        record: record, course: content,
        options: .init(activityBase: activityBase, homePage: homePage, includeNames: includeNames))
      // Exporting something an LRS would refuse helps nobody; this is a bug if it ever fires.
      let problems = XAPIValidator.validate(statements: statements)
      guard problems.isEmpty else {
        for p in problems.prefix(10) { CLIOutput.error("invalid statement \(p)") }
        throw ExitCode(70)
      }
      text = XAPIExporter.fileText(statements)
    case .html:
      do {
        text = try CertificateExporter.html(record)
      } catch {
        CLIOutput.error("\(error)")
        throw ExitCode(1)
      }
    case .badge:
      text = try badge(record: record, course: content).token + "\n"
    case .badgeSVG:
      let (token, credential) = try badge(record: record, course: content)
      text = BadgeImage.svg(token: token, credential: credential)
    }
    try CLIOutput.emit(text, to: out)
  }

  func badge(record: CompletionRecord, course: Course) throws -> (token: String, credential: JSONValue) {
    // Refused before anything else, so that no key is made for a badge nobody earned.
    do { _ = try OpenBadge.awardDate(record) } catch {
      CLIOutput.error(error.description)
      throw ExitCode(1)
    }
    let issuer: IssuerProfile
    do {
      issuer = try IssuerProfile.load(
        configPath: IssuerProfile.configPath(issuerConfig), name: issuerName, url: issuerURL)
    } catch {
      CLIOutput.error("\(error)")
      throw ExitCode(64)
    }
    if issuer.name == IssuerProfile.defaultName {
      CLIOutput.warn(
        "the badge names its issuer \"\(issuer.name)\": set `name = …` in ~/.workshop/issuer.conf or pass --issuer-name")
    }
    let signingKey: InstructorKey
    do {
      signingKey = try IssuerKey.loadOrCreate(key)
    } catch {
      CLIOutput.error("\(error)")
      throw ExitCode(64)
    }
    do {
      let did = signingKey.didKey
      let credential = try OpenBadge.credential(record: record, course: course, issuer: issuer, key: did)
      return (try Blocking.run { try await OpenBadge.sign(credential, with: signingKey) }, credential)
    } catch let error as BadgeError {
      CLIOutput.error(error.description)
      throw ExitCode(1)
    }
  }
}

/// The key that signs badges: the instructor key of `workshop keys`, made on first use.
enum IssuerKey {
  static func loadOrCreate(_ given: String?) throws -> InstructorKey {
    let path = given ?? InstructorKey.defaultPrivateKeyPath
    if FileManager.default.fileExists(atPath: path) { return try InstructorKey.load(privateKeyPath: path) }
    let created = InstructorKey.generate()
    try created.write(privateKeyPath: path, publicKeyPath: path + ".pub")
    CLIOutput.warn("created the signing key \(path) (0600; public key in \(path).pub, key id \(created.keyID)); keep it: badges are checked against it")
    return created
  }
}

/// Shared by export and roster: turning a learner's journal into a record.
enum RecordSource {
  struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
  }

  static func loadCourse(_ id: String, lessonsRoot: String) -> Course? {
    ProgressRecords.loadCourse(id, lessonsRoot: lessonsRoot)
  }

  static func build(
    learner: String, courseID: String, location: LocationOptions, pseudonymize: Bool
  ) throws(Failure) -> (CompletionRecord, Course) {
    let store = ProgressStore(root: location.progressRoot)
    guard let id = ProgressRecords.learner(learner, in: store) else {
      throw Failure("no learner \"\(learner)\" in \(location.progressRoot)")
    }
    guard let course = loadCourse(courseID, lessonsRoot: location.lessonsRoot) else {
      throw Failure("no course \"\(courseID)\" in \(location.lessonsRoot)")
    }
    do {
      let built = try ProgressRecords.build(
        store: store, id: id, course: course, progressRoot: location.progressRoot, pseudonymize: pseudonymize)
      for w in built.warnings { CLIOutput.warn(w) }
      return (built.record, course)
    } catch {
      throw Failure(error.description)
    }
  }

  static func identity(store: ProgressStore, id: LearnerID, progressRoot: String) throws(Failure) -> LearnerIdentity {
    do {
      return try ProgressRecords.identity(store: store, id: id, progressRoot: progressRoot)
    } catch {
      throw Failure(error.description)
    }
  }
}
