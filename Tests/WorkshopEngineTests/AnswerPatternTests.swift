import Foundation
import Testing

@testable import WorkshopEngine

/// Short-answer patterns moved from NSRegularExpression (ICU) to Swift's Regex. Every pattern of
/// the bundled course and of the test fixtures is valid or invalid as before and accepts the same
/// answers, including answers made to match it and near misses.
@Suite struct AnswerPatternTests {
  static let root = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// Every `pattern:` of the lessons and fixtures, with the YAML quoting undone.
  static func writtenPatterns() throws -> [String] {
    var patterns: [String] = [
      "ed ?25519|curve25519", "[a-c]+", "(unclosed", "i+t", "a|b", "colou?r", "\\d+(\\.\\d+)?", "[[:alpha:]]+",
    ]
    for folder in ["lessons", "Tests"] {
      let base = root.appendingPathComponent(folder)
      let files = FileManager.default.enumerator(atPath: base.path)?.compactMap { $0 as? String } ?? []
      for file in files where file.hasSuffix(".md") || file.hasSuffix(".yaml") {
        // Some fixtures are deliberately not UTF-8; they hold no pattern.
        guard let text = try? String(contentsOf: base.appendingPathComponent(file), encoding: .utf8) else { continue }
        for line in text.split(separator: "\n") {
          let trimmed = line.drop { $0 == " " }
          guard trimmed.hasPrefix("pattern: ") else { continue }
          let value = trimmed.dropFirst("pattern: ".count)
          if value.hasPrefix("'"), value.hasSuffix("'"), value.count >= 2 {
            patterns.append(value.dropFirst().dropLast().replacingOccurrences(of: "''", with: "'"))
          } else if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
            patterns.append(String(value.dropFirst().dropLast()))
          }
        }
      }
    }
    return patterns
  }

  /// Strings the pattern matches, drawn by walking it (literals, groups, `|`, `?`, `*`, `+`,
  /// classes and escapes: the syntax authors use).
  static func samples(of pattern: String, count: Int, rng: inout SplitMix) -> [String] {
    let chars = Array(pattern)
    func alternatives(_ i: inout Int, _ out: inout String) {
      var branches: [(start: Int, end: Int)] = []
      var start = i
      var depth = 0
      var j = i
      while j < chars.count {
        let c = chars[j]
        if c == "\\" { j += 2; continue }
        if c == "[" { while j < chars.count, chars[j] != "]" { j += 1 } }
        if c == "(" { depth += 1 }
        if c == ")" { if depth == 0 { break }; depth -= 1 }
        if c == "|" && depth == 0 { branches.append((start, j)); start = j + 1 }
        j += 1
      }
      branches.append((start, j))
      let pick = branches[Int(rng.next() % UInt64(branches.count))]
      var k = pick.start
      sequence(&k, pick.end, &out)
      i = j
    }
    func sequence(_ i: inout Int, _ end: Int, _ out: inout String) {
      while i < end {
        var piece = ""
        let c = chars[i]
        if c == "(" {
          i += 1
          if i + 1 < chars.count, chars[i] == "?", chars[i + 1] == ":" { i += 2 }
          alternatives(&i, &piece)
          i += 1  // ")"
        } else if c == "[" {
          var members: [Character] = []
          i += 1
          while i < chars.count, chars[i] != "]" {
            if i + 2 < chars.count, chars[i + 1] == "-", chars[i + 2] != "]",
              let a = chars[i].unicodeScalars.first?.value, let b = chars[i + 2].unicodeScalars.first?.value, a <= b
            {
              members += (a...b).compactMap { Unicode.Scalar($0).map(Character.init) }
              i += 3
            } else {
              members.append(chars[i])
              i += 1
            }
          }
          i += 1
          piece = members.isEmpty ? "a" : String(members[Int(rng.next() % UInt64(members.count))])
        } else if c == "\\", i + 1 < chars.count {
          let e = chars[i + 1]
          piece = e == "d" ? String(rng.next() % 10) : e == "s" ? " " : e == "w" ? "w" : String(e)
          i += 2
        } else if c == "." {
          piece = "x"
          i += 1
        } else {
          piece = String(c)
          i += 1
        }
        var times = 1
        if i < end, "?*+".contains(chars[i]) {
          let q = chars[i]
          times = q == "?" ? Int(rng.next() % 2) : q == "*" ? Int(rng.next() % 3) : 1 + Int(rng.next() % 2)
          i += 1
        }
        for _ in 0..<times { out += piece }
      }
    }
    return (0..<count).map { _ in
      var i = 0
      var out = ""
      alternatives(&i, &out)
      return out
    }
  }

  /// Near misses: a character dropped, doubled or changed, upper case, an accent added.
  static func variants(of text: String, rng: inout SplitMix) -> [String] {
    var chars = Array(text)
    var out = [text.uppercased(), text + "s", "x" + text, text + "\u{301}"]
    if !chars.isEmpty {
      let at = Int(rng.next() % UInt64(chars.count))
      var dropped = chars
      dropped.remove(at: at)
      out.append(String(dropped))
      chars.insert(chars[at], at: at)
      out.append(String(chars))
    }
    return out
  }

  static func foundationMatches(_ pattern: String, _ text: String) -> Bool {
    guard let regex = try? NSRegularExpression(pattern: "\\A(?:\(pattern))\\z", options: [.caseInsensitive]) else {
      return false
    }
    return regex.firstMatch(in: text, range: NSRange(text.startIndex..<text.endIndex, in: text)) != nil
  }

  @Test("every written pattern is valid or invalid as it was with NSRegularExpression")
  func validity() throws {
    let patterns = try Self.writtenPatterns()
    #expect(patterns.count >= 15)
    for pattern in patterns {
      let foundationAccepts = (try? NSRegularExpression(pattern: pattern)) != nil
      let accepted = (try? Normalizer.validatePattern(pattern)) != nil
      #expect(accepted == foundationAccepts, "\(pattern)")
      #expect((Normalizer.patternError(pattern) == nil) == foundationAccepts, "\(pattern)")
    }
  }

  @Test("every written pattern accepts the same answers as with NSRegularExpression")
  func sameAnswers() throws {
    var rng = SplitMix(seed: 7)
    var matched = 0
    for pattern in try Self.writtenPatterns() where (try? NSRegularExpression(pattern: pattern)) != nil {
      for sample in Self.samples(of: pattern, count: 60, rng: &rng) {
        for text in [sample] + Self.variants(of: sample, rng: &rng) {
          let normalized = Normalizer.normalize(text)
          let expected = Self.foundationMatches(pattern, normalized)
          #expect(Normalizer.matches(pattern: pattern, normalized: normalized) == expected, "\(pattern) on \(text)")
          if expected { matched += 1 }
        }
      }
    }
    // The samples do reach the patterns: most of them match.
    #expect(matched > 500)
  }

  @Test("only the deliberately broken patterns are invalid")
  func onlyBrokenPatternsAreInvalid() throws {
    let invalid = try Self.writtenPatterns().filter { (try? NSRegularExpression(pattern: $0)) == nil }
    #expect(invalid == ["(unclosed", "([a-z"])
  }
}

/// SplitMix64: seeded, so that a failing sample repeats.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
