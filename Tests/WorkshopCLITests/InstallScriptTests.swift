import Foundation
import Testing
import WorkshopTestSupport

/// `scripts/install` puts each executable through `scripts/install-stripped`: a stripped binary
/// on PATH, its symbols in a debug file beside it that a debugger finds through the debug link.
@Suite struct InstallScriptTests {
  static let script = BuiltProducts.packageRoot.appendingPathComponent("scripts/install-stripped").path

  static func sections(_ file: String) throws -> String {
    let result = try ProcessRunner.run("/usr/bin/env", ["readelf", "--section-headers", "--wide", file])
    #expect(result.status == 0, "\(result.stderr)")
    return result.stdout
  }

  static func mode(_ path: String) throws -> Int {
    try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
  }

  @Test("the installed workshop has no symbols, runs, and links to a debug file that holds them")
  func installsStrippedWithDebugFile() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let built = try BuiltProducts.workshop()
    let bin = folder.file("bin")
    let install = try ProcessRunner.run(Self.script, [built, bin])
    #expect(install.status == 0, "\(install.stderr)")

    let installed = bin + "/workshop"
    let debug = bin + "/.debug/workshop.debug"
    #expect(try Self.mode(installed) == 0o755)
    #expect(try Self.mode(debug) == 0o644)

    let installedSections = try Self.sections(installed)
    #expect(!installedSections.contains(".symtab"), "symbols left in the installed binary")
    #expect(installedSections.contains(".gnu_debuglink"))
    #expect(try Self.sections(debug).contains(".symtab"), "the debug file lost the symbols")
    let link = try ProcessRunner.run("/usr/bin/env", ["readelf", "--string-dump=.gnu_debuglink", installed])
    #expect(link.stdout.contains("workshop.debug"), "\(link.stdout)")

    let builtSize = try #require(FileManager.default.attributesOfItem(atPath: built)[.size] as? Int)
    let installedSize = try #require(FileManager.default.attributesOfItem(atPath: installed)[.size] as? Int)
    #expect(installedSize < builtSize)

    let original = try ProcessRunner.run(built, ["--version"])
    let stripped = try ProcessRunner.run(installed, ["--version"])
    #expect(stripped.status == 0, "\(stripped.stderr)")
    #expect(stripped.stdout == original.stdout && !stripped.stdout.isEmpty)
  }

  @Test("install-stripped without its two arguments says how to call it and installs nothing")
  func usage() throws {
    let result = try ProcessRunner.run(Self.script, [])
    #expect(result.status == 64)
    #expect(result.stderr.contains("usage:") && result.stderr.contains("BIN_DIR"), "\(result.stderr)")
  }
}
