/// A run of text in one style.
public struct Span: Sendable, Hashable {
  public var text: String
  public var style: TextStyle
  public init(_ text: String, _ style: TextStyle = []) {
    self.text = text
    self.style = style
  }
}

/// Greedy word wrapping of styled text by display width.
enum Wrapper {
  /// Lines of spans no wider than `width` (a word longer than a line is cut). `first` prefixes
  /// the first line and `rest` every other line (list bullets, quote bars, indents).
  static func wrap(
    _ spans: [Span], width: Int, first: [Span] = [], rest: [Span] = []
  ) -> [[Span]] {
    let firstWidth = Wrapper.spans(width: first)
    let restWidth = Wrapper.spans(width: rest)
    var lines: [[Span]] = []
    var line: [Span] = first
    var used = firstWidth
    var lineStart = true
    var avail: Int { max(8, width - (lines.isEmpty ? firstWidth : restWidth)) }

    func newLine() {
      lines.append(line)
      line = rest
      used = restWidth
      lineStart = true
    }

    for token in tokens(spans) {
      switch token {
      case .hardBreak:
        newLine()
      case .word(let parts):
        let w = parts.reduce(0) { $0 + DisplayWidth.of($1.text) }
        let prefixWidth = lines.isEmpty ? firstWidth : restWidth
        let current = used - prefixWidth
        if !lineStart && current + 1 + w <= avail {
          line.append(Span(" ", parts.first?.style.intersection([.code]) ?? []))
          line.append(contentsOf: parts)
          used += 1 + w
        } else {
          if !lineStart { newLine() }
          if w <= avail {
            line.append(contentsOf: parts)
            used += w
          } else {
            // Cut the word at grapheme boundaries.
            for part in parts {
              var chunk = ""
              for ch in part.text {
                let cw = DisplayWidth.of(ch)
                if used - (lines.isEmpty ? firstWidth : restWidth) + cw > avail, used > (lines.isEmpty ? firstWidth : restWidth) {
                  line.append(Span(chunk, part.style))
                  chunk = ""
                  newLine()
                }
                chunk.append(ch)
                used += cw
              }
              if !chunk.isEmpty { line.append(Span(chunk, part.style)) }
            }
          }
          lineStart = false
        }
      }
    }
    lines.append(line)
    return lines
  }

  private enum Token { case word([Span]), hardBreak }

  private static func tokens(_ spans: [Span]) -> [Token] {
    var result: [Token] = []
    var word: [Span] = []
    func flush() {
      if !word.isEmpty { result.append(.word(word)) }
      word = []
    }
    for span in spans {
      var current = ""
      for ch in span.text {
        if ch == "\n" {
          if !current.isEmpty { word.append(Span(current, span.style)) }
          current = ""
          flush()
          result.append(.hardBreak)
        } else if ch == " " || ch == "\t" {
          if !current.isEmpty { word.append(Span(current, span.style)) }
          current = ""
          flush()
        } else {
          current.append(ch)
        }
      }
      if !current.isEmpty { word.append(Span(current, span.style)) }
    }
    flush()
    return result
  }

  static func spans(width spans: [Span]) -> Int {
    spans.reduce(0) { $0 + DisplayWidth.of($1.text) }
  }
}

extension Theme {
  /// One line of spans as terminal text. Runs in the same style (and the spaces between them)
  /// share one escape sequence, so a styled phrase reaches the terminal as one piece.
  func render(_ line: [Span]) -> String {
    var runs: [Span] = []
    for (i, span) in line.enumerated() {
      var style = span.style
      if span.text.allSatisfy({ $0 == " " }), i > 0, i + 1 < line.count,
        line[i - 1].style == line[i + 1].style
      {
        style = line[i - 1].style
      }
      if let last = runs.last, last.style == style {
        runs[runs.count - 1].text += span.text
      } else {
        runs.append(Span(span.text, style))
      }
    }
    var out = ""
    for run in runs { out += apply(run.style, to: run.text) }
    // Trailing spaces from prefixes are noise for screen readers and in test expectations.
    while out.hasSuffix(" ") { out.removeLast() }
    return out
  }
}
