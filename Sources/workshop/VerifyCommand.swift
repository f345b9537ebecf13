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

struct VerifyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verify",
    abstract: "Check a completion record, certificate or Open Badge (digest or signature, re-scoring or achievement against the lesson pack), or find a record by its verification code.",
    discussion: """
      A signed record (from a live session) has its Ed25519 signature checked; with --key it must
      be signed by that key. Exit status: 0 valid; 1 tampered (the record's content differs from
      what its answers and policy imply, or its policy from that of the lesson it names, whatever
      the digest says; or its signature is invalid, missing while --key was given, or made by
      another key: the report says which); 2 content mismatch (the record is consistent but was
      made against lesson content that has changed since, or that the pack does not have); 64 the
      file cannot be read, is not a completion record, or the lesson pack is missing. A leading
      UTF-8 byte order mark is ignored. A certificate is checked through the record it carries.
      With --code, the record with that code is looked for in a folder (and then verified) or in a
      roster CSV (whose verdict is reported); not finding it exits 1. An Open Badges credential
      (from `export --format badge`) has its EdDSA signature checked against the did:key its kid
      names (with --key, it must be that key), its claims, contexts and types, its dates, and its
      achievement against the course in the lesson pack: 0 valid, 1 not valid or expired, 2 the
      course has changed since. A record made by an older workshop (schema version 1) exits 3:
      export it again.
      """)

  @Argument(help: ArgumentHelp(
    "A JSON completion record, a certificate (HTML) or a badge (.jwt, or an .svg with one baked in) from `workshop export`; with --code, a folder of records or a roster CSV.",
    valueName: "file"))
  var file: String

  @OptionGroup var location: LocationOptions

  @Option(name: .long, help: ArgumentHelp(
    "Public key (a .pub file from `workshop keys generate`, or base64) the record or badge must be signed with.", valueName: "key"))
  var key: String?

  @Option(name: .long, help: ArgumentHelp(
    "A verification code from a certificate: find its record in the folder or roster given and check it.",
    valueName: "code"))
  var code: String?

  func run() throws {
    if let code {
      try verify(code: code)
      return
    }
    try verify(path: file)
  }

  /// A code alone proves nothing: it is a way to find the record, which is then verified whole.
  func verify(code: String) throws {
    guard RecordLookup.normalizedCode(code).count == 12 else {
      CLIOutput.error("\(code): a verification code has 12 letters and digits, such as ABCD-EFGH-2345")
      throw ExitCode(64)
    }
    guard let isDirectory = DurableFile.isFolder(file) else {
      CLIOutput.error("no such file or folder: \(file)")
      throw ExitCode(64)
    }
    let shown = RecordHash.grouped(RecordLookup.normalizedCode(code))
    if isDirectory {
      let matches = RecordLookup.files(withCode: code, in: file)
      guard let first = matches.first else {
        print("NOT FOUND: no record in \(file) has verification code \(shown)")
        throw ExitCode(1)
      }
      print("code \(shown) is the record in \(first)")
      try verify(path: first)
      return
    }
    let text: String
    do {
      text = String(decoding: try RecordFiles.read(file), as: UTF8.self)
    } catch {
      CLIOutput.error("\(error)")
      throw ExitCode(64)
    }
    guard let row = RecordLookup.rosterRow(withCode: code, csv: text) else {
      print("NOT FOUND: no record in the roster \(file) has verification code \(shown)")
      throw ExitCode(1)
    }
    let valid = row.verification == "valid"
    print(
      "\(valid ? "valid" : "NOT VALID"): code \(shown) is \(row.learnerName) · \(row.courseTitle) \(row.courseVersion)"
        + (row.completedAt.isEmpty ? "" : " · completed \(row.completedAt)"))
    print("  the roster verified this record when it was made: \(row.verification)")
    throw ExitCode(valid ? 0 : 1)
  }

  func verify(path: String) throws {
    let fileData: Data
    do {
      fileData = try RecordFiles.read(path)
    } catch {
      CLIOutput.error("\(error)")
      throw ExitCode(64)
    }
    if OpenBadge.looksLikeJWT(fileData) {
      try verifyBadge(String(decoding: fileData, as: UTF8.self), path: path)
      return
    }
    if let baked = BadgeImage.bakedToken(in: fileData) {
      try verifyBadge(baked, path: path)
      return
    }
    let data: Data
    switch RecordLookup.document(fileData) {
    case .record(let json, _): data = json
    case .other:
      CLIOutput.error("\(path): an HTML file without a completion record in it (certificates from `workshop export --format html` carry one)")
      throw ExitCode(64)
    }
    var trusted: [String]?
    if let key {
      do { trusted = [try InstructorKey.loadPublicKey(key)] } catch {
        CLIOutput.error("\(error)")
        throw ExitCode(64)
      }
    }
    let root = try lessonsRoot()
    let report: VerificationReport
    let record: CompletionRecord?
    var isRecord = true
    do {
      (report, record) = try RecordVerifier.verify(
        data: data,
        course: { id in
          // Checked here rather than before parsing so the file is read only once.
          RecordSource.loadCourse(id, lessonsRoot: root)
        }, grading: .engine, trusting: trusted, isRecord: &isRecord)
    } catch {
      CLIOutput.error("\(path): not JSON (\(error.description))")
      throw ExitCode(64)
    }
    guard isRecord else {
      CLIOutput.error("\(path): not a workshop completion record")
      throw ExitCode(64)
    }
    print(Sanitizer.visible(Self.describe(report, record: record, file: path, lessons: root)))
    throw ExitCode(report.status.exitCode)
  }

  func verifyBadge(_ token: String, path: String) throws {
    var trusted: [String]?
    if let key {
      do { trusted = [try InstructorKey.loadPublicKey(key)] } catch {
        CLIOutput.error("\(error)")
        throw ExitCode(64)
      }
    }
    let root = try lessonsRoot()
    let now = WorkshopClock.now()
    let trustedKeys = trusted
    let report: BadgeReport
    do {
      report = try Blocking.run {
        try await BadgeVerifier.verify(
          token: token, now: now, course: { RecordSource.loadCourse($0, lessonsRoot: root) }, trusting: trustedKeys)
      }
    } catch {
      CLIOutput.error("\(path): \(error)")
      throw ExitCode(64)
    }
    print(Sanitizer.visible(Self.describe(report, file: path, lessons: root, keyGiven: trusted != nil)))
    throw ExitCode(report.status.exitCode)
  }

  static func describe(_ report: BadgeReport, file: String, lessons: String, keyGiven: Bool) -> String {
    var lines: [String] = []
    switch report.status {
    case .valid: lines.append("valid: \(file) (Open Badges 3.0 credential)")
    case .invalid: lines.append("NOT VALID: \(file) (Open Badges 3.0 credential)")
    case .expired: lines.append("EXPIRED: \(file) (Open Badges 3.0 credential)")
    case .contentMismatch: lines.append("CONTENT MISMATCH: \(file) (Open Badges 3.0 credential)")
    }
    if let c = report.credential {
      let subject = c["credentialSubject"]
      let name = subject?["identifier"]?.array?.first { $0["identityType"]?.string == "name" }?["identityHash"]?.string
      let achievement = subject?["achievement"]
      let result = subject?["result"]?.array?.first
      var line = "  \(name ?? subject?["id"]?.string ?? "?") · \(achievement?["name"]?.string ?? "?")"
      if let version = achievement?["version"]?.string { line += " \(version)" }
      if let value = result?["value"]?.string { line += " · \(result?["status"]?.string ?? "result") \(value)%" }
      lines.append(line)
      let issuer = c["issuer"]
      lines.append("  issued by \(issuer?["name"]?.string ?? "?") (\(issuer?["id"]?.string ?? "?"))")
      let until = c["validUntil"]?.string.map { " until \($0)" } ?? ", with no end"
      lines.append("  valid from \(c["validFrom"]?.string ?? "?")\(until)")
    }
    if report.signatureChecked, let key = report.issuerKey {
      lines.append(
        "  signature: valid, EdDSA by \(keyGiven ? "the key given" : "key \(InstructorKey.keyID(of: key.publicKey))") (\(key.did))")
    }
    if report.status == .valid {
      lines.append("  achievement matches the course in \(lessons)")
    }
    let reasons = report.problems + report.dateProblems
    if !reasons.isEmpty {
      lines.append("  problems:")
      for p in reasons { lines.append("    - \(p)") }
    }
    if !report.contentChanges.isEmpty {
      lines.append("  content changed since the badge was issued:")
      for p in report.contentChanges { lines.append("    - \(p)") }
    }
    for note in report.notes { lines.append("  note: \(note)") }
    return lines.joined(separator: "\n")
  }

  func lessonsRoot() throws -> String {
    let root = location.lessonsRoot
    guard DurableFile.isFolder(root) == true else {
      CLIOutput.error("no lesson pack at \(root): pass --lessons DIR to re-score the record")
      throw ExitCode(64)
    }
    return root
  }

  static func describe(_ report: VerificationReport, record: CompletionRecord?, file: String, lessons: String) -> String {
    var lines: [String] = []
    switch report.status {
    case .valid: lines.append("valid: \(file)")
    case .tampered: lines.append("TAMPERED: \(file)")
    case .contentMismatch: lines.append("CONTENT MISMATCH: \(file)")
    case .outdated: lines.append("OUTDATED: \(file)")
    }
    if let r = record {
      let responses = r.lessons.reduce(0) { $0 + $1.attempts.reduce(0) { $0 + $1.responses.count } }
      let verdict = r.outcome.passed ? "passed" : (r.outcome.decided ? "not passed" : "in progress")
      let score = r.outcome.score.map { NumberText.fixed($0 * 100, digits: 1) + "%" } ?? "no score"
      lines.append("  \(r.learner.name) · \(r.course.title) \(r.course.version) · \(verdict), \(score)")
      if report.status == .valid {
        lines.append("  \(Wording.count(responses, "response")) re-scored against \(lessons); verification code \(RecordHash.grouped(r.verificationCode))")
      }
    }
    switch report.signature {
    case .unsigned: break
    case .valid(let signer, let trusted):
      lines.append(
        trusted
          ? "  signature: valid, by the key given (\(signer))"
          : "  signature: valid, by key \(signer) (pass --key to check whose key that is)")
    case .invalid(let signer, let reason):
      lines.append("  signature: INVALID (key \(signer)): \(reason)")
    }
    if !report.tampered.isEmpty {
      lines.append("  edited:")
      for f in report.tampered { lines.append("    - \(f)") }
    }
    if !report.contentChanges.isEmpty {
      lines.append("  content changed since the record was made:")
      for f in report.contentChanges { lines.append("    - \(f)") }
    }
    for f in report.outdated { lines.append("  \(f.message)") }
    for note in report.notes { lines.append("  note: \(note)") }
    return lines.joined(separator: "\n")
  }
}
