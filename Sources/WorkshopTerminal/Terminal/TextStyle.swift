/// What a piece of text is, independent of how a terminal shows it.
public struct TextStyle: OptionSet, Sendable, Hashable {
  public let rawValue: UInt16
  public init(rawValue: UInt16) { self.rawValue = rawValue }

  public static let bold = TextStyle(rawValue: 1 << 0)
  public static let italic = TextStyle(rawValue: 1 << 1)
  public static let underline = TextStyle(rawValue: 1 << 2)
  public static let dim = TextStyle(rawValue: 1 << 3)
  public static let code = TextStyle(rawValue: 1 << 4)
  public static let success = TextStyle(rawValue: 1 << 5)
  public static let failure = TextStyle(rawValue: 1 << 6)
  public static let accent = TextStyle(rawValue: 1 << 7)
  public static let link = TextStyle(rawValue: 1 << 8)
  public static let heading: TextStyle = [.bold, .accent]
}

/// How output looks: colour or not, and whether the plain (screen-reader) mode is on.
///
/// Meaning never depends on colour: every state is also written in words, so switching colour
/// off loses nothing but decoration.
public struct Theme: Sendable, Hashable {
  /// ANSI styles (colour, bold, underline).
  public var color: Bool
  /// Screen-reader mode: no colour, no box drawing or symbols, every state spelled out.
  public var plain: Bool

  public init(color: Bool, plain: Bool) {
    self.plain = plain
    self.color = color && !plain
  }

  public static let plainText = Theme(color: false, plain: true)

  /// Wraps `text` in the escape sequences for `style` (or returns it as is without colour).
  public func apply(_ style: TextStyle, to text: String) -> String {
    guard color, !style.isEmpty, !text.isEmpty else { return text }
    var codes: [String] = []
    if style.contains(.bold) { codes.append("1") }
    if style.contains(.dim) { codes.append("2") }
    if style.contains(.italic) { codes.append("3") }
    if style.contains(.underline) || style.contains(.link) { codes.append("4") }
    if style.contains(.success) {
      codes.append("32")
    } else if style.contains(.failure) {
      codes.append("31")
    } else if style.contains(.code) {
      codes.append("36")
    } else if style.contains(.accent) {
      codes.append("35")
    } else if style.contains(.link) {
      codes.append("34")
    }
    return "\u{1B}[" + codes.joined(separator: ";") + "m" + text + "\u{1B}[0m"
  }

  // Symbols that decorate; plain mode replaces them with words or nothing.
  var bullet: String { plain ? "-" : "•" }
  var rule: Character { plain ? "-" : "─" }
  var quoteBar: String { plain ? "" : "│ " }
}
