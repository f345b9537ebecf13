import CReadline

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One of the process's standard output streams, named without exposing the C type behind it.
public enum ConsoleStream: Sendable {
  case standardOutput, standardError

  var file: UnsafeMutablePointer<FILE> {
    switch self {
    case .standardOutput: workshop_stdout()
    case .standardError: workshop_stderr()
    }
  }
}

/// Writes to standard output and error through the same C streams readline uses, so text and
/// prompts never come out of order.
public enum Console {
  public static func write(_ text: String) {
    write(text, to: .standardOutput)
  }

  public static func error(_ text: String) {
    write(text, to: .standardError)
  }

  public static func write(_ text: String, to stream: ConsoleStream) {
    fputs(text, stream.file)
    fflush(stream.file)
  }
}
