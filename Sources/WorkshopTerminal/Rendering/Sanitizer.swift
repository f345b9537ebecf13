/// Makes text from lesson files and learners safe to print.
///
/// Lesson text or a typed answer must never be able to move the cursor, change colours, set the
/// window title or hide text, so every string that did not come from workshop itself passes
/// through here before it is styled.
public enum Sanitizer {
  /// Removes escape sequences and control characters. Newlines survive when `keepNewlines` is
  /// set; tabs become a space.
  public static func clean(_ text: String, keepNewlines: Bool = true) -> String {
    // Fast path: most text has nothing to remove.
    if !text.unicodeScalars.contains(where: { needsWork($0) }) { return text }
    var out = String.UnicodeScalarView()
    var scalars = text.unicodeScalars.makeIterator()
    var pending: Unicode.Scalar? = nil
    while let s = pending ?? scalars.next() {
      pending = nil
      switch s.value {
      case 0x1B:  // ESC: drop the whole sequence, not only the ESC byte.
        guard let next = scalars.next() else { break }
        switch next {
        case "[":  // CSI: parameters and intermediates, then one final byte 0x40...0x7E.
          while let c = scalars.next() {
            if (0x40...0x7E).contains(c.value) { break }
          }
        case "]", "P", "X", "^", "_":  // OSC, DCS, SOS, PM, APC: up to BEL or ESC \.
          while let c = scalars.next() {
            if c.value == 0x07 { break }
            if c.value == 0x1B {
              if let t = scalars.next(), t != "\\" { pending = t }
              break
            }
          }
        default:
          break  // a two-character sequence such as ESC c
        }
      case 0x0A:
        if keepNewlines { out.append(s) } else { out.append(" ") }
      case 0x09:
        out.append(" ")
      case 0x9B:  // 8-bit CSI
        while let c = scalars.next() {
          if (0x40...0x7E).contains(c.value) { break }
        }
      default:
        if !isControl(s) { out.append(s) }
      }
    }
    return String(out)
  }

  /// For text shown as data rather than content — diagnostics, names, titles in tables, records:
  /// every control character is kept but made visible and harmless, so an author or an
  /// administrator sees exactly what is in the file. C0 controls and DEL use caret notation
  /// (`^[` for ESC, `^G` for BEL, `^?` for DEL), C1 controls and bidirectional overrides and
  /// isolates are spelled out (`\u{9B}`, `\u{202E}`). Newlines and tabs are kept when
  /// `keepNewlines` is set (the text is workshop's own multi-line output), else shown too.
  public static func visible(_ text: String, keepNewlines: Bool = true) -> String {
    if !text.unicodeScalars.contains(where: { needsVisible($0, keepNewlines: keepNewlines) }) { return text }
    var out = String.UnicodeScalarView()
    for s in text.unicodeScalars {
      guard needsVisible(s, keepNewlines: keepNewlines) else {
        out.append(s)
        continue
      }
      switch s.value {
      case 0x00...0x1F: out.append(contentsOf: "^".unicodeScalars); out.append(Unicode.Scalar(UInt8(s.value + 0x40)))
      case 0x7F: out.append(contentsOf: "^?".unicodeScalars)
      default: out.append(contentsOf: "\\u{\(String(s.value, radix: 16, uppercase: true))}".unicodeScalars)
      }
    }
    return String(out)
  }

  private static func needsVisible(_ s: Unicode.Scalar, keepNewlines: Bool) -> Bool {
    if keepNewlines, s.value == 0x0A || s.value == 0x09 { return false }
    switch s.value {
    case 0x200E, 0x200F, 0x061C: return true  // direction marks: invisible, but they reorder text
    default: return isControl(s)
    }
  }

  private static func needsWork(_ s: Unicode.Scalar) -> Bool {
    s.value < 0x20 || isControl(s)
  }

  /// C0, DEL, C1, and the bidirectional overrides that can make text read differently from
  /// what it is.
  private static func isControl(_ s: Unicode.Scalar) -> Bool {
    switch s.value {
    case 0x00...0x1F, 0x7F...0x9F: return true
    case 0x202A...0x202E, 0x2066...0x2069: return true
    default: return false
    }
  }
}
