#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What the command lines ask of the C library, kept here so that they import no C module.
public enum ProcessControl {
  /// One environment variable. `ProcessInfo.environment` copies the whole environment into a
  /// dictionary on every call, which start-up commands do not need.
  public static func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
  }

  /// Whether standard output is a terminal (rather than a file or a pipe).
  public static var outputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

  /// Replaces this process with `path` run with `arguments` (the first being its name, as the
  /// program sees it). Returns only when that fails, with the reason.
  public static func replaceProcess(with path: String, arguments: [String]) -> String {
    let argv = arguments.map { strdup($0) } + [nil]
    execv(path, argv)
    let reason = String(cString: strerror(errno))
    argv.forEach { free($0) }
    return reason
  }

  /// Ends the process at once with `status`.
  public static func exit(_ status: Int32) -> Never {
    #if canImport(Glibc)
    Glibc.exit(status)
    #elseif canImport(Musl)
    Musl.exit(status)
    #else
    Darwin.exit(status)
    #endif
  }
}
