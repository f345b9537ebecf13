import Foundation
import Testing
import WorkshopTestSupport

/// The module arrows of docs/architecture.md, checked against every `import` in Sources:
/// CLI → Terminal / Server → Records → Engine → C libraries, with the network stack only in
/// the live-session executable.
@Suite struct ModuleArrowTests {
  /// The project's own modules and the heavy or C modules each may import; anything not listed
  /// here (Foundation, Dispatch, Crypto, ArgumentParser, the C library) is free.
  static let allowed: [String: Set<String>] = [
    "WorkshopEngine": ["CCmark", "CYAML"],
    "WorkshopRecords": ["WorkshopEngine"],
    "WorkshopTerminal": ["WorkshopEngine", "CReadline", "CCmark"],
    "WorkshopServer": [
      "WorkshopEngine", "WorkshopRecords", "Hummingbird", "HummingbirdWebSocket", "HummingbirdWSClient",
      "ServiceLifecycle", "Logging", "NIOCore", "NIOPosix",
    ],
    "WorkshopLiveTerminal": ["WorkshopEngine", "WorkshopRecords", "WorkshopServer", "WorkshopTerminal"],
    "WorkshopCommandLine": [],
    "workshop": ["WorkshopEngine", "WorkshopRecords", "WorkshopTerminal", "WorkshopCommandLine"],
    "workshop-live": ["WorkshopEngine", "WorkshopServer", "WorkshopLiveTerminal", "WorkshopCommandLine"],
  ]

  static let guardedNames: Set<String> = [
    "CCmark", "CYAML", "CReadline", "Glibc", "Darwin", "Musl", "ServiceLifecycle", "Logging",
  ]

  /// Imports that need an entry in `allowed`: the project's modules, the C modules and the
  /// network stack.
  static func isGuarded(_ module: String) -> Bool {
    module.hasPrefix("Workshop") || module.hasPrefix("Hummingbird") || module.hasPrefix("NIO")
      || guardedNames.contains(module)
  }

  @Test("every import in Sources follows the module arrows")
  func importsFollowTheArrows() throws {
    let sources = BuiltProducts.packageRoot.appendingPathComponent("Sources").path
    let fm = FileManager.default
    var checkedModules = 0
    var violations: [String] = []
    for module in try fm.contentsOfDirectory(atPath: sources).sorted() {
      guard let allowed = Self.allowed[module] else {
        if fm.fileExists(atPath: "\(sources)/\(module)/module.modulemap") { continue }
        violations.append("\(module): a module with no entry in the arrow table")
        continue
      }
      checkedModules += 1
      // The C library is the engine's, the terminal's and the servers' business; the command
      // lines parse arguments only.
      let libc: Set<String> = module == "workshop" || module == "WorkshopCommandLine" ? [] : ["Glibc", "Darwin", "Musl"]
      let enumerator = fm.enumerator(atPath: "\(sources)/\(module)")
      while let file = enumerator?.nextObject() as? String {
        guard file.hasSuffix(".swift") else { continue }
        let text = try String(contentsOfFile: "\(sources)/\(module)/\(file)", encoding: .utf8)
        for line in text.split(separator: "\n") {
          let words = line.split(separator: " ")
          let modifiers: Set<Substring> = ["@testable", "@_exported", "public", "package", "internal"]
          guard let i = words.firstIndex(of: "import"), i + 1 < words.count,
            words[..<i].allSatisfy({ modifiers.contains($0) })
          else { continue }
          let imported = String(words[i + 1])
          if Self.isGuarded(imported), !allowed.contains(imported), !libc.contains(imported) {
            violations.append("\(module)/\(file): import \(imported)")
          }
        }
      }
    }
    #expect(checkedModules == Self.allowed.count, "a module in the table is missing from Sources")
    #expect(violations.isEmpty, "\(violations.joined(separator: "\n"))")
  }
}
