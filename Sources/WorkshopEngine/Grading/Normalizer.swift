public enum Normalizer {
  /// Normalises a short answer (or an accepted answer) so that spelling variants compare equal.
  ///
  /// 1. Unicode NFKC: composed and decomposed accents agree ("Café" = "Cafe\u{301}"), full-width
  ///    and other compatibility forms become their plain letters and digits.
  /// 2. Lower case.
  /// 3. Punctuation and symbols (Unicode categories P* and S*) go away — "U.S.A." → "usa",
  ///    "ed25519!" → "ed25519" — with two exceptions that keep words and numbers apart:
  ///    dashes, connectors such as `_`, and slashes become spaces ("open-source" → "open source",
  ///    "TCP/IP" → "tcp ip"), and a `.` between two digits stays ("3.5", "v2.0").
  ///    A consequence: "C++" and "C" normalise alike; use another wording for such answers.
  /// 4. Invisible format characters (zero-width spaces, joiners, BOM) are removed.
  /// 5. Surrounding whitespace is trimmed and every run of whitespace becomes one space.
  public static func normalize(_ text: String) -> String {
    normalizeASCII(text) ?? normalizeUnicode(text)
  }

  /// The words of normalised text: it separates them with single spaces, so splitting on the
  /// byte is enough (and much cheaper than splitting on Characters).
  static func words(ofNormalized text: String) -> [Substring] {
    var words: [Substring] = []
    let bytes = text.utf8
    var start = bytes.startIndex
    var index = start
    while index != bytes.endIndex {
      if bytes[index] == 0x20 {
        if start != index { words.append(text[start..<index]) }
        start = bytes.index(after: index)
      }
      index = bytes.index(after: index)
    }
    if start != bytes.endIndex { words.append(text[start..<bytes.endIndex]) }
    return words
  }

  static func normalizeUnicode(_ text: String) -> String {
    let composed = UnicodeFolding.nfkc(UnicodeFolding.nfkc(text).lowercased())
    let scalars = Array(composed.unicodeScalars)
    var out = String.UnicodeScalarView()
    var pendingSpace = false
    func emit(_ scalar: Unicode.Scalar) {
      if pendingSpace, !out.isEmpty { out.append(" ") }
      pendingSpace = false
      out.append(scalar)
    }
    for (i, scalar) in scalars.enumerated() {
      let props = scalar.properties
      if props.isWhitespace {
        pendingSpace = true
        continue
      }
      switch props.generalCategory {
      case .dashPunctuation, .connectorPunctuation:
        pendingSpace = true
      case .format, .control:
        continue
      case .otherPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
        .finalPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
        if scalar == "/" || scalar == "\\" || scalar == "\u{2044}" {
          pendingSpace = true
        } else if scalar == ".", i > 0, i + 1 < scalars.count,
          isDigit(scalars[i - 1]), isDigit(scalars[i + 1])
        {
          emit(scalar)
        }
      default:
        emit(scalar)
      }
    }
    return String(out)
  }

  /// The same rules for text that is all ASCII, where NFKC changes nothing and every character's
  /// category is known: no Unicode tables. Nil when the text is not ASCII.
  static func normalizeASCII(_ text: String) -> String? {
    var text = text
    return text.withUTF8 { bytes -> String? in
      for byte in bytes where byte >= 0x80 { return nil }
      let n = bytes.count
      return String(unsafeUninitializedCapacity: n) { out in
        var count = 0
        var pendingSpace = false
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        for i in 0..<n {
          var b = bytes[i]
          switch b {
          case 0x09...0x0D, 0x20, 0x2D, 0x5F, 0x2F, 0x5C:
            // Whitespace, dash, connector and slashes separate words.
            pendingSpace = true
            continue
          case 0x30...0x39, 0x41...0x5A, 0x61...0x7A:
            if b <= 0x5A && b >= 0x41 { b |= 0x20 }
          case 0x2E where i > 0 && i + 1 < n && isDigit(bytes[i - 1]) && isDigit(bytes[i + 1]):
            break
          default:
            // Controls, other punctuation and symbols go away.
            continue
          }
          if pendingSpace && count > 0 {
            out[count] = 0x20
            count += 1
          }
          pendingSpace = false
          out[count] = b
          count += 1
        }
        return count
      }
    }
  }

  private static func isDigit(_ s: Unicode.Scalar) -> Bool {
    s.properties.numericType == .decimal
  }

  /// Whether `pattern` matches the whole of `normalized`, case-insensitively. An invalid pattern
  /// matches nothing (lint reports it; see `patternError`).
  public static func matches(pattern: String, normalized: String) -> Bool {
    guard let regex = RegexCache.shared.regex(for: pattern) else { return false }
    return (try? regex.firstMatch(in: normalized)) != nil
  }

  /// Throws when `pattern`, as written, is not a regular expression (lint's check of a question).
  public static func validatePattern(_ pattern: String) throws {
    _ = try RegexCache.syntax(of: pattern)
  }

  /// Why `pattern` is not a usable regular expression, or nil when it compiles.
  public static func patternError(_ pattern: String) -> String? {
    do {
      _ = try RegexCache.compile(pattern)
      return nil
    } catch {
      return "invalid regular expression `\(pattern)`: \(error)"
    }
  }
}

/// Compiled short-answer patterns, kept because the same question is graded many times in a
/// session (and by lint's example proofs).
private final class RegexCache: @unchecked Sendable {
  static let shared = RegexCache()
  private let lock = Lock()
  // `nil` records a pattern that failed to compile, so it is not retried on every answer.
  private var compiled: [String: Regex<AnyRegexOutput>?] = [:]

  static func compile(_ pattern: String) throws -> Regex<AnyRegexOutput> {
    // Anchoring with \A and \z makes the pattern match the whole response, even if the author
    // wrote alternatives without a group (`a|b`).
    try syntax(of: "\\A(?:\(pattern))\\z").ignoresCase()
  }

  /// An author's pattern as a regular expression, matched scalar by scalar as ICU's (and so
  /// NSRegularExpression's) patterns are, rather than by grapheme.
  static func syntax(of pattern: String) throws -> Regex<AnyRegexOutput> {
    try Regex(pattern).matchingSemantics(.unicodeScalar)
  }

  func regex(for pattern: String) -> Regex<AnyRegexOutput>? {
    lock.lock()
    defer { lock.unlock() }
    if let cached = compiled[pattern] { return cached }
    let regex = try? Self.compile(pattern)
    compiled[pattern] = .some(regex)
    return regex
  }
}
