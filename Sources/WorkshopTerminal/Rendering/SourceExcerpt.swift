import WorkshopEngine

/// The source line a diagnostic points at, with a caret under its column, as compilers show it:
///
///     lessons/git/01-commits.md:36:1: error: question block opened here is never closed …
///        36 | ```question
///           | ^
///
/// The first line stays `path:line:column: severity: message` so editors can still jump to it.
public enum SourceExcerpt {
  /// The excerpt lines for `diagnostic` (without its first line), fitted to `width` columns.
  /// `sourceLine` is the text of the line it points at, or nil when it cannot be read.
  public static func lines(for diagnostic: Diagnostic, sourceLine: String?, width: Int) -> [String]
  {
    guard let sourceLine else { return [] }
    // Columns count Unicode scalars; the caret goes under the display column of that scalar.
    let scalars = Array(sourceLine.unicodeScalars)
    let split = min(max(diagnostic.column - 1, 0), scalars.count)
    var before = String(String.UnicodeScalarView(scalars[..<split]))
    var after = String(String.UnicodeScalarView(scalars[split...]))
    before = Sanitizer.clean(before, keepNewlines: false)
    after = Sanitizer.clean(after, keepNewlines: false)
    if before.allSatisfy({ $0 == " " }) && after.allSatisfy({ $0 == " " }) && !after.isEmpty {
      after = ""
    }
    let number = String(diagnostic.line)
    let gutter = String(repeating: " ", count: number.count + 2)
    let room = max(20, width - gutter.count - 3)

    // A line wider than the window is cut around the caret, so the caret stays on screen.
    var caretAt = DisplayWidth.of(before)
    var shown = before + after
    if DisplayWidth.of(shown) > room {
      var head = before
      var cut = false
      while DisplayWidth.of(head) > room * 2 / 3, !head.isEmpty {
        head.removeFirst()
        cut = true
      }
      if cut { head = "…" + head }
      var tail = after
      while DisplayWidth.of(head) + DisplayWidth.of(tail) > room, !tail.isEmpty {
        tail.removeLast()
        if DisplayWidth.of(head) + DisplayWidth.of(tail) + 1 <= room {
          tail += "…"
          break
        }
      }
      caretAt = DisplayWidth.of(head)
      shown = head + tail
    }
    while shown.hasSuffix(" ") { shown.removeLast() }
    return [
      "  \(number) | \(shown)",
      "\(gutter) | " + String(repeating: " ", count: caretAt) + "^",
    ]
  }
}
