import Foundation
import Testing
import WorkshopTestSupport

/// `workshop serve`, `workshop join` and `workshop sync` live in the companion executable
/// workshop-live; the learner's `workshop` hands them over with exec.
@Suite struct CompanionTests {
  @Test("workshop --help lists serve and join, and their help comes from the companion")
  func helpGoesThroughTheCompanion() throws {
    let workshop = try BuiltProducts.workshop()
    let help = try ProcessRunner.run(workshop, ["--help"])
    #expect(help.status == 0)
    #expect(help.stdout.contains("serve") && help.stdout.contains("Run a live, instructor-led session"), "\(help.stdout)")
    #expect(help.stdout.contains("join") && help.stdout.contains("Join an instructor's live session"))

    for arguments in [["serve", "--help"], ["help", "serve"]] {
      let serve = try ProcessRunner.run(workshop, arguments)
      #expect(serve.status == 0, "\(arguments): \(serve.stderr)")
      // Options only the real command has: the companion answered, not a stub.
      #expect(serve.stdout.contains("--no-console") && serve.stdout.contains("--max-learners"), "\(serve.stdout)")
    }
    let join = try ProcessRunner.run(workshop, ["join", "--help"])
    #expect(join.stdout.contains("--code") && join.stdout.contains("--plain"), "\(join.stdout)")
  }

  @Test("workshop sync is listed by workshop, and its help and checks come from the companion")
  func syncGoesThroughTheCompanion() throws {
    let workshop = try BuiltProducts.workshop()
    let help = try ProcessRunner.run(workshop, ["--help"])
    #expect(help.stdout.contains("  sync  ") && help.stdout.contains("Send learners' xAPI statements"), "\(help.stdout)")
    for arguments in [["sync", "--help"], ["help", "sync"]] {
      let sync = try ProcessRunner.run(workshop, arguments)
      #expect(sync.status == 0, "\(arguments): \(sync.stderr)")
      // Options only the real command has: the companion answered, not a stub.
      #expect(sync.stdout.contains("--retry-refused") && sync.stdout.contains("--batch-size"), "\(sync.stdout)")
    }
    let unsure = try ProcessRunner.run(workshop, ["sync", "--course", "c"])
    #expect(unsure.status == 64)
    #expect(unsure.stderr.contains("say what to sync"), "\(unsure.stderr)")
  }

  @Test("a join with bad arguments is refused by the companion with a usage error")
  func badArgumentsReachTheCompanion() throws {
    let join = try ProcessRunner.run(try BuiltProducts.workshop(), ["join", "no-port", "--code", "1", "--name", "Ana"])
    #expect(join.status == 64)
    #expect(join.stderr.contains("give the address as HOST:PORT"), "\(join.stderr)")
  }

  @Test("without workshop-live beside workshop or on PATH, serve, join, sync and --sync say what to install")
  func missingCompanion() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    let alone = folder.file("workshop")
    try FileManager.default.copyItem(atPath: try BuiltProducts.workshop(), toPath: alone)
    let environment = ["PATH": folder.file("empty")]
    for arguments in [
      ["serve", "--course", "x"], ["join", "127.0.0.1:1", "--code", "1", "--name", "Ana"],
      ["sync", "--all", "--course", "x"],
      // Background sending runs in the companion too, and says so before the session starts.
      ["start", "first-steps", "--learner", "Ana", "--sync"],
    ] {
      let result = try ProcessRunner.run(alone, arguments, environment: environment)
      #expect(result.status == 1, "\(arguments)")
      #expect(result.stderr.contains("workshop-live"), "\(result.stderr)")
      #expect(result.stderr.contains("Install it next to workshop"), "\(result.stderr)")
    }
    // Everything else works without it.
    let version = try ProcessRunner.run(alone, ["--version"], environment: environment)
    #expect(version.status == 0 && !version.stdout.isEmpty)
  }

  @Test("the built workshop holds no network code; workshop-live holds it all")
  func networkCodeIsInTheCompanionOnly() throws {
    // Module names appear in the symbols of every function and type the binary holds.
    let network = ["AsyncHTTPClient", "NIOPosix", "NIOSSL", "NIOHTTP2", "Hummingbird", "WorkshopSync"]
    func holds(_ binary: String, _ name: String) throws -> Bool {
      let bytes = try Data(contentsOf: URL(fileURLWithPath: binary), options: .alwaysMapped)
      let needle = Array(name.utf8)
      return bytes.withUnsafeBytes { file -> Bool in
        guard let base = file.baseAddress else { return false }
        var offset = 0
        while offset + needle.count <= file.count {
          guard let hit = memchr(base + offset, Int32(needle[0]), file.count - offset - needle.count + 1) else {
            return false
          }
          if memcmp(hit, needle, needle.count) == 0 { return true }
          offset = base.distance(to: UnsafeRawPointer(hit)) + 1
        }
        return false
      }
    }
    let workshop = try BuiltProducts.workshop()
    let live = try BuiltProducts.executable("workshop-live")
    for name in network {
      #expect(try !holds(workshop, name), "workshop links \(name)")
      #expect(try holds(live, name), "workshop-live holds \(name), so the search works")
    }
  }

  @Test("workshop-live is found on PATH when it is not beside workshop")
  func companionOnPath() throws {
    let folder = try TemporaryFolder()
    defer { folder.remove() }
    try FileManager.default.createDirectory(atPath: folder.file("bin"), withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: try BuiltProducts.workshop(), toPath: folder.file("workshop"))
    try FileManager.default.createSymbolicLink(
      atPath: folder.file("bin/workshop-live"), withDestinationPath: try BuiltProducts.executable("workshop-live"))
    let result = try ProcessRunner.run(
      folder.file("workshop"), ["serve", "--help"], environment: ["PATH": folder.file("bin")])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("--no-console"))
  }
}
