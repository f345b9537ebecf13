import Foundation
import Testing

/// The module arrows of docs/architecture.md, checked against the `import` lines of the sources:
/// a module that reaches across them (the engine importing the terminal, say) fails here.
@Suite struct ModuleArrowTests {
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static let system: Set<String> = ["Foundation", "FoundationEssentials", "Dispatch", "Glibc", "Darwin", "Musl"]

  /// What each module may import besides the system libraries. Keep in step with
  /// docs/architecture.md.
  static let allowed: [String: Set<String>] = [
    "WorkshopEngine": ["CCmark", "CYAML", "Crypto"],
    "WorkshopRecords": ["WorkshopEngine", "Crypto", "JWTKit"],
    "WorkshopTerminal": ["WorkshopEngine", "CReadline", "CCmark"],
    "WorkshopServer": [
      "WorkshopEngine", "WorkshopRecords", "Crypto", "Hummingbird", "HummingbirdCore", "HummingbirdWebSocket",
      "HummingbirdWSClient", "ServiceLifecycle", "Logging", "NIOCore", "NIOPosix",
    ],
    "WorkshopSync": ["WorkshopEngine", "WorkshopRecords", "AsyncHTTPClient", "NIOCore", "NIOHTTP1"],
    "WorkshopLiveTerminal": ["WorkshopEngine", "WorkshopRecords", "WorkshopServer", "WorkshopTerminal"],
    "WorkshopCommandLine": ["WorkshopEngine", "WorkshopRecords", "WorkshopTerminal", "ArgumentParser"],
    // The command lines parse arguments and make one call per command: no C module, not even
    // the C library, and only workshop-live links the live-session server.
    "workshop": ["WorkshopEngine", "WorkshopRecords", "WorkshopTerminal", "WorkshopCommandLine", "ArgumentParser"],
    "workshop-live": [
      "WorkshopEngine", "WorkshopRecords", "WorkshopServer", "WorkshopLiveTerminal", "WorkshopSync",
      "WorkshopCommandLine", "ArgumentParser",
    ],
  ]

  static func imports(of module: String) throws -> [(file: String, module: String)] {
    let folder = root.appendingPathComponent("Sources").appendingPathComponent(module)
    let files = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
    var found: [(String, String)] = []
    for file in files where file.hasSuffix(".swift") {
      let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
      for line in text.split(separator: "\n") {
        let words = line.split(separator: " ").filter { !$0.hasPrefix("@") && $0 != "public" && $0 != "internal" }
        guard words.count >= 2, words[0] == "import" else { continue }
        found.append((module + "/" + file, String(words[1])))
      }
    }
    return found
  }

  @Test("every module imports only what the architecture allows it", arguments: allowed.keys.sorted())
  func importsFollowTheArrows(module: String) throws {
    let found = try Self.imports(of: module)
    #expect(!found.isEmpty, "no sources found for \(module)")
    let commandLines: Set<String> = ["workshop", "workshop-live", "WorkshopCommandLine"]
    let system = commandLines.contains(module) ? ["Foundation", "FoundationEssentials", "Dispatch"] : Self.system
    let allowed = Self.allowed[module]!.union(system)
    let crossing = found.filter { !allowed.contains($0.module) }.map { "\($0.file) imports \($0.module)" }
    #expect(crossing == [])
  }

  /// The modules linked into the learner's `workshop` executable, and `WorkshopSync`, which it
  /// linked until sending moved to workshop-live. corelibs Foundation brings ICU (34 MB of data)
  /// and CoreFoundation into any binary that uses it; these modules use FoundationEssentials,
  /// keeping `import Foundation` only as the fallback where it is missing.
  static let learnerBinary = [
    "WorkshopEngine", "WorkshopRecords", "WorkshopTerminal", "WorkshopCommandLine", "WorkshopSync", "workshop",
  ]

  /// Each `import Foundation…` line of a module's sources that is not the fallback branch of
  /// `#if canImport(FoundationEssentials)`.
  static func unconditionalFoundationImports(of module: String) throws -> [String] {
    let folder = root.appendingPathComponent("Sources").appendingPathComponent(module)
    let files = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
    var found: [String] = []
    for file in files.sorted() where file.hasSuffix(".swift") {
      let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
      // Each open #if: its condition, and whether the #else branch has begun.
      var conditions: [(condition: String, inElse: Bool)] = []
      for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let line = raw.trimmingCharacters(in: .whitespaces)
        if line.hasPrefix("#if ") {
          conditions.append((String(line.dropFirst(4)).trimmingCharacters(in: .whitespaces), false))
        } else if line.hasPrefix("#elseif") || line == "#else" {
          if !conditions.isEmpty { conditions[conditions.count - 1].inElse = true }
        } else if line.hasPrefix("#endif") {
          _ = conditions.popLast()
        } else {
          let words = line.split(separator: " ").filter { !$0.hasPrefix("@") && $0 != "public" && $0 != "internal" }
          guard words.count >= 2, words[0] == "import" else { continue }
          let imported = words[1].split(separator: ".").first.map(String.init) ?? ""
          let corelibs = ["Foundation", "FoundationNetworking", "FoundationXML", "FoundationInternationalization"]
          guard corelibs.contains(imported) else { continue }
          let fallback =
            imported == "Foundation" && conditions.last.map {
              $0.inElse && $0.condition == "canImport(FoundationEssentials)"
            } == true
          if !fallback { found.append("\(module)/\(file):\(number + 1) imports \(imported)") }
        }
      }
    }
    return found
  }

  @Test(
    "modules linked into workshop import corelibs Foundation only where FoundationEssentials is missing",
    arguments: learnerBinary)
  func learnerBinaryLeavesCorelibsFoundationOut(module: String) throws {
    let found = try Self.unconditionalFoundationImports(of: module)
    #expect(found == [])
  }

  @Test("the corelibs check finds an unconditional import")
  func corelibsCheckFindsAnImport() throws {
    // WorkshopServer is linked only into workshop-live and keeps corelibs Foundation.
    #expect(try !Self.unconditionalFoundationImports(of: "WorkshopServer").isEmpty)
  }

  @Test("every module in Sources has a row in the table")
  func everyModuleIsListed() throws {
    let sources = Self.root.appendingPathComponent("Sources").path
    let swiftModules = try FileManager.default.contentsOfDirectory(atPath: sources).filter {
      !FileManager.default.fileExists(atPath: "\(sources)/\($0)/module.modulemap")
    }
    #expect(Set(swiftModules) == Set(Self.allowed.keys))
  }

  /// Each target of Package.swift with the quoted names in its dependency list: its own modules,
  /// and for a product both the product and its package.
  static func packageDependencies() throws -> [String: [String]] {
    let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
    var found: [String: [String]] = [:]
    for block in manifest.components(separatedBy: "arget(").dropFirst() {
      guard let name = block.firstMatch(of: /^\s*name: "([^"]+)"/)?.1 else { continue }
      guard let list = block.firstMatch(of: /^\s*name: "[^"]+",\s*dependencies: \[([^\]]*)\]/)?.1 else {
        found[String(name)] = []
        continue
      }
      found[String(name)] = list.matches(of: /"([^"]+)"/).map { String($0.1) }
    }
    return found
  }

  @Test("the learner's workshop links no network code, not even through another module")
  func workshopLinksNoNetworkCode() throws {
    let targets = try Self.packageDependencies()
    #expect(targets["workshop"]?.contains("WorkshopCommandLine") == true, "the manifest was read: \(targets)")
    func reachable(from start: String) -> Set<String> {
      var reached: Set<String> = []
      var next = [start]
      while let target = next.popLast() {
        for dependency in targets[target] ?? [] where reached.insert(dependency).inserted { next.append(dependency) }
      }
      return reached
    }
    let network: Set<String> = [
      "WorkshopSync", "WorkshopServer", "WorkshopLiveTerminal", "async-http-client", "swift-nio", "hummingbird",
      "hummingbird-websocket",
    ]
    #expect(reachable(from: "workshop").intersection(network).sorted() == [], "`--sync` runs in workshop-live")
    // The same walk from workshop-live does find them, so the walk itself works.
    #expect(reachable(from: "workshop-live").isSuperset(of: ["WorkshopSync", "async-http-client", "hummingbird"]))
  }

  @Test("the engine imports nothing of workshop's own")
  func engineIsTheBottom() throws {
    let own = Set(Self.allowed.keys)
    #expect(try Self.imports(of: "WorkshopEngine").filter { own.contains($0.module) }.map(\.file) == [])
  }
}
