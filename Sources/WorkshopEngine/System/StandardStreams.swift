#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing to standard output and standard error without buffering, as `FileHandle` did: what is
/// written is out before the next line of the program runs (or the process `exec`s another).
public enum StandardStreams {
  public static func writeOutput(_ text: String) { send(text, to: STDOUT_FILENO) }
  public static func writeError(_ text: String) { send(text, to: STDERR_FILENO) }

  private static func send(_ text: String, to descriptor: Int32) {
    var text = text
    text.withUTF8 { bytes in
      var offset = 0
      while offset < bytes.count {
        let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return  // a closed pipe: nothing more can be said
        }
        offset += written
      }
    }
  }
}
