import Foundation

/// Finds executables built by SwiftPM alongside the running tests.
public enum BuiltProducts {
  /// Path of the `workshop` executable, building it when the test run did not.
  public static func workshop() throws -> String {
    try executable("workshop")
  }

  public static func executable(_ name: String) throws -> String {
    let fm = FileManager.default
    var candidates: [URL] = []
    // The test bundle lives in the build products folder, next to the executables.
    let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var dir = testBinary.deletingLastPathComponent()
    for _ in 0..<4 {
      candidates.append(dir.appendingPathComponent(name))
      dir = dir.deletingLastPathComponent()
    }
    if let products = Bundle.allBundles.first(where: { $0.bundlePath.hasSuffix(".xctest") }) {
      candidates.append(products.bundleURL.deletingLastPathComponent().appendingPathComponent(name))
    }
    let root = packageRoot
    candidates.append(root.appendingPathComponent(".build/debug/\(name)"))
    if let found = candidates.first(where: { fm.isExecutableFile(atPath: $0.path) && !isDirectory($0.path) }) {
      return found.path
    }
    // Not built yet: build it once from the package root.
    let build = Process()
    build.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    build.arguments = ["swift", "build", "--product", name]
    build.currentDirectoryURL = root
    try build.run()
    build.waitUntilExit()
    let built = root.appendingPathComponent(".build/debug/\(name)")
    guard fm.isExecutableFile(atPath: built.path) else {
      throw SupportError("could not find or build the '\(name)' executable")
    }
    return built.path
  }

  /// The package folder (where Package.swift is).
  public static var packageRoot: URL {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
      url.deleteLastPathComponent()
      if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        return url
      }
    }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
  }

  private static func isDirectory(_ path: String) -> Bool {
    var isDir: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
  }
}

public struct SupportError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// Where tests make their temporary folders: one parent per test process, removed when the process
/// exits, so that a folder a test leaves behind (a learner's progress, a session's records) does not
/// stay in the system's temporary folder.
public enum TestScratch {
  public static let root: String = {
    let path = NSTemporaryDirectory() + "workshop-tests-\(getpid())"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(atPath: TestScratch.root) }
    return path
  }()

  /// A new path under `root`, not yet created.
  public static func path(_ prefix: String) -> String {
    root + "/\(prefix)-\(UUID().uuidString)"
  }
}

/// A fresh temporary folder, removed by `remove()` (or with the rest of `TestScratch` at exit).
public struct TemporaryFolder: Sendable {
  public let path: String
  public init(prefix: String = "workshop-test") throws {
    path = TestScratch.path(prefix)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }
  public func file(_ relative: String) -> String { path + "/" + relative }
  public func write(_ relative: String, _ text: String) throws {
    let target = file(relative)
    try FileManager.default.createDirectory(
      atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try text.write(toFile: target, atomically: true, encoding: .utf8)
  }
  public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
