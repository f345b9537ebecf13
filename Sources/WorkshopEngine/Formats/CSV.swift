/// RFC 4180 CSV with spreadsheet formula injection neutralised.
public enum CSV {
  /// A cell as written: quoted when it holds a comma, quote, CR or LF (quotes doubled), and
  /// prefixed with an apostrophe when a spreadsheet would take it for a formula (it starts with
  /// `=`, `+`, `-`, `@`, tab or carriage return), except a plain negative number such as
  /// `-0.25`, which a spreadsheet reads as a number and cannot run: prefixing it would turn a
  /// discrimination figure into text.
  public static func cell(_ text: String) -> String {
    var value = text
    if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first),
      !isPlainNumber(value)
    {
      value = "'" + value
    }
    if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
      return "\"" + value.replacingScalars(of: "\"", with: "\"\"") + "\""
    }
    return value
  }

  /// `-12`, `-0.5`, `-1e-05`: digits with at most one point and an exponent, nothing else.
  static func isPlainNumber(_ text: String) -> Bool {
    var rest = Substring(text)
    if rest.first == "-" { rest = rest.dropFirst() }
    let mantissa = rest.prefix { $0 != "e" && $0 != "E" }
    var exponent = rest.dropFirst(mantissa.count).dropFirst()
    if exponent.first == "-" || exponent.first == "+" { exponent = exponent.dropFirst() }
    let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
    func digits(_ s: Substring) -> Bool { !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber } }
    guard (1...2).contains(parts.count), parts.allSatisfy(digits) else { return false }
    return mantissa.count == rest.count || digits(exponent)
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
