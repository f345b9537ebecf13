/// RFC 4180 CSV with spreadsheet formula injection neutralised.
public enum CSV {
  /// A cell as written: quoted when it holds a comma, quote, CR or LF (quotes doubled), and
  /// prefixed with an apostrophe when a spreadsheet would take it for a formula (it starts with
  /// `=`, `+`, `-`, `@`, tab or carriage return). Numbers written by the exporters are never
  /// negative, so the rule applies to every cell without exceptions.
  public static func cell(_ text: String) -> String {
    var value = text
    if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
      value = "'" + value
    }
    if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
      return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return value
  }

  /// Rows joined with CRLF, as RFC 4180 specifies, ending with a line break.
  public static func document(header: [String], rows: [[String]]) -> String {
    var out = header.map(cell).joined(separator: ",") + "\r\n"
    for row in rows { out += row.map(cell).joined(separator: ",") + "\r\n" }
    return out
  }

  /// Shares and seconds with at most four decimals: enough for a spreadsheet, stable for golden
  /// files.
  public static func number(_ x: Double?) -> String {
    guard let x, x.isFinite else { return "" }
    return JSONWriter.number((x * 10_000).rounded() / 10_000)
  }
}
