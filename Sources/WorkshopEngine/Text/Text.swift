#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which blanks `trimmed(_:)` removes. The sets are Foundation's `CharacterSet.whitespaces`,
/// `.newlines` and `.whitespacesAndNewlines`, so text trims as it always has.
public enum Blanks: Sendable {
  /// Spaces of every kind (Unicode category Zs), the tab, and the zero-width space (which
  /// Foundation's set keeps from Unicode versions where it was a space).
  case spaces
  /// Line feed, vertical tab, form feed, carriage return, next line, line and paragraph separators.
  case lineBreaks
  case spacesAndLineBreaks

  func contains(_ scalar: Unicode.Scalar) -> Bool {
    switch self {
    case .spaces: Self.isSpace(scalar)
    case .lineBreaks: Self.isLineBreak(scalar)
    case .spacesAndLineBreaks: Self.isSpace(scalar) || Self.isLineBreak(scalar)
    }
  }

  private static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09, 0x20, 0x200B: true
    case 0..<0x80: false
    default: scalar.properties.generalCategory == .spaceSeparator
    }
  }

  private static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x0A...0x0D, 0x85, 0x2028, 0x2029: true
    default: false
    }
  }
}

extension Character {
  /// 0 to 9 only; `isNumber` also takes other scripts' digits, fractions and numerals.
  var isASCIIDigit: Bool { asciiValue.map { (48...57).contains($0) } ?? false }
}

extension StringProtocol {
  /// The text without leading and trailing blanks (by default spaces and line breaks).
  public func trimmed(_ blanks: Blanks = .spacesAndLineBreaks) -> String {
    let scalars = unicodeScalars
    guard let first = scalars.firstIndex(where: { !blanks.contains($0) }) else { return "" }
    let last = scalars.lastIndex(where: { !blanks.contains($0) })!
    return String(String.UnicodeScalarView(scalars[first...last]))
  }

  /// Every occurrence of `target` replaced, matched scalar by scalar (so a quote followed by a
  /// combining accent is still a quote to escape), as Foundation's `replacingOccurrences` did.
  public func replacingScalars(of target: String, with replacement: String) -> String {
    let needle = Array(target.unicodeScalars)
    guard let head = needle.first else { return String(self) }
    let scalars = Array(unicodeScalars)
    var out = String.UnicodeScalarView()
    var i = 0
    while i < scalars.count {
      if scalars[i] == head, i + needle.count <= scalars.count, scalars[i..<i + needle.count].elementsEqual(needle) {
        out.append(contentsOf: replacement.unicodeScalars)
        i += needle.count
      } else {
        out.append(scalars[i])
        i += 1
      }
    }
    return String(out)
  }

  /// The text cut or padded with spaces to exactly `width` characters, for columns.
  public func padded(to width: Int) -> String {
    count >= width ? String(prefix(width)) : String(self) + String(repeating: " ", count: width - count)
  }

  /// `%XX` escapes decoded as UTF-8; nil when an escape is malformed or the bytes are not UTF-8.
  public var percentDecoded: String? {
    var bytes: [UInt8] = []
    var utf8 = self.utf8.makeIterator()
    while let byte = utf8.next() {
      guard byte == UInt8(ascii: "%") else {
        bytes.append(byte)
        continue
      }
      guard let high = utf8.next().flatMap(Self.hexValue), let low = utf8.next().flatMap(Self.hexValue) else {
        return nil
      }
      bytes.append(high << 4 | low)
    }
    return String(validating: bytes, as: UTF8.self)
  }

  /// The text with everything but ASCII letters, digits and `-._~` (RFC 3986's unreserved
  /// characters) percent-encoded as UTF-8, for a query parameter.
  public var percentEncodedQueryValue: String {
    var out = ""
    for scalar in unicodeScalars {
      if Self.isUnescaped(scalar) {
        out.unicodeScalars.append(scalar)
      } else {
        for byte in String(scalar).utf8 { out += "%" + NumberText.hexByte(byte) }
      }
    }
    return out
  }

  private static func isUnescaped(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F, 0x7E: true
    default: false
    }
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}

/// Numbers as text, spelled as C's printf spells them (which Foundation's `String(format:)` did).
public enum NumberText {
  /// `x` with exactly `digits` digits after the point, rounded as printf rounds: `fixed(0.125, 2)`
  /// is "0.12", `fixed(2.5, 0)` is "2".
  public static func fixed(_ x: Double, digits: Int) -> String {
    var buffer = [CChar](repeating: 0, count: 64)
    let count = withVaList([Int32(digits), x]) { vsnprintf(&buffer, buffer.count, "%.*f", $0) }
    guard count >= 0 else { return String(x) }
    if Int(count) >= buffer.count {
      // Very large numbers: give the exact length a second try.
      buffer = [CChar](repeating: 0, count: Int(count) + 1)
      _ = withVaList([Int32(digits), x]) { vsnprintf(&buffer, buffer.count, "%.*f", $0) }
    }
    return String(decoding: buffer.prefix(Int(count)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// `n` in decimal with leading zeros up to `width` digits: `zeroPadded(7, width: 2)` is "07".
  public static func zeroPadded(_ n: Int, width: Int) -> String {
    let digits = String(n.magnitude)
    let padding = String(repeating: "0", count: max(0, width - digits.count - (n < 0 ? 1 : 0)))
    return (n < 0 ? "-" : "") + padding + digits
  }

  /// A byte as two upper-case hexadecimal digits: 10 → "0A".
  public static func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF".utf8)
    return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
  }
}

/// Paths as text, with the rules of Foundation's `NSString` path methods for the cases workshop
/// meets: no file system access, `/` as the only separator.
public enum FilePath {
  /// `parent("/a/b/c.md")` is "/a/b"; `parent("c.md")` is ""; `parent("/a")` is "/".
  public static func parent(_ path: String) -> String {
    let trimmed = withoutTrailingSlashes(path)
    guard let slash = trimmed.lastIndex(of: "/") else { return "" }
    let head = withoutTrailingSlashes(String(trimmed[..<slash]))
    return head.isEmpty ? "/" : head
  }

  /// `join("/a/b", "c.md")` is "/a/b/c.md"; an empty folder gives the name alone.
  public static func join(_ folder: String, _ name: String) -> String {
    if folder.isEmpty { return name }
    if name.isEmpty { return withoutTrailingSlashes(folder) }
    let head = folder.hasSuffix("/") ? folder : folder + "/"
    return withoutTrailingSlashes(head + (name.hasPrefix("/") ? String(name.drop { $0 == "/" }) : name))
  }

  /// `lastComponent("/a/b/c.md")` is "c.md"; `lastComponent("/a/b/")` is "b".
  public static func lastComponent(_ path: String) -> String {
    let trimmed = withoutTrailingSlashes(path)
    guard let slash = trimmed.lastIndex(of: "/") else { return trimmed }
    let name = String(trimmed[trimmed.index(after: slash)...])
    return name.isEmpty ? trimmed : name
  }

  /// The user's home folder from the account database, for when `HOME` is not set.
  public static var accountHome: String {
    if let entry = getpwuid(getuid()), let folder = entry.pointee.pw_dir { return String(cString: folder) }
    return "/"
  }

  private static func withoutTrailingSlashes(_ path: String) -> String {
    var path = Substring(path)
    while path.count > 1, path.hasSuffix("/") { path.removeLast() }
    return String(path)
  }
}
