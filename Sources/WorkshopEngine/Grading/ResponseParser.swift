#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

public struct InputError: Error, Sendable, Hashable {
  public var message: String
  public init(_ message: String) {
    self.message = message
  }
  public init(message: String) {
    self.message = message
  }
}

public enum ResponseParser {
  /// What a learner typed -> canonical Response. Malformed input -> InputError (costs no attempt).
  ///
  /// Letters and numbers refer to what is on screen and are mapped through `presentation` to
  /// canonical indices. Full-width and other compatibility forms are accepted (NFKC), as are
  /// digits of other scripts.
  public static func parse(_ input: String, for question: Question, presentation: Presentation)
    -> Result<Response, InputError>
  {
    do {
      switch question.body {
      case .single(let choices):
        let p = presentation.validated(count: choices.count)
        return .success(.choices([p.order[try single(input, count: choices.count)]]))
      case .multiple(let choices):
        let p = presentation.validated(count: choices.count)
        let picks = try multiple(input, count: choices.count).map { p.order[$0] }
        return .success(.choices(Array(Set(picks)).sorted()))
      case .trueFalse:
        return .success(.choices([try trueFalse(input) ? 0 : 1]))
      case .shortAnswer:
        return .success(.text(try short(input)))
      case .numeric:
        return .success(.number(try number(input)))
      case .ordering(let items, _):
        let p = presentation.validated(count: items.count)
        return .success(.order(try ordering(input, count: items.count).map { p.order[$0] }))
      case .matching(let pairs, _):
        let p = presentation.validated(count: pairs.count)
        return .success(.matches(try matching(input, count: pairs.count).map { p.order[$0] }))
      }
    } catch let error as InputError {
      return .failure(error)
    } catch {
      return .failure(InputError("\(error)"))
    }
  }

  /// Human rendering of a canonical response in the given presentation (e.g. "B, D") for
  /// summaries. Indices that do not exist show as "?".
  public static func describe(_ response: Response, for question: Question, presentation: Presentation)
    -> String
  {
    func shown(_ canonical: Int, count: Int) -> Int? {
      guard (0..<count).contains(canonical) else { return nil }
      return presentation.validated(count: count).displayIndex(canonical: canonical)
    }
    switch (question.body, response) {
    case (.single(let choices), .choices(let picks)), (.multiple(let choices), .choices(let picks)):
      let labels = picks.map { shown($0, count: choices.count) }
        .sorted { ($0 ?? .max) < ($1 ?? .max) }
        .map { $0.map { Presentation.letter($0).uppercased() } ?? "?" }
      return labels.isEmpty ? "(none)" : labels.joined(separator: ", ")
    case (.trueFalse, .choices(let picks)):
      switch picks {
      case [0]: return "True"
      case [1]: return "False"
      default: return "?"
      }
    case (_, .text(let text)):
      return text
    case (_, .number(let value)):
      return format(value)
    case (.ordering(let items, _), .order(let order)):
      return order.map { shown($0, count: items.count).map { String($0 + 1) } ?? "?" }
        .joined(separator: " ")
    case (.matching(let pairs, _), .matches(let matches)):
      return matches.enumerated().map { left, right in
        let number = shown(right, count: pairs.count).map { String($0 + 1) } ?? "?"
        return "\(Presentation.letter(left))-\(number)"
      }.joined(separator: " ")
    case (_, .choices(let picks)):
      return picks.map(String.init).joined(separator: ", ")
    case (_, .order(let order)):
      return order.map { String($0 + 1) }.joined(separator: " ")
    case (_, .matches(let matches)):
      return matches.map { String($0 + 1) }.joined(separator: " ")
    }
  }

  /// Whole numbers without a trailing ".0"; everything else in Swift's shortest exact form.
  static func format(_ value: Double) -> String {
    if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
      return String(Int64(value))
    }
    return String(value)
  }

  // MARK: - Per type

  private static func single(_ input: String, count: Int) throws -> Int {
    let oneAnswer = InputError("Choose one answer, for example b.")
    let text = trimmingEnds(prepare(input))
    guard !text.isEmpty else { throw oneAnswer }
    let tokens = tokens(text)
    if tokens.count > 1 {
      let allChoices = tokens.allSatisfy { (try? choiceIndices($0, count: count)) != nil }
      throw allChoices ? oneAnswer : rangeError(count: count, plural: false)
    }
    let picks = try choiceIndices(text, count: count)
    guard picks.count == 1 else { throw oneAnswer }
    return picks[0]
  }

  private static func multiple(_ input: String, count: Int) throws -> [Int] {
    let text = trimmingEnds(prepare(input))
    let words = tokens(text).filter { $0 != "and" }
    guard !words.isEmpty else {
      throw InputError("Choose one or more letters, for example a, c.")
    }
    return try words.flatMap { try choiceIndices($0, count: count, digitsSplit: count <= 9) }
  }

  private static func trueFalse(_ input: String) throws -> Bool {
    var text = trimmingEnds(prepare(input))
    while let last = text.last, last == "!" { text.removeLast() }
    switch text {
    case "t", "true", "y", "yes", "a": return true
    case "f", "false", "n", "no", "b": return false
    default: throw InputError("Answer true or false (t or f).")
    }
  }

  private static func short(_ input: String) throws -> String {
    let text = input.trimmed()
    guard !text.isEmpty else { throw InputError("Type an answer.") }
    guard !Normalizer.normalize(text).isEmpty else {
      throw InputError("Type an answer in words or numbers.")
    }
    return text
  }

  /// Accepts `42`, `-3`, `+3`, `42.0`, `.5`, `1e3`, `1,000`, `1 000` (groups of three), with a
  /// Unicode minus or a full stop at the end. Rejects percentages, units, fractions, a decimal
  /// comma, and values too large to hold.
  static func number(_ input: String) throws -> Double {
    let generic = InputError("Type a number, for example 42 or 3.5.")
    var text = prepare(input)
    // Minus signs and en dashes are the only non-ASCII characters that mean something here.
    if text.utf8.contains(where: { $0 >= 0x80 }) {
      text = text.replacingScalars(of: "\u{2212}", with: "-")
        .replacingScalars(of: "\u{2013}", with: "-")
    }
    if text.hasSuffix("."), text.dropLast().last?.isNumber == true { text.removeLast() }
    guard !text.isEmpty else { throw generic }
    if text.contains("%") {
      throw InputError("Type the number without a % sign, for example 3.5 rather than 3.5%.")
    }
    var chars = Array(text)
    var sign = ""
    if let first = chars.first, first == "-" || first == "+" {
      sign = first == "-" ? "-" : ""
      chars.removeFirst()
      while chars.first == " " { chars.removeFirst() }
    }
    var exponent = ""
    if let e = chars.firstIndex(of: "e") {
      let tail = String(chars[(e + 1)...])
      let digits = tail.hasPrefix("-") || tail.hasPrefix("+") ? String(tail.dropFirst()) : tail
      guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit) else { throw generic }
      exponent = "e" + tail
      chars = Array(chars[..<e])
    }
    let mantissa = String(chars)
    let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count <= 2 else { throw generic }
    let whole = String(parts[0])
    let fraction = parts.count == 2 ? String(parts[1]) : nil
    if let fraction, !fraction.allSatisfy(\.isASCIIDigit) { throw generic }
    guard !whole.isEmpty || !(fraction ?? "").isEmpty else { throw generic }
    var integer = whole
    if whole.contains(",") || whole.contains(" ") {
      let separator: Character = whole.contains(",") ? "," : " "
      let groups = whole.split(separator: separator, omittingEmptySubsequences: false)
      let grouped =
        groups.count >= 2 && (1...3).contains(groups[0].count)
        && groups.dropFirst().allSatisfy { $0.count == 3 }
        && groups.allSatisfy { $0.allSatisfy(\.isASCIIDigit) }
      if !grouped {
        if separator == ",", groups.count == 2, fraction == nil,
          groups.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) })
        {
          throw InputError("Use a point for decimals, for example 3.5 rather than 3,5.")
        }
        throw generic
      }
      integer = groups.joined()
    }
    guard integer.allSatisfy(\.isASCIIDigit) else { throw generic }
    let clean = sign + (integer.isEmpty ? "0" : integer) + "." + (fraction ?? "0") + exponent
    guard let value = Double(clean) else { throw generic }
    guard value.isFinite else { throw InputError("That number is too large.") }
    return value
  }

  private static func ordering(_ input: String, count: Int) throws -> [Int] {
    let example = "for example \((1...max(1, count)).reversed().map(String.init).joined(separator: " "))"
    let text = trimmingEnds(prepare(input))
    var words = tokens(text, extraSeparators: ["-", ">", "\u{2192}"])
    if words.count == 1, count <= 9, words[0].count == count, count > 1 {
      words = words[0].map(String.init)
    }
    guard !words.isEmpty, words.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }) else {
      throw InputError("Type the item numbers in the right order, \(example).")
    }
    let numbers = words.map { Int($0) ?? -1 }
    if let bad = numbers.first(where: { !(1...count).contains($0) }) {
      let shown = bad < 0 ? "that" : String(bad)
      throw InputError("Use the numbers 1 to \(count); \(shown) is not one of them.")
    }
    let missing = (1...count).filter { !numbers.contains($0) }
    var seen = Set<Int>()
    var repeated: [Int] = []
    for n in numbers where !seen.insert(n).inserted && !repeated.contains(n) {
      repeated.append(n)
    }
    if !missing.isEmpty || !repeated.isEmpty {
      var problems: [String] = []
      if !missing.isEmpty {
        problems.append("\(listed(missing)) \(missing.count == 1 ? "is" : "are") missing")
      }
      if !repeated.isEmpty {
        problems.append("\(listed(repeated)) \(repeated.count == 1 ? "is" : "are") repeated")
      }
      throw InputError(
        "Use each number from 1 to \(count) once: \(problems.joined(separator: "; ")).")
    }
    return numbers.map { $0 - 1 }
  }

  /// `a-2 b-1 c-3`, `a2 b1 c3`, `a-2, b-1`, `a:2`, `a=2`, `a→2`. Returns, per left item, the
  /// displayed position (0-based) of the right item chosen.
  private static func matching(_ input: String, count: Int) throws -> [Int] {
    let letters = count > 0 ? "a to \(Presentation.letter(count - 1))" : "a"
    let example = (0..<min(max(count, 1), 3)).map { "\(Presentation.letter($0))-\(($0 + 1) % max(count, 1) + 1)" }
      .joined(separator: " ")
    let format = InputError(
      "Match each letter to a number, for example \(example).")
    let text = trimmingEnds(prepare(input))
    let chars = Array(text)
    let connectors: Set<Character> = ["-", ":", "=", ">", ")", "\u{2192}", " "]
    let separators: Set<Character> = [" ", ",", ";", "/"]
    var found: [(letter: Int, number: Int)] = []
    var i = 0
    while i < chars.count {
      if separators.contains(chars[i]) {
        i += 1
        continue
      }
      guard let ascii = chars[i].asciiValue, (97...122).contains(ascii) else { throw format }
      let letter = Int(ascii) - 97
      i += 1
      while i < chars.count, connectors.contains(chars[i]) { i += 1 }
      var digits = ""
      while i < chars.count, chars[i].isASCIIDigit {
        digits.append(chars[i])
        i += 1
      }
      guard let number = Int(digits) else { throw format }
      found.append((letter, number))
    }
    guard !found.isEmpty else { throw format }
    if let bad = found.first(where: { $0.letter >= count }) {
      throw InputError(
        "There is no item \(Presentation.letter(bad.letter)); use the letters \(letters).")
    }
    if let bad = found.first(where: { !(1...count).contains($0.number) }) {
      throw InputError("Use the numbers 1 to \(count); \(bad.number) is not one of them.")
    }
    var result = [Int?](repeating: nil, count: count)
    for (letter, number) in found {
      if result[letter] != nil {
        throw InputError("Match \(Presentation.letter(letter)) only once.")
      }
      result[letter] = number - 1
    }
    let missing = result.indices.filter { result[$0] == nil }.map(Presentation.letter)
    if !missing.isEmpty {
      throw InputError(
        "Match every letter from \(letters): \(listed(missing)) \(missing.count == 1 ? "is" : "are") missing.")
    }
    return result.compactMap { $0 }
  }

  // MARK: - Helpers

  private static func rangeError(count: Int, plural: Bool) -> InputError {
    guard count > 0 else { return InputError("This question has no choices.") }
    let last = Presentation.letter(min(count, 26) - 1)
    return plural
      ? InputError("Choose letters from a to \(last), for example a, c.")
      : InputError("Choose a letter from a to \(last).")
  }

  /// One token of a choice answer: a letter, several letters run together (`ac`), or a 1-based
  /// number (digits run together count separately when `digitsSplit`). 0-based display indices.
  private static func choiceIndices(_ token: String, count: Int, digitsSplit: Bool = false)
    throws -> [Int]
  {
    let plural = digitsSplit || count > 9
    if !token.isEmpty, token.allSatisfy({ $0.asciiValue.map { (97...122).contains($0) } ?? false }) {
      let indices = token.map { Int($0.asciiValue!) - 97 }
      guard indices.allSatisfy({ $0 < count }) else { throw rangeError(count: count, plural: plural) }
      return indices
    }
    if !token.isEmpty, token.allSatisfy(\.isASCIIDigit) {
      let numbers = digitsSplit && token.count > 1 ? token.map { Int(String($0))! } : [Int(token) ?? -1]
      guard numbers.allSatisfy({ (1...max(1, count)).contains($0) && $0 <= count }) else {
        throw InputError(
          "Choose a letter from a to \(Presentation.letter(max(count, 1) - 1)) or a number from 1 to \(count).")
      }
      return numbers.map { $0 - 1 }
    }
    throw rangeError(count: count, plural: plural)
  }

  /// NFKC, lower case, digits of any script as ASCII, whitespace trimmed and collapsed.
  private static func prepare(_ input: String) -> String {
    var out = String.UnicodeScalarView()
    var pendingSpace = false
    let folded = UnicodeFolding.nfkc(input).lowercased()
    for scalar in folded.unicodeScalars {
      if scalar.properties.isWhitespace {
        pendingSpace = true
        continue
      }
      if pendingSpace, !out.isEmpty { out.append(" ") }
      pendingSpace = false
      if scalar.properties.numericType == .decimal, let v = scalar.properties.numericValue,
        (0...9).contains(v), !scalar.isASCII
      {
        out.append(Unicode.Scalar(UInt8(48 + Int(v))))
      } else {
        out.append(scalar)
      }
    }
    return String(out)
  }

  /// Drops a sentence-ending full stop and brackets around a choice: "(b)", "b)", "b.".
  private static func trimmingEnds(_ text: String) -> String {
    var s = Substring(text)
    while let last = s.last, last == "." || last == ")" || last == " " { s.removeLast() }
    while let first = s.first, first == "(" || first == " " { s.removeFirst() }
    return String(s)
  }

  private static func tokens(_ text: String, extraSeparators: Set<Character> = []) -> [String] {
    let separators = Set<Character>([" ", ",", ";", "/", "&", "+"]).union(extraSeparators)
    return text.split(whereSeparator: { separators.contains($0) }).map(String.init)
  }

  private static func listed<T: CustomStringConvertible>(_ items: [T]) -> String {
    let words = items.map(\.description)
    switch words.count {
    case 0: return ""
    case 1: return words[0]
    default: return words.dropLast().joined(separator: ", ") + " and " + words.last!
    }
  }
}
