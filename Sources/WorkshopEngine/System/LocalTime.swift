#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The learner's local calendar day, from the C library's time zone rules (`TZ`, /etc/localtime).
/// FoundationEssentials knows only GMT without ICU's time zone data, so local days are the C
/// library's job.
public enum LocalTime {
  /// The first millisecond of the local day after the one holding `milliseconds`.
  public static func startOfNextDay(_ milliseconds: Int64) -> Int64 {
    var parts = brokenDown(milliseconds)
    parts.tm_mday += 1
    parts.tm_hour = 0
    parts.tm_min = 0
    parts.tm_sec = 0
    parts.tm_isdst = -1  // let mktime decide whether summer time applies at that midnight
    let seconds = mktime(&parts)
    return seconds == -1 ? milliseconds + 86_400_000 : Int64(seconds) * 1000
  }

  /// The local date as `yyyy-MM-dd`.
  public static func dateText(_ milliseconds: Int64) -> String {
    let parts = brokenDown(milliseconds)
    return "\(NumberText.zeroPadded(Int(parts.tm_year) + 1900, width: 4))-"
      + "\(NumberText.zeroPadded(Int(parts.tm_mon) + 1, width: 2))-\(NumberText.zeroPadded(Int(parts.tm_mday), width: 2))"
  }

  private static func brokenDown(_ milliseconds: Int64) -> tm {
    var seconds = time_t(milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000)
    var parts = tm()
    localtime_r(&seconds, &parts)
    return parts
  }
}
