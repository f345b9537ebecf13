/// A pipe table as GitHub-flavoured Markdown writes it. libcmark (CommonMark without
/// extensions) reads one as an ordinary paragraph, so the terminal renderer and lint both find
/// tables in a paragraph's source lines with this one reader.
public struct MarkdownTable: Sendable, Hashable {
  public enum Alignment: Sendable, Hashable { case left, center, right }

  /// Cell text is Markdown (inline), without the surrounding pipes and spaces.
  public var header: [String]
  public var alignments: [Alignment]
  /// Every row has exactly `header.count` cells (short rows are padded, long rows cut, as GFM does).
  public var rows: [[String]]

  /// Where in a paragraph a table starts: the lines before it are ordinary text.
  public struct Found: Sendable, Hashable {
    public var leadingLines: Int
    public var table: MarkdownTable
  }

  /// The first table in `lines` (a paragraph's source lines), or nil. A table is a row of cells,
  /// then a delimiter row (`---`, `:--`, `--:`, `:-:` per cell) with as many cells, then rows.
  public static func find(in lines: [Substring]) -> Found? {
    guard lines.count >= 2 else { return nil }
    for i in 0..<(lines.count - 1) {
      guard lines[i].contains("|") else { continue }
      let header = cells(lines[i])
      guard let alignments = delimiterRow(lines[i + 1]), alignments.count == header.count else {
        continue
      }
      var rows: [[String]] = []
      for line in lines[(i + 2)...] {
        var row = cells(line)
        if row.count < header.count { row += Array(repeating: "", count: header.count - row.count) }
        rows.append(Array(row.prefix(header.count)))
      }
      return Found(
        leadingLines: i, table: MarkdownTable(header: header, alignments: alignments, rows: rows))
    }
    return nil
  }

  /// Whether `lines` look like an attempt at a table (a line of pipes followed by a line of
  /// dashes and pipes) that `find` does not accept, so lint can say why.
  public static func looksLikeBrokenTable(_ lines: [Substring]) -> Bool {
    guard find(in: lines) == nil, lines.count >= 2 else { return false }
    for i in 0..<(lines.count - 1) where lines[i].contains("|") {
      let next = lines[i + 1].trimmingSpaces()
      if next.contains("|") && next.contains("-")
        && next.allSatisfy({ "|-: ".contains($0) })
      {
        return true
      }
    }
    return false
  }

  /// Cells of one row: split on pipes that are neither escaped (`\|`) nor inside a code span.
  static func cells(_ line: Substring) -> [String] {
    var text = line.trimmingSpaces()
    if text.hasPrefix("|") { text.removeFirst() }
    if text.hasSuffix("|") && !text.hasSuffix("\\|") { text.removeLast() }
    var cells: [String] = []
    var current = ""
    var inCode = 0
    var pending = text.makeIterator()
    var backticks = 0
    while let ch = pending.next() {
      if ch == "`" {
        backticks += 1
        current.append(ch)
        continue
      }
      if backticks > 0 {
        // A run of backticks opens a code span, or closes one of the same length.
        if inCode == 0 { inCode = backticks } else if inCode == backticks { inCode = 0 }
        backticks = 0
      }
      if ch == "\\" {
        if let next = pending.next() {
          if next == "|" { current.append("|") } else { current.append(ch); current.append(next) }
        } else {
          current.append(ch)
        }
      } else if ch == "|" && inCode == 0 {
        cells.append(String(current[...].trimmingSpaces()))
        current = ""
      } else {
        current.append(ch)
      }
    }
    cells.append(String(current[...].trimmingSpaces()))
    return cells
  }

  static func delimiterRow(_ line: Substring) -> [Alignment]? {
    let text = line.trimmingSpaces()
    guard text.contains("-"), text.contains("|") || text.contains(":") || text.allSatisfy({ $0 == "-" })
    else { return nil }
    var alignments: [Alignment] = []
    for cell in cells(text) {
      guard !cell.isEmpty, cell.allSatisfy({ $0 == "-" || $0 == ":" }),
        cell.contains("-"), !cell.dropFirst().dropLast().contains(":")
      else { return nil }
      let left = cell.hasPrefix(":")
      let right = cell.hasSuffix(":") && cell.count > 1
      alignments.append(left && right ? .center : right ? .right : .left)
    }
    return alignments.isEmpty ? nil : alignments
  }
}

extension Substring {
  fileprivate func trimmingSpaces() -> Substring {
    var s = self
    while let first = s.first, first == " " || first == "\t" { s.removeFirst() }
    while let last = s.last, last == " " || last == "\t" { s.removeLast() }
    return s
  }
}
