/// One problem found in a lesson pack, located in a file.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
  public enum Severity: String, Sendable, Codable {
    case error, warning
  }

  public var severity: Severity
  public var path: String
  /// 1-based.
  public var line: Int
  /// 1-based, counted in Unicode scalars.
  public var column: Int
  public var message: String

  public init(severity: Severity, path: String, line: Int, column: Int, message: String) {
    self.severity = severity
    self.path = path
    self.line = line
    self.column = column
    self.message = message
  }

  /// `path:line:column: error: message`, the form compilers use, so editors can jump to it.
  public var description: String {
    "\(path):\(line):\(column): \(severity.rawValue): \(message)"
  }

  /// Orders by path, then line, then column; ties keep errors before warnings, then by message,
  /// so that output is stable from run to run.
  static func precedes(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
    if a.path != b.path { return a.path < b.path }
    if a.line != b.line { return a.line < b.line }
    if a.column != b.column { return a.column < b.column }
    if a.severity != b.severity { return a.severity == .error }
    return a.message < b.message
  }
}

extension [Diagnostic] {
  /// Diagnostics sorted by path, line and column.
  public func sortedByLocation() -> [Diagnostic] { sorted(by: Diagnostic.precedes) }

  public var errorCount: Int { reduce(0) { $0 + ($1.severity == .error ? 1 : 0) } }
  public var warningCount: Int { reduce(0) { $0 + ($1.severity == .warning ? 1 : 0) } }
}

/// Collects the diagnostics of one file. A class so that the many small readers of one file can
/// share it without threading `inout` through every call.
final class DiagnosticSink {
  let path: String
  var items: [Diagnostic] = []
  private(set) var errorCount = 0
  var hasErrors: Bool { errorCount > 0 }

  init(path: String) { self.path = path }

  func error(_ line: Int, _ column: Int, _ message: String) {
    error(in: path, line, column, message)
  }

  /// An error that belongs to another file but is found while reading this one.
  func error(in path: String, _ line: Int, _ column: Int, _ message: String) {
    items.append(
      Diagnostic(
        severity: .error, path: path, line: max(line, 1), column: max(column, 1),
        message: message))
    errorCount += 1
  }

  func warning(_ line: Int, _ column: Int, _ message: String) {
    items.append(
      Diagnostic(
        severity: .warning, path: path, line: max(line, 1), column: max(column, 1),
        message: message))
  }
}
