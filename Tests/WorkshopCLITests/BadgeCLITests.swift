import Foundation
import Testing
import WorkshopEngine
import WorkshopRecords
import WorkshopTestSupport

/// `workshop export --format badge` and `workshop verify` on the badge, through the built binary:
/// the key made once and kept private, the same badge on every export, and the verdicts a
/// person reads when a badge was edited, expired, signed by someone else, or outlived its course.
@Suite(.serialized) struct BadgeCLI {
  typealias CLI = RecordsCLI

  struct Workspace {
    var dir: String
    var course: Course
    var key: String { dir + "/keys/issuer.key" }
    var config: String { dir + "/issuer.conf" }
  }

  static func workspace(config: String = "name = Example Academy\nurl = https://learning.example.org\n") throws
    -> Workspace
  {
    let (dir, course) = try CLI.workspace()
    try config.write(toFile: dir + "/issuer.conf", atomically: true, encoding: .utf8)
    return Workspace(dir: dir, course: course)
  }

  static func export(_ w: Workspace, to name: String, environment: [String: String] = [:]) throws -> CLI.Run {
    try CLI.run(
      [
        "export", "--learner", "Ana María", "--course", w.course.id, "--format", "badge", "--key", w.key,
        "--issuer-config", w.config, "--out", "\(w.dir)/\(name)",
      ], in: w.dir, environment: environment)
  }

  @Test func exportedBadgeVerifiesAndIsTheSameOnEveryExport() throws {
    let w = try Self.workspace()
    defer { try? FileManager.default.removeItem(atPath: w.dir) }
    let first = try Self.export(w, to: "badge.jwt")
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stderr.contains("created the signing key"))
    #expect(CLI.mode(w.key) == 0o600 && CLI.mode("\(w.dir)/badge.jwt") == 0o600)
    let second = try Self.export(w, to: "again.jwt")
    #expect(second.status == 0 && !second.stderr.contains("created the signing key"), "\(second.stderr)")
    let token = try String(contentsOfFile: "\(w.dir)/badge.jwt", encoding: .utf8)
    #expect(token == (try String(contentsOfFile: "\(w.dir)/again.jwt", encoding: .utf8)))
    #expect(token.hasPrefix("eyJ") && token.hasSuffix("\n") && token.split(separator: ".").count == 3)

    let verified = try CLI.run(["verify", "\(w.dir)/badge.jwt"], in: w.dir)
    #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    #expect(verified.stdout.hasPrefix("valid: \(w.dir)/badge.jwt (Open Badges 3.0 credential)"))
    #expect(verified.stdout.contains("Ana María · Getting Started with Workshop 1.0.0 · Completed 100%"))
    #expect(verified.stdout.contains("issued by Example Academy (did:key:z6Mk"))
    #expect(verified.stdout.contains("signature: valid, EdDSA"))

    let byThatKey = try CLI.run(["verify", "\(w.dir)/badge.jwt", "--key", w.key + ".pub"], in: w.dir)
    #expect(byThatKey.status == 0 && byThatKey.stdout.contains("by the key given"), "\(byThatKey.stdout)")
    let other = try CLI.run(["keys", "generate", "--key", "\(w.dir)/keys/other.key"], in: w.dir)
    #expect(other.status == 0)
    let byAnother = try CLI.run(["verify", "\(w.dir)/badge.jwt", "--key", "\(w.dir)/keys/other.key.pub"], in: w.dir)
    #expect(byAnother.status == 1 && byAnother.stdout.hasPrefix("NOT VALID:"), "\(byAnother.stdout)")
    #expect(byAnother.stdout.contains("not by the key given"))
  }

  @Test func editedExpiredAndOutdatedBadgesAreRefusedWithTheirReason() throws {
    let w = try Self.workspace(config: "name = Example Academy\nvalid-days = 30\n")
    defer { try? FileManager.default.removeItem(atPath: w.dir) }
    #expect(try Self.export(w, to: "badge.jwt").status == 0)
    let token = try String(contentsOfFile: "\(w.dir)/badge.jwt", encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let parts = token.split(separator: ".").map(String.init)
    // The work was done on 18 November 2026 (the workspace's clock): a day later it is current.
    let withinValidity = ["WORKSHOP_NOW": "2026-11-20T00:00:00Z"]

    // One changed character in the payload: the signature no longer holds.
    var payload = Array(parts[1])
    payload[40] = payload[40] == "A" ? "B" : "A"
    try "\(parts[0]).\(String(payload)).\(parts[2])\n".write(toFile: "\(w.dir)/edited.jwt", atomically: true, encoding: .utf8)
    let edited = try CLI.run(["verify", "\(w.dir)/edited.jwt"], in: w.dir)
    #expect(edited.status == 1 && edited.stdout.hasPrefix("NOT VALID:"), "\(edited.stdout)\(edited.stderr)")
    #expect(edited.stdout.contains("signature: does not match"))

    // alg none, no signature.
    let noneHeader = Data(#"{"alg":"none","kid":"x","typ":"JWT"}"#.utf8).base64EncodedString()
      .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    try "\(noneHeader).\(parts[1]).\n".write(toFile: "\(w.dir)/none.jwt", atomically: true, encoding: .utf8)
    let unsigned = try CLI.run(["verify", "\(w.dir)/none.jwt"], in: w.dir)
    #expect(unsigned.status == 1 && unsigned.stdout.contains("alg `none`"), "\(unsigned.stdout)\(unsigned.stderr)")

    // Thirty-one days after the work, on the workshop clock.
    let late = try CLI.run(["verify", "\(w.dir)/badge.jwt"], in: w.dir, environment: ["WORKSHOP_NOW": "2030-01-01T00:00:00Z"])
    #expect(late.status == 1 && late.stdout.hasPrefix("EXPIRED:") && late.stdout.contains("expired on"), "\(late.stdout)")

    // The course changed after the badge was issued.
    let manifest = "\(w.dir)/lessons/\(w.course.id)/course.yaml"
    let yaml = try String(contentsOfFile: manifest, encoding: .utf8)
    try yaml.replacingOccurrences(of: "title: Getting Started with Workshop", with: "title: Getting Started, Again")
      .write(toFile: manifest, atomically: true, encoding: .utf8)
    let changed = try CLI.run(["verify", "\(w.dir)/badge.jwt"], in: w.dir, environment: withinValidity)
    #expect(changed.status == 2 && changed.stdout.hasPrefix("CONTENT MISMATCH:"), "\(changed.stdout)")
    #expect(changed.stdout.contains("achievement.name differs"))
  }

  @Test func aBadgeImageVerifiesThroughTheCredentialBakedIntoIt() throws {
    let w = try Self.workspace()
    defer { try? FileManager.default.removeItem(atPath: w.dir) }
    let export = try CLI.run(
      [
        "export", "--learner", "Ana María", "--course", w.course.id, "--format", "badge-svg", "--key", w.key,
        "--issuer-config", w.config, "--out", "\(w.dir)/badge.svg",
      ], in: w.dir)
    #expect(export.status == 0, "\(export.stderr)")
    let svg = try String(contentsOfFile: "\(w.dir)/badge.svg", encoding: .utf8)
    #expect(svg.hasPrefix("<?xml") && svg.contains("<openbadges:credential><![CDATA[eyJ"))
    #expect(svg.contains("Getting Started with") && svg.contains("Ana María"))
    let verified = try CLI.run(["verify", "\(w.dir)/badge.svg"], in: w.dir)
    #expect(verified.status == 0 && verified.stdout.hasPrefix("valid: \(w.dir)/badge.svg"), "\(verified.stdout)\(verified.stderr)")

    // A picture whose baked credential was swapped for an edited one is refused.
    let token = try #require(BadgeImage.bakedToken(in: Data(svg.utf8)))
    var parts = token.split(separator: ".").map(String.init)
    parts[1] = String(parts[1].dropLast()) + (parts[1].hasSuffix("A") ? "B" : "A")
    try svg.replacingOccurrences(of: token, with: parts.joined(separator: "."))
      .write(toFile: "\(w.dir)/edited.svg", atomically: true, encoding: .utf8)
    let edited = try CLI.run(["verify", "\(w.dir)/edited.svg"], in: w.dir)
    #expect(edited.status == 1 && edited.stdout.hasPrefix("NOT VALID:"), "\(edited.stdout)\(edited.stderr)")
  }

  /// Checked by someone else's code: PyJWT and cryptography, with the key taken from the did:key
  /// by scripts/verify-badge.py. They live in the test virtual environment (scripts/install-ralph).
  @Test func anIndependentVerifierAcceptsTheBadgeAndRefusesAnEditedOne() throws {
    let python = RalphLRS.python
    let available = (try? ProcessRunner.run(python, ["-c", "import jwt, cryptography"]).status) == 0
    guard available || RalphLRS.isRequired else {
      print("skipped: PyJWT is not in \(RalphLRS.venv); run scripts/install-ralph to include this test")
      return
    }
    let script = BuiltProducts.packageRoot.appendingPathComponent("scripts/verify-badge.py").path
    let w = try Self.workspace()
    defer { try? FileManager.default.removeItem(atPath: w.dir) }
    #expect(try Self.export(w, to: "badge.jwt").status == 0)
    let accepted = try ProcessRunner.run(python, [script, "\(w.dir)/badge.jwt"])
    #expect(accepted.status == 0, "\(accepted.stdout)\(accepted.stderr)")
    let verdict = try JSONParser.parse(accepted.stdout)
    #expect(verdict["valid"]?.bool == true)
    #expect(verdict["achievement"]?.string == "Getting Started with Workshop")
    #expect(verdict["issuer"]?.string == "Example Academy")

    let token = try String(contentsOfFile: "\(w.dir)/badge.jwt", encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    var parts = token.split(separator: ".").map(String.init)
    var signature = Array(parts[2])
    signature[10] = signature[10] == "A" ? "B" : "A"
    parts[2] = String(signature)
    try parts.joined(separator: ".").write(toFile: "\(w.dir)/edited.jwt", atomically: true, encoding: .utf8)
    let refused = try ProcessRunner.run(python, [script, "\(w.dir)/edited.jwt"])
    #expect(refused.status == 1 && refused.stdout.contains("InvalidSignatureError"), "\(refused.stdout)\(refused.stderr)")
  }

  @Test func badIssuerSettingsAreNamedWithTheirFile() throws {
    let w = try Self.workspace(config: "name = Example Academy\nurl = not a url\n")
    defer { try? FileManager.default.removeItem(atPath: w.dir) }
    let bad = try Self.export(w, to: "badge.jwt")
    #expect(bad.status == 64 && bad.stderr.contains("issuer url") && bad.stderr.contains(w.config), "\(bad.stderr)")
    #expect(!FileManager.default.fileExists(atPath: "\(w.dir)/badge.jwt"))
  }

  @Test func noBadgeAndNoKeyForACourseNotPassed() throws {
    let w = try Self.workspace()
    defer { try? FileManager.default.removeItem(atPath: w.dir) }
    // A second learner who has only started.
    let store = ProgressStore(root: w.dir + "/progress")
    _ = try store.createProfile(name: "Bo")
    let run = try CLI.run(
      [
        "export", "--learner", "Bo", "--course", w.course.id, "--format", "badge", "--key", w.key,
        "--issuer-config", w.config, "--out", "\(w.dir)/bo.jwt",
      ], in: w.dir)
    #expect(run.status == 1 && run.stderr.contains("a badge is only issued for a passed course"), "\(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: "\(w.dir)/bo.jwt"))
    #expect(!FileManager.default.fileExists(atPath: w.key))
  }

  /// A record exported by a workshop of record schema 1 (whose digest covered the export time)
  /// is reported as made by an older workshop, not as tampered.
  @Test func aRecordOfTheEarlierSchemaIsToBeExportedAgain() throws {
    let (dir, course) = try CLI.workspace()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let export = try CLI.run(
      ["export", "--learner", "Ana María", "--course", course.id, "--format", "json", "--out", "\(dir)/new.json"], in: dir)
    #expect(export.status == 0)
    let current = try JSONParser.parse(try String(contentsOfFile: "\(dir)/new.json", encoding: .utf8))
    let old = current.setting("schemaVersion", .number(1)).removing("digest")
    let oldRecord = old.setting("digest", .string(RecordHash.digest(of: old)))
    try (JSONWriter.canonical(oldRecord) + "\n").write(toFile: "\(dir)/old.json", atomically: true, encoding: .utf8)
    let verified = try CLI.run(["verify", "\(dir)/old.json"], in: dir)
    #expect(verified.status == 3, "\(verified.stdout)\(verified.stderr)")
    #expect(verified.stdout.hasPrefix("OUTDATED:") && verified.stdout.contains("export it again"))
    #expect(!verified.stdout.contains("TAMPERED"))
  }
}
