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

/// The time every command works with. `WORKSHOP_NOW` (an ISO 8601 instant such as
/// `2026-12-01T09:00:00Z`) moves the clock so that it reads that instant when the process starts
/// and runs on from there: tests and demonstrations can answer a lesson "today" and review it
/// "next week". This is the only place that reads the variable.
public enum WorkshopClock {
  public static let environmentVariable = "WORKSHOP_NOW"

  /// The current time, moved by `WORKSHOP_NOW` when it is set (and valid).
  public static func now() -> Date {
    guard let offset = override.offset else { return Date() }
    return Date().addingTimeInterval(offset)
  }

  /// Milliseconds since 1970, as the journal and the review schedule count time.
  public static func nowMilliseconds() -> Int64 {
    Int64((now().timeIntervalSince1970 * 1000).rounded(.down))
  }

  /// A message saying what is wrong with `WORKSHOP_NOW`, or nil when it is unset or valid.
  /// Commands check this before doing anything, so a typo never passes silently as "now".
  public static var environmentProblem: String? { override.problem }

  /// Parses an ISO 8601 instant: `2026-12-01T09:00:00Z`, with optional fractional seconds and a
  /// `+hh:mm` offset instead of `Z`.
  public static func parseInstant(_ text: String) -> Date? {
    try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
  }

  private struct Override: Sendable {
    var offset: TimeInterval?
    var problem: String?
  }

  // Read once: the offset is fixed at start-up, so the clock runs on at the normal rate.
  private static let override: Override = {
    guard let raw = getenv(environmentVariable).map({ String(cString: $0) }), !raw.isEmpty else {
      return Override()
    }
    guard let instant = parseInstant(raw.trimmed(.spaces)) else {
      return Override(
        problem: "\(environmentVariable)=\(raw) is not an ISO 8601 instant; "
          + "write it like 2026-12-01T09:00:00Z, or unset it to use the real clock.")
    }
    return Override(offset: instant.timeIntervalSinceNow)
  }()
}
