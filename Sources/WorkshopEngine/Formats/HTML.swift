/// HTML text for the pages workshop writes (certificates, rosters).
public enum HTML {
  /// Escapes text for element content and quoted attribute values.
  public static func escape(_ s: String) -> String {
    var out = ""
    out.reserveCapacity(s.utf8.count)
    for c in s.unicodeScalars {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default:
        // Control characters other than tab and newline have no business in a document.
        if c.value < 32 && c != "\t" && c != "\n" || (0x7F..<0xA0).contains(c.value) {
          out += "\u{FFFD}"
        } else {
          out.unicodeScalars.append(c)
        }
      }
    }
    return out
  }
}
