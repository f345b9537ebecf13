import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine
import WorkshopRecords
import WorkshopTerminal

/// How both executables report to the user: errors and warnings on standard error, prefixed
/// `workshop:`, with control characters made visible.
public enum CLIOutput {
  public static func error(_ message: String) {
    StandardStreams.writeError("workshop: \(Sanitizer.visible(message))\n")
  }

  public static func warn(_ message: String) {
    StandardStreams.writeError("workshop: warning: \(Sanitizer.visible(message))\n")
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
      StandardStreams.writeOutput(ProcessControl.outputIsTerminal ? Sanitizer.visible(text) : text)
    }
  }
}
