import ArgumentParser
import Foundation
import WorkshopRecords
import WorkshopTerminal

/// How both executables report to the user: errors and warnings on standard error, prefixed
/// `workshop:`, with control characters made visible.
public enum CLIOutput {
  public static func error(_ message: String) {
    FileHandle.standardError.write(Data("workshop: \(Sanitizer.visible(message))\n".utf8))
  }

  public static func warn(_ message: String) {
    FileHandle.standardError.write(Data("workshop: warning: \(Sanitizer.visible(message))\n".utf8))
  }

  public static func emit(_ text: String, to path: String?) throws {
    if let path {
      do {
        try RecordFiles.writePrivate(text, to: path)
      } catch {
        Self.error(error.description)
        throw ExitCode(64)
      }
    } else {
      // A file or pipe gets the exact bytes; a terminal gets them with controls made visible.
      let shown = isatty(STDOUT_FILENO) == 1 ? Sanitizer.visible(text) : text
      FileHandle.standardOutput.write(Data(shown.utf8))
    }
  }
}
