import WorkshopEngine

/// Lays out a pipe table in the columns available: a grid with wrapped cells when every column
/// can be given room for its longest word, otherwise one block per row ("Header: value"), which
/// is also the screen-reader form.
struct TableLayout {
  var theme: Theme
  var width: Int
  /// Columns between two cells of the grid.
  let gap = 2

  func lines(header: [[Span]], rows: [[[Span]]], alignments: [MarkdownTable.Alignment])
    -> [[Span]]
  {
    if !theme.plain, let widths = columnWidths(header: header, rows: rows) {
      return grid(header: header, rows: rows, alignments: alignments, widths: widths)
    }
    return records(header: header, rows: rows)
  }

  /// Each column's width, or nil when the grid does not fit.
  func columnWidths(header: [[Span]], rows: [[[Span]]]) -> [Int]? {
    let count = header.count
    guard count > 0 else { return nil }
    var natural = Array(repeating: 1, count: count)
    var longestWord = Array(repeating: 1, count: count)
    for row in [header] + rows {
      for (i, cell) in row.enumerated() where i < count {
        let text = cell.map(\.text).joined()
        natural[i] = max(natural[i], DisplayWidth.of(text))
        for word in text.split(separator: " ") {
          longestWord[i] = max(longestWord[i], DisplayWidth.of(word))
        }
      }
    }
    let available = width - gap * (count - 1)
    if natural.reduce(0, +) <= available { return natural }
    // The wrapper never makes a line narrower than 8 columns, so no column gets less.
    let minimum = zip(natural, longestWord).map { min($0, max($1, 8)) }
    let floor = minimum.reduce(0, +)
    guard floor <= available else { return nil }
    // Share what is left in proportion to what each column still lacks.
    var widths = minimum
    let lacking = zip(natural, minimum).map { $0 - $1 }
    let totalLack = lacking.reduce(0, +)
    var spare = available - floor
    if totalLack > 0 {
      for i in 0..<count {
        let share = min(lacking[i], (available - floor) * lacking[i] / totalLack)
        widths[i] += share
        spare -= share
      }
      for i in 0..<count where spare > 0 && widths[i] < natural[i] {
        widths[i] += 1
        spare -= 1
      }
    }
    return widths
  }

  private func grid(
    header: [[Span]], rows: [[[Span]]], alignments: [MarkdownTable.Alignment], widths: [Int]
  ) -> [[Span]] {
    var out: [[Span]] = []
    out += row(header.map { $0.map { Span($0.text, $0.style.union(.bold)) } }, alignments, widths)
    var rule: [Span] = []
    for (i, w) in widths.enumerated() {
      if i > 0 { rule.append(Span(String(repeating: " ", count: gap))) }
      rule.append(Span(String(repeating: String(theme.rule), count: w), .dim))
    }
    out.append(rule)
    for cells in rows { out += row(cells, alignments, widths) }
    return out
  }

  /// One table row: each cell wrapped to its column, padded, side by side.
  private func row(_ cells: [[Span]], _ alignments: [MarkdownTable.Alignment], _ widths: [Int])
    -> [[Span]]
  {
    let wrapped = widths.indices.map { i -> [[Span]] in
      i < cells.count && !cells[i].isEmpty ? Wrapper.wrap(cells[i], width: widths[i]) : [[]]
    }
    let height = wrapped.map(\.count).max() ?? 1
    var out: [[Span]] = []
    for lineIndex in 0..<height {
      var line: [Span] = []
      for (i, cellLines) in wrapped.enumerated() {
        let content = lineIndex < cellLines.count ? cellLines[lineIndex] : []
        let room = widths[i] - Wrapper.spans(width: content)
        let alignment = i < alignments.count ? alignments[i] : .left
        let before = alignment == .right ? room : alignment == .center ? room / 2 : 0
        if i > 0 { line.append(Span(String(repeating: " ", count: gap))) }
        if before > 0 { line.append(Span(String(repeating: " ", count: before))) }
        line += content
        if room - before > 0 { line.append(Span(String(repeating: " ", count: room - before))) }
      }
      out.append(line)
    }
    return out
  }

  /// One block per row: "Header: value" for each cell, for narrow windows and screen readers.
  private func records(header: [[Span]], rows: [[[Span]]]) -> [[Span]] {
    var out: [[Span]] = []
    for (r, cells) in rows.enumerated() {
      if r > 0 { out.append([]) }
      if theme.plain {
        var spans: [Span] = [Span("Row \(r + 1).")]
        for (i, cell) in cells.enumerated() {
          let name = i < header.count ? header[i] : []
          spans.append(Span(" "))
          if !name.isEmpty { spans += name + [Span(": ")] }
          spans += cell.isEmpty ? [Span("(empty)")] : cell
          spans.append(Span("."))
        }
        out += Wrapper.wrap(spans, width: width)
      } else {
        for (i, cell) in cells.enumerated() {
          let name = i < header.count ? header[i] : []
          var spans: [Span] = []
          if !name.isEmpty {
            spans += name.map { Span($0.text, $0.style.union(.bold)) } + [Span(": ", .bold)]
          }
          spans += cell
          out += Wrapper.wrap(spans, width: width, first: [], rest: [Span("  ")])
        }
      }
    }
    return out
  }
}
