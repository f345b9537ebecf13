import WorkshopEngine

extension SessionController {
  /// The learner's answer and the right one to an ordering or matching question, spelled out
  /// item by item: in a review the question's listing has long scrolled away, and "1 4 3 2"
  /// alone cannot be checked. Nil for other question types, which read well in one line.
  func itemizedReview(_ q: Question, _ p: Presentation, response: Response?, indent: Int) -> String? {
    var lines: [String] = []
    func heading(_ text: String) { lines.append(wrapped(text, indent: indent)) }
    func entry(_ label: String, _ text: String) {
      let pad = indent + 2
      let prefix = String(repeating: " ", count: pad) + label + " "
      let rest = [Span(String(repeating: " ", count: DisplayWidth.of(prefix)))]
      let wrappedLines = Wrapper.wrap(
        [Span(clean(text, newlines: false))], width: contentWidth, first: [Span(prefix)], rest: rest)
      lines.append(wrappedLines.map(theme.render).joined(separator: "\n"))
    }
    switch q.body {
    case .ordering(let items, _):
      if case .order(let order)? = response {
        heading(Copy.yourOrder)
        for canonical in order where items.indices.contains(canonical) {
          entry("\(p.display(canonical) + 1).", items[canonical])
        }
      }
      heading(Copy.rightOrder)
      for canonical in items.indices {
        entry("\(p.display(canonical) + 1).", items[canonical])
      }
    case .matching(let pairs, _):
      func match(_ left: Int, _ right: Int) -> (String, String) {
        let letter = Copy.letter(left).lowercased()
        return ("\(letter).", "\(pairs[left].left) → \(p.display(right) + 1). \(pairs[right].right)")
      }
      if case .matches(let chosen)? = response {
        heading(Copy.yourMatches)
        for (left, right) in chosen.enumerated() where pairs.indices.contains(left) && pairs.indices.contains(right) {
          let (label, text) = match(left, right)
          entry(label, text)
        }
      }
      heading(Copy.rightMatches)
      for left in pairs.indices {
        let (label, text) = match(left, left)
        entry(label, text)
      }
    default:
      return nil
    }
    return lines.joined(separator: "\n")
  }

  /// A command for the learner to copy, indented; when it is wider than the window it goes on
  /// over several lines, each ending in a backslash, so it can still be pasted as it is.
  func shellCommand(_ pieces: [String]) -> String {
    let indent = "  "
    var lines: [String] = []
    var line = indent
    for word in pieces.map({ clean($0, newlines: false) }) {
      let candidate = line == indent || line == indent + "  " ? line + word : line + " " + word
      if DisplayWidth.of(candidate) + 2 > contentWidth, line != indent, line != indent + "  " {
        lines.append(line + " \\")
        line = indent + "  " + word
      } else {
        line = candidate
      }
    }
    lines.append(line)
    return lines.map { style($0, .code) }.joined(separator: "\n")
  }
}
