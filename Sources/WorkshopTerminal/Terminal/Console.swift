import CReadline

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes to standard output and error through the same C streams readline uses, so text and
/// prompts never come out of order.
public enum Console {
  public static func write(_ text: String) {
    fputs(text, workshop_stdout())
    fflush(workshop_stdout())
  }

  public static func error(_ text: String) {
    fputs(text, workshop_stderr())
    fflush(workshop_stderr())
  }
}
