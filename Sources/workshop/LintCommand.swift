import ArgumentParser
import Foundation
import WorkshopCommandLine
import WorkshopEngine

struct Lint: ParsableCommand {
  // An explicit name: deriving it from the type name costs every start-up a type-name lookup.
  static let configuration = CommandConfiguration(
    commandName: "lint",
    abstract: "Check lesson packs and report every problem as path:line:column.")

  @OptionGroup var location: LocationOptions

  @Argument(help: "A lessons folder or one course folder (default: the lessons folder).")
  var path: String?

  @Flag(help: "Print the diagnostics and counts as JSON.")
  var json = false

  @Flag(help: "Treat warnings as errors.")
  var strict = false

  func run() throws {
    let report = Linter.run(root: path ?? location.lessonsRoot)
    if json {
      print(try jsonText(report))
    } else {
      var output = ""
      for diagnostic in report.diagnostics {
        output += diagnostic.description
        output += "\n"
      }
      output += summary(report)
      print(output)
    }
    if report.errors > 0 || (strict && report.warnings > 0) {
      throw ExitCode.failure
    }
  }

  private func summary(_ report: LintReport) -> String {
    func count(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
    return
      "lessons: \(count(report.courses, "course")), \(count(report.lessons, "lesson")), "
      + "\(count(report.questions, "question")) — \(count(report.errors, "error")), "
      + "\(count(report.warnings, "warning"))"
  }

  private func jsonText(_ report: LintReport) throws -> String {
    struct Output: Encodable {
      var diagnostics: [Diagnostic]
      var errors: Int
      var warnings: Int
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(
      Output(diagnostics: report.diagnostics, errors: report.errors, warnings: report.warnings))
    return String(decoding: data, as: UTF8.self)
  }
}
