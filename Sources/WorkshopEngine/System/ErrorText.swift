#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An error in words for a message to the user. A file-system error says what the system said
/// ("No such file or directory"); Foundation's `localizedDescription` would link ICU for it.
public enum ErrorText {
  public static func describe(_ error: any Error) -> String {
    if let posix = error as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
    if let cocoa = error as? CocoaError {
      if let underlying = cocoa.underlying { return describe(underlying) }
      return "file system error \(cocoa.code.rawValue)"
    }
    if let described = error as? any CustomStringConvertible { return described.description }
    return String(describing: error)
  }
}
