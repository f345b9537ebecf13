/// Columns a string takes on a terminal: one per grapheme cluster, two for East Asian wide and
/// emoji clusters, none for zero-width ones.
public enum DisplayWidth {
  public static func of(_ text: some StringProtocol) -> Int {
    var total = 0
    for ch in text { total += of(ch) }
    return total
  }

  public static func of(_ ch: Character) -> Int {
    guard let first = ch.unicodeScalars.first else { return 0 }
    let v = first.value
    if v < 0x300 { return v < 0x20 ? 0 : 1 }  // ASCII and Latin: the common case
    if ch.unicodeScalars.count > 1, ch.unicodeScalars.contains(where: { $0.value == 0xFE0F }) {
      return 2  // emoji presentation selector
    }
    if isWide(v) || first.properties.isEmojiPresentation { return 2 }
    if first.properties.generalCategory == .nonspacingMark
      || first.properties.generalCategory == .format
    {
      return 0
    }
    return 1
  }

  private static func isWide(_ v: UInt32) -> Bool {
    switch v {
    case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
      0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
      0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
      return true
    default:
      return false
    }
  }
}
