#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Reads YAML embedded in a file (front matter, a question block, course.yaml) into nodes and
/// typed values, reporting every problem at its line and column in the file.
///
/// Scalars are typed here, by the key's expected type: that avoids YAML 1.1 surprises such as
/// `no` turning into a boolean where text was meant.
struct YAMLReader {
  let sink: DiagnosticSink
  /// File line of YAML line 1, minus one.
  let lineOffset: Int
  /// Added to YAML columns (for blocks indented in the file).
  let columnOffset: Int

  func location(_ node: YAMLNode) -> (line: Int, column: Int) {
    (lineOffset + node.line, columnOffset + node.column)
  }

  func error(_ node: YAMLNode, _ message: String) {
    let at = location(node)
    sink.error(at.line, at.column, message)
  }

  func warning(_ node: YAMLNode, _ message: String) {
    let at = location(node)
    sink.warning(at.line, at.column, message)
  }

  // MARK: Parsing

  /// Composes `text` into a node tree, or reports why it cannot. Anchors and aliases are refused.
  func compose(_ text: String) -> YAMLNode? {
    var text = text
    return text.withUTF8 { compose(bytes: $0) }
  }

  func compose(bytes: UnsafeBufferPointer<UInt8>) -> YAMLNode? {
    switch YAMLComposer.compose(bytes: bytes) {
    case .success(let root):
      return root
    case .failure(let failure):
      // The text is only needed to place reader errors, counted in characters.
      let (line, column, message) = failure.located(in: String(decoding: bytes, as: UTF8.self))
      sink.error(lineOffset + line, columnOffset + column, message)
      return nil
    }
  }

  // MARK: Mappings

  /// The keys of a mapping, checked against the keys this place allows. Unknown keys are warnings
  /// with a suggestion; `elsewhere` names keys that are valid in other contexts (e.g. for another
  /// question type) with the reason they do not apply here.
  func fields(
    _ node: YAMLNode, what: @autoclosure () -> String, known: [String],
    elsewhere: (String) -> String? = { _ in nil }
  ) -> Fields? {
    guard case .mapping(let mapping) = node.content else {
      error(node, "\(what()) must be a mapping of keys to values, found \(describe(node))")
      return nil
    }
    var result = Fields(node: node)
    result.entries.reserveCapacity(mapping.count)
    for (key, value) in mapping {
      guard case .scalar(let name, _) = key.content else {
        error(key, "keys must be plain words, found \(describe(key))")
        continue
      }
      if known.contains(name) {
        result.entries.append((name, key, value))
      } else if let reason = elsewhere(name) {
        warning(key, "unknown key '\(name)': \(reason)")
      } else if let suggestion = closestMatch(to: name, in: known) {
        warning(key, "unknown key '\(name)' in \(what()); did you mean '\(suggestion)'?")
      } else {
        warning(key, "unknown key '\(name)' in \(what())")
      }
    }
    return result
  }

  /// A mapping's known keys. Mappings hold a handful of keys, so a list beats a dictionary.
  struct Fields {
    let node: YAMLNode
    var entries: [(name: String, key: YAMLNode, value: YAMLNode)] = []

    subscript(_ name: String) -> YAMLNode? {
      for entry in entries where entry.name == name { return entry.value }
      return nil
    }

    /// The key node itself, for messages about the key.
    func key(_ name: String) -> YAMLNode? {
      for entry in entries where entry.name == name { return entry.key }
      return nil
    }

    func has(_ name: String) -> Bool { entries.contains { $0.name == name } }
  }

  // MARK: Typed values

  /// A present, non-null value for `key`; reports a missing required key at `missingAt`.
  func value(_ fields: Fields, _ key: String, required: Bool = false, missingAt: YAMLNode? = nil)
    -> YAMLNode?
  {
    if let node = fields[key], !node.isNull { return node }
    if required {
      if let present = fields.key(key) {
        error(present, "'\(key)' must not be empty")
      } else {
        error(missingAt ?? fields.node, "missing required key '\(key)'")
      }
    }
    return nil
  }

  func isNull(_ node: YAMLNode) -> Bool { node.isNull }

  /// Text. Plain scalars that look like numbers are text too (`text: 42` means "42").
  func string(_ node: YAMLNode, key: @autoclosure () -> String) -> String? {
    guard case .scalar(let text, let style) = node.content else {
      error(node, "'\(key())' must be text, found \(describe(node))")
      return nil
    }
    if style == .doubleQuoted, let (offset, message) = firstControlCharacter(in: text) {
      // Only escapes in double quotes can produce control characters the file scan did not see.
      let at = location(node)
      sink.error(at.line, at.column + 1 + offset, message)
    }
    return text
  }

  func string(_ fields: Fields, _ key: String, required: Bool = false, missingAt: YAMLNode? = nil)
    -> String?
  {
    guard let node = value(fields, key, required: required, missingAt: missingAt) else {
      return nil
    }
    guard let text = string(node, key: key) else { return nil }
    if required && isBlank(text) {
      error(node, "'\(key)' must not be empty")
      return nil
    }
    return text
  }

  func bool(_ node: YAMLNode, key: String) -> Bool? {
    if let value = node.bool { return value }
    error(node, "'\(key)' must be true or false, found \(describe(node))")
    return nil
  }

  func bool(_ fields: Fields, _ key: String, required: Bool = false, missingAt: YAMLNode? = nil)
    -> Bool?
  {
    guard let node = value(fields, key, required: required, missingAt: missingAt) else {
      return nil
    }
    return bool(node, key: key)
  }

  func number(_ node: YAMLNode, key: @autoclosure () -> String) -> Double? {
    if let value = node.number { return value }
    error(node, "'\(key())' must be a number, found \(describe(node))")
    return nil
  }

  func number(_ fields: Fields, _ key: String, required: Bool = false, missingAt: YAMLNode? = nil)
    -> Double?
  {
    guard let node = value(fields, key, required: required, missingAt: missingAt) else {
      return nil
    }
    return number(node, key: key)
  }

  func integer(_ fields: Fields, _ key: String) -> Int? {
    guard let node = value(fields, key) else { return nil }
    if let value = node.integer { return value }
    error(node, "'\(key)' must be a whole number, found \(describe(node))")
    return nil
  }

  func sequence(_ node: YAMLNode, key: @autoclosure () -> String) -> [YAMLNode]? {
    guard case .sequence(let sequence) = node.content else {
      error(node, "'\(key())' must be a list, found \(describe(node))")
      return nil
    }
    return sequence
  }

  /// A list of texts; a single text is accepted as a list of one when `singleAllowed`.
  func strings(_ fields: Fields, _ key: String, singleAllowed: Bool = false) -> [String]? {
    guard let node = value(fields, key) else { return nil }
    if singleAllowed, case .scalar = node.content {
      return string(node, key: key).map { [$0] }
    }
    guard let items = sequence(node, key: key) else { return nil }
    var result: [String] = []
    result.reserveCapacity(items.count)
    for item in items {
      if let text = string(item, key: "\(key) item") { result.append(text) }
    }
    return result
  }

  /// A short description of a node's type for messages.
  func describe(_ node: YAMLNode) -> String {
    switch node.content {
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .scalar(let text, _):
      if node.isNull { return "nothing" }
      let shown = text.count > 30 ? String(text.prefix(27)) + "..." : text
      return "'\(shown.replacingScalars(of: "\n", with: " "))'"
    }
  }
}

/// Whether text is empty or only whitespace; ASCII is checked byte by byte, without grapheme
/// breaking.
func isBlank(_ text: String) -> Bool {
  for byte in text.utf8 {
    switch byte {
    case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D: continue
    case 0x80...: return text.allSatisfy(\.isWhitespace)
    default: return false
    }
  }
  return true
}

// MARK: - Suggestions

/// The candidate nearest to `word` by edit distance, when near enough to be a likely typo.
public func closestMatch(to word: String, in candidates: [String]) -> String? {
  let lowered = word.lowercased()
  var best: (String, Int)?
  for candidate in candidates {
    let distance = editDistance(lowered, candidate)
    if distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
  }
  guard let (candidate, distance) = best else { return nil }
  let limit = max(1, min(3, candidate.count / 3))
  return distance <= limit ? candidate : nil
}

/// Levenshtein distance over Unicode scalars.
func editDistance(_ a: String, _ b: String) -> Int {
  let x = Array(a.unicodeScalars)
  let y = Array(b.unicodeScalars)
  if x.isEmpty { return y.count }
  if y.isEmpty { return x.count }
  var previous = Array(0...y.count)
  var current = [Int](repeating: 0, count: y.count + 1)
  for i in 1...x.count {
    current[0] = i
    for j in 1...y.count {
      let cost = x[i - 1] == y[j - 1] ? 0 : 1
      current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
    }
    swap(&previous, &current)
  }
  return previous[y.count]
}

// MARK: - Slugs

/// `^[a-z0-9]+(-[a-z0-9]+)*$`, checked without a regular expression.
func isSlug(_ text: String) -> Bool {
  var previousDash = true
  var any = false
  for byte in text.utf8 {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      previousDash = false
      any = true
    case UInt8(ascii: "-"):
      if previousDash { return false }
      previousDash = true
    default:
      return false
    }
  }
  return any && !previousDash
}

/// Heading text to a page id: lower case, accents dropped, other runs of non-alphanumerics
/// become one dash. `## Why openness matters` → `why-openness-matters`.
func slugify(_ text: String) -> String {
  let folded = UnicodeFolding.foldingAccents(text, width: true)
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
