import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopCommandLine
import WorkshopEngine
import WorkshopTerminal

struct Lint: ParsableCommand {
  // An explicit name: deriving it from the type name costs every start-up a type-name lookup.
  static let configuration = CommandConfiguration(
    commandName: "lint",
    abstract: "Check lesson packs and report every problem as path:line:column.")

  @OptionGroup var location: LocationOptions

  @Argument(
    help: "A lessons folder, one course folder, or one lesson file (default: the lessons folder).")
  var path: String?

  @Flag(help: "Print the diagnostics and counts as JSON.")
  var json = false

  @Flag(help: "Treat warnings as errors.")
  var strict = false

  func run() throws {
    let target = path ?? location.lessonsRoot
    let report = DurableFile.isFolder(target) == false ? Linter.run(file: target) : Linter.run(root: target)
    if json {
      print(try jsonText(report))
    } else {
      let width = TerminalInfo().width()
      var sources = SourceLines()
      var output = ""
      for diagnostic in report.diagnostics {
        output += diagnostic.description
        output += "\n"
        let excerpt = SourceExcerpt.lines(
          for: diagnostic, sourceLine: sources.line(diagnostic.line, of: diagnostic.path),
          width: width)
        for line in excerpt { output += line + "\n" }
      }
      output += summary(report)
      // Diagnostics quote the files' text: escape sequences in it must not reach the terminal.
      print(Sanitizer.visible(output))
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
