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
  /// Lines of spans no wider than `width` (a word longer than a line is cut, except an address,
  /// which gets a line of its own). `first` prefixes
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
          if w <= avail || isAddress(parts) {
            // An address is never cut: a terminal finds a link only when it is on one line.
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

  private static func isAddress(_ parts: [Span]) -> Bool {
    parts.contains { $0.text.contains("://") || $0.text.hasPrefix("mailto:") }
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

/// Word wrapping for plain text outside a session (command output, server messages).
public enum TextWrap {
  /// `text` in lines no wider than `width` columns, by display width; an address is never cut.
  public static func lines(_ text: String, width: Int) -> [String] {
    Wrapper.wrap([Span(text)], width: width).map { line in
      var s = line.map(\.text).joined()
      while s.hasSuffix(" ") { s.removeLast() }
      return s
    }
  }
}

extension TextWrap {
  /// Text that may already carry colour sequences, each line wrapped by words to `width`
  /// columns; continuation lines keep the line's own indentation. Escape sequences take no
  /// columns. Words are never cut, so an address stays whole.
  public static func fit(_ text: String, width: Int) -> String {
    let width = max(20, width)
    var out: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      guard visibleWidth(line) > width else {
        out.append(String(line))
        continue
      }
      let indent = String(line.prefix { $0 == " " })
      var current = ""
      var used = 0
      for word in line.dropFirst(indent.count).split(separator: " ") {
        let w = visibleWidth(word)
        if !current.isEmpty && used + 1 + w > width {
          out.append(current)
          current = ""
        }
        if current.isEmpty {
          current = indent + word
          used = indent.count + w
        } else {
          current += " " + word
          used += 1 + w
        }
      }
      out.append(current)
    }
    return out.joined(separator: "\n")
  }

  /// Display width without CSI escape sequences.
  static func visibleWidth(_ text: Substring) -> Int {
    guard text.contains("\u{1B}") else { return DisplayWidth.of(text) }
    var total = 0
    var inEscape = false
    var sawBracket = false
    for ch in text {
      if inEscape {
        if !sawBracket {
          sawBracket = true
          if ch != "[" { inEscape = false }
          continue
        }
        if let v = ch.unicodeScalars.first?.value, (0x40...0x7E).contains(v) { inEscape = false }
        continue
      }
      if ch == "\u{1B}" {
        inEscape = true
        sawBracket = false
        continue
      }
      total += DisplayWidth.of(ch)
    }
    return total
  }
}
