import Foundation
import Testing

@testable import WorkshopEngine

/// The engine's own text rules (Unicode folding, trimming, paths, number spelling, patterns) give
/// what Foundation's corelibs gave, so dropping corelibs from the learner's binary changed nothing
/// a learner or an author can see. Foundation is the reference here, in the test process only.
@Suite struct FoundationFreeTextTests {
  /// The Unicode version the engine's tables come from; characters assigned later (which ICU may
  /// know) are outside the comparison.
  static let tableVersion: (Int, Int) = {
    let parts = UnicodeFolding.unicodeVersion.split(separator: ".").compactMap { Int($0) }
    return (parts[0], parts[1])
  }()

  static func isCompared(_ scalar: Unicode.Scalar) -> Bool {
    guard let age = scalar.properties.age else { return false }  // unassigned
    return age.major < tableVersion.0 || (age.major == tableVersion.0 && age.minor <= tableVersion.1)
  }

  static let bmp: [Unicode.Scalar] = (0...0xFFFF).compactMap { Unicode.Scalar(UInt32($0)) }.filter(isCompared)

  /// Mixed strings: ASCII, accents precomposed and combining, compatibility forms, scripts that
  /// compose (Hangul) and astral letters, from a fixed seed so that a failure repeats.
  static func randomStrings(count: Int, seed: UInt64) -> [String] {
    let ranges: [ClosedRange<UInt32>] = [
      0x20...0x7E, 0x20...0x7E, 0xA0...0x17F, 0x300...0x36F, 0x370...0x3FF, 0x400...0x4FF, 0x1E00...0x1EFF,
      0x2000...0x206F, 0x2070...0x209F, 0x2150...0x218F, 0x2460...0x24FF, 0x1100...0x11FF, 0xAC00...0xD7A3,
      0x3131...0x318E, 0xF900...0xFAFF, 0xFB00...0xFB4F, 0xFB50...0xFDFF, 0xFE30...0xFE4F, 0xFE70...0xFEFF,
      0xFF01...0xFFEE, 0x1D400...0x1D7FF, 0x1F100...0x1F1FF, 0x0900...0x097F, 0x0E00...0x0E7F,
    ]
    var rng = SplitMix(seed: seed)
    func next() -> UInt64 { rng.next() }
    return (0..<count).map { _ in
      var text = String.UnicodeScalarView()
      for _ in 0..<(1 + Int(next() % 12)) {
        let range = ranges[Int(next() % UInt64(ranges.count))]
        let value = range.lowerBound + UInt32(next() % UInt64(range.count))
        if let scalar = Unicode.Scalar(value), isCompared(scalar) { text.append(scalar) }
      }
      return String(text)
    }
  }

  static func hex(_ text: String) -> String { text.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: " ") }

  // MARK: NFKC

  @Test("NFKC of every BMP scalar is Foundation's, scalar for scalar")
  func nfkcOfEveryScalar() {
    var differences: [String] = []
    for scalar in Self.bmp {
      let text = String(scalar)
      let ours = UnicodeFolding.nfkc(text)
      let foundation = text.precomposedStringWithCompatibilityMapping
      if !ours.unicodeScalars.elementsEqual(foundation.unicodeScalars) {
        differences.append(String(scalar.value, radix: 16))
      }
    }
    #expect(differences == [])
    #expect(Self.bmp.count > 60_000)
  }

  /// Across scalars the two differ in spelling, not in meaning: Foundation's own NFKC leaves
  /// Hangul jamo that came from compatibility forms uncomposed and marks from them unordered,
  /// where the standard library composes and orders them as Unicode says. The grader compares
  /// normalised answers with String equality (canonical equivalence), under which they agree.
  /// Foundation also composes an initial and an archaic vowel jamo into a scalar that is no
  /// syllable (unassigned); such answers are left out.
  @Test("NFKC of mixed strings equals Foundation's, and answers normalise to equal text")
  func nfkcOfMixedStrings() {
    var differences: [String] = []
    for text in Self.randomStrings(count: 20_000, seed: 15) {
      let ours = UnicodeFolding.nfkc(text)
      let foundation = text.precomposedStringWithCompatibilityMapping
      if ours != foundation {
        differences.append("\(Self.hex(text)): \(Self.hex(ours)) ≠ \(Self.hex(foundation))")
      }
      let normalized = Normalizer.normalize(text)
      let reference = Self.referenceNormalize(text)
      if reference.unicodeScalars.contains(where: { $0.properties.age == nil }) { continue }
      if normalized != reference {
        differences.append("normalize \(Self.hex(text)): \(Self.hex(normalized)) ≠ \(Self.hex(reference))")
      }
    }
    #expect(differences == [])
  }

  @Test("NFKC examples a learner meets")
  func nfkcExamples() {
    #expect(Normalizer.normalize("Ｃａｆé") == "café")
    #expect(Normalizer.normalize("Cafe\u{301}") == Normalizer.normalize("Café"))
    #expect(Normalizer.normalize("ﬁle ½") == "file 1 2")
    #expect(Array(Normalizer.normalize("CAFE\u{301}").utf8) == Array("café".utf8))
    #expect(UnicodeFolding.nfkc("plain ascii") == "plain ascii")
  }

  /// Normalizer's rules before it stopped using Foundation: NFKC, lower case, NFKC again, then
  /// the same character classes.
  static func referenceNormalize(_ text: String) -> String {
    let composed = text.precomposedStringWithCompatibilityMapping.lowercased().precomposedStringWithCompatibilityMapping
    return Normalizer.normalizeUnicode(composed)
  }

  // MARK: Accent and width folding (slugs)

  @Test("learner ids from names of every BMP scalar are what Foundation's folding gave")
  func learnerSlugsOfEveryScalar() {
    var differences: [String] = []
    for scalar in Self.bmp {
      for name in ["a\(scalar)b", "\(scalar)"] where LearnerID.slug(fromName: name)?.rawValue != Self.referenceLearnerSlug(name) {
        differences.append("\(Self.hex(name)): \(LearnerID.slug(fromName: name)?.rawValue ?? "nil") ≠ \(Self.referenceLearnerSlug(name) ?? "nil")")
      }
    }
    #expect(differences == [])
  }

  @Test("page ids from headings of every BMP scalar are what Foundation's folding gave")
  func pageSlugsOfEveryScalar() {
    var differences: [String] = []
    for scalar in Self.bmp {
      let heading = "a\(scalar)b"
      if slugify(heading) != Self.referencePageSlug(heading) {
        differences.append("\(Self.hex(heading)): \(slugify(heading)) ≠ \(Self.referencePageSlug(heading))")
      }
    }
    #expect(differences == [])
  }

  @Test("slugs of mixed strings are what Foundation's folding gave")
  func slugsOfMixedStrings() {
    var differences: [String] = []
    for text in Self.randomStrings(count: 20_000, seed: 16) {
      if slugify(text) != Self.referencePageSlug(text) {
        differences.append("page \(Self.hex(text)): \(slugify(text)) ≠ \(Self.referencePageSlug(text))")
      }
      if LearnerID.slug(fromName: text)?.rawValue != Self.referenceLearnerSlug(text) {
        differences.append("id \(Self.hex(text)): \(LearnerID.slug(fromName: text)?.rawValue ?? "nil") ≠ \(Self.referenceLearnerSlug(text) ?? "nil")")
      }
    }
    #expect(differences == [])
  }

  static let extraFolds: [Unicode.Scalar: String] = [
    "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss", "đ": "d",
    "Đ": "d", "ł": "l", "Ł": "l", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "ı": "i",
  ]

  /// `LearnerID.slug(fromName:)` as it was, on Foundation's folding (short names only: a long
  /// one's digest suffix does not depend on folding).
  static func referenceLearnerSlug(_ name: String) -> String? {
    let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
    var out = ""
    var pendingDash = false
    for scalar in folded.unicodeScalars {
      let piece: String?
      switch scalar {
      case "a"..."z", "0"..."9": piece = String(scalar)
      case "A"..."Z": piece = String(scalar).lowercased()
      default: piece = extraFolds[scalar]
      }
      if let piece {
        if pendingDash, !out.isEmpty { out += "-" }
        pendingDash = false
        out += piece
      } else {
        pendingDash = true
      }
    }
    return out.isEmpty ? nil : out
  }

  /// `slugify` as it was, on Foundation's folding.
  static func referencePageSlug(_ text: String) -> String {
    let folded = text.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil)
    var out = ""
    var pendingDash = false
    for scalar in folded.lowercased().unicodeScalars {
      let v = scalar.value
      if (0x61...0x7A).contains(v) || (0x30...0x39).contains(v) {
        if pendingDash && !out.isEmpty { out.append("-") }
        pendingDash = false
        out.unicodeScalars.append(scalar)
      } else if scalar == "'" || scalar == "’" {
        continue
      } else {
        pendingDash = true
      }
    }
    return out
  }

  // MARK: Trimming, replacing, paths, numbers, percent escapes

  @Test("trimming removes what CharacterSet's whitespace sets removed, for every BMP scalar")
  func trimmingMatchesCharacterSets() {
    var differences: [String] = []
    for scalar in Self.bmp where scalar.properties.generalCategory != .nonspacingMark {
      let text = "\(scalar)x \(scalar)"
      if text.trimmed() != text.trimmingCharacters(in: .whitespacesAndNewlines)
        || text.trimmed(.spaces) != text.trimmingCharacters(in: .whitespaces)
        || text.trimmed(.lineBreaks) != text.trimmingCharacters(in: .newlines)
      {
        differences.append("\(Self.hex(text)): \(Self.hex(text.trimmed())) ≠ \(Self.hex(text.trimmingCharacters(in: .whitespacesAndNewlines)))")
      }
    }
    #expect(differences == [])
    #expect("  \t\n".trimmed() == "")
    #expect(" a b ".trimmed() == "a b")
  }

  @Test("replacing matches scalar by scalar, as replacingOccurrences did")
  func replacing() {
    for (text, target, replacement) in [
      ("a\"b\"", "\"", "\"\""), ("it's", "'", "'\\''"), ("12:30:00", ":", ""), ("<a<\u{338}", "<", "\\u003c"),
      ("", "x", "y"), ("xxx", "xx", "y"), ("\u{2212}5", "\u{2212}", "-"),
    ] {
      #expect(
        Array(text.replacingScalars(of: target, with: replacement).unicodeScalars)
          == Array(text.replacingOccurrences(of: target, with: replacement, options: .literal).unicodeScalars))
    }
  }

  @Test("paths split and join as NSString's path methods did")
  func paths() {
    for path in ["/a/b/c.md", "c.md", "/a", "/", "a/b/", "/a/b//", "", "lessons/course/01.md", "./x"] {
      let ns = path as NSString
      #expect(FilePath.parent(path) == ns.deletingLastPathComponent, "parent of \(path)")
      #expect(FilePath.lastComponent(path) == ns.lastPathComponent, "last component of \(path)")
    }
    for (folder, name) in [("/a/b", "c"), ("/a/b/", "c"), ("", "c"), ("a", ".workshop/instructor.key"), ("/", "x")] {
      #expect(FilePath.join(folder, name) == (folder as NSString).appendingPathComponent(name), "\(folder) + \(name)")
    }
  }

  @Test("numbers are spelled as String(format:) spelled them")
  func numbers() {
    var values: [Double] = [0, 0.5, 1.5, 2.5, 0.125, 0.375, 1e-9, 12.345, 99.95, 99.995, -0.05, -2.5, 1234567.891, 1e21]
    var state: UInt64 = 42
    for _ in 0..<2_000 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      values.append(Double(state >> 11) / Double(1 << 53) * 200 - 50)
    }
    for value in values {
      for digits in 0...3 {
        #expect(NumberText.fixed(value, digits: digits) == String(format: "%.\(digits)f", value))
      }
    }
    for n in [0, 7, 42, 123, -3] { #expect(NumberText.zeroPadded(n, width: 2) == String(format: "%02d", n)) }
    for byte in UInt8.min...UInt8.max { #expect(NumberText.hexByte(byte) == String(format: "%02X", byte)) }
  }

  @Test("percent escapes decode and encode as Foundation's did")
  func percentEscapes() {
    for text in ["a%20b", "%E2%9C%93", "100%", "%zz", "%C3", "plain", "%41%42", "caf%C3%A9.md"] {
      #expect(text.percentDecoded == text.removingPercentEncoding, "\(text)")
    }
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    for text in ["a b", "café/ü", "x&y=z", "https://example.org/q?a=1", "日本", "~_.-", "\u{301}"] {
      #expect(text.percentEncodedQueryValue == text.addingPercentEncoding(withAllowedCharacters: allowed), "\(text)")
    }
  }

  // MARK: Dates

  @Test("instants parse as ISO8601DateFormatter parsed them")
  func instants() {
    let plain = ISO8601DateFormatter()
    let fractional = ISO8601DateFormatter()
    fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    for text in [
      "2026-12-01T09:00:00Z", "2026-12-01T09:00:00+02:00", "2026-12-01T09:00:00.250Z", "2026-12-01T09:00:00.5-05:30",
      "2024-02-29T23:59:59Z",
    ] {
      let expected = plain.date(from: text) ?? fractional.date(from: text)
      #expect(WorkshopClock.parseInstant(text) == expected, "\(text)")
    }
    for text in ["tomorrow", "2026-13-01T00:00:00Z", "", "2026-12-01"] {
      #expect(WorkshopClock.parseInstant(text) == nil, "\(text)")
    }
    #expect(Timestamp.formatSeconds(1_763_460_000) == plain.string(from: Date(timeIntervalSince1970: 1_763_460_000)))
  }

  @Test("local days are the calendar's local days")
  func localDays() {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = .current
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "yyyy-MM-dd"
    for ms: Int64 in [0, 1_763_460_000_000, 1_774_746_000_000, 1_792_000_000_123, -86_400_001] {
      let date = Date(timeIntervalSince1970: Double(ms) / 1000)
      let next = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: date))!
      #expect(LocalTime.startOfNextDay(ms) == Int64(next.timeIntervalSince1970 * 1000))
      #expect(LocalTime.dateText(ms) == formatter.string(from: date))
    }
  }
}
