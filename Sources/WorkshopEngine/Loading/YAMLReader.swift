import Foundation
import Yams

/// Reads YAML embedded in a file (front matter, a question block, course.yaml) into Yams nodes and
/// typed values, reporting every problem at its line and column in the file.
///
/// Scalars are composed with the basic resolver (no implicit tags) and typed here, by the key's
/// expected type: that avoids Yams' per-scalar regular expressions and YAML 1.1 surprises such as
/// `no` turning into a boolean where text was meant.
struct YAMLReader {
  let sink: DiagnosticSink
  /// File line of YAML line 1, minus one.
  let lineOffset: Int
  /// Added to YAML columns (for blocks indented in the file).
  let columnOffset: Int

  func location(_ node: Node) -> (line: Int, column: Int) {
    guard let mark = node.mark else { return (lineOffset + 1, columnOffset + 1) }
    return (lineOffset + mark.line, columnOffset + mark.column)
  }

  func error(_ node: Node, _ message: String) {
    let at = location(node)
    sink.error(at.line, at.column, message)
  }

  func warning(_ node: Node, _ message: String) {
    let at = location(node)
    sink.warning(at.line, at.column, message)
  }

  // MARK: Parsing

  /// Composes `text` into a node tree, or reports why it cannot. Anchors and aliases are refused.
  func compose(_ text: String) -> Node? {
    do {
      let parser = try Parser(yaml: text, resolver: .basic, constructor: .default, encoding: .utf8)
      let root = try parser.singleRoot()
      // Anchors are held weakly by nodes and strongly by the parser: check while it lives.
      // Without `&` there can be no anchor, and without an anchor no alias resolves.
      let mayHaveAnchors = text.utf8.contains(0x26)
      let anchored =
        mayHaveAnchors ? withExtendedLifetime(parser) { root.flatMap(firstAnchor) } : nil
      if let anchored {
        error(anchored, "YAML anchors and aliases are not allowed")
        return nil
      }
      return root
    } catch let failure as YamlError {
      report(failure, in: text)
      return nil
    } catch {
      sink.error(lineOffset + 1, columnOffset + 1, "invalid YAML: \(error)")
      return nil
    }
  }

  /// The first node carrying an anchor. Aliases compose to the anchored node itself, so finding
  /// anchors finds every alias too; the walk stops there, before an alias bomb could expand.
  private func firstAnchor(_ root: Node) -> Node? {
    var stack = [root]
    while let node = stack.popLast() {
      if node.anchor != nil { return node }
      switch node {
      case .mapping(let mapping):
        for (key, value) in mapping.reversed() {
          stack.append(value)
          stack.append(key)
        }
      case .sequence(let sequence):
        stack.append(contentsOf: sequence.reversed())
      case .scalar, .alias:
        break
      }
    }
    return nil
  }

  private func report(_ failure: YamlError, in text: String) {
    func at(_ mark: Mark) -> (Int, Int) { (lineOffset + mark.line, columnOffset + mark.column) }
    switch failure {
    case .scanner(let context, let problem, let mark, _),
      .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      let (line, column) = at(mark)
      if problem.contains("alias") || problem.contains("anchor") {
        sink.error(line, column, "YAML anchors and aliases are not allowed")
        return
      }
      var message = "invalid YAML: \(problem)"
      if let context, !context.text.isEmpty { message += " (\(context.text))" }
      sink.error(line, column, message)
    case .duplicatedKeysInMapping(let duplicates, let context):
      let (line, column) = at(context.mark)
      let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
      sink.error(line, column, "duplicate key \(keys)")
    case .reader(let problem, let offset, _, _):
      var line = lineOffset + 1
      var column = columnOffset + 1
      if let offset {
        let prefix = text.prefix(offset)
        line += prefix.reduce(0) { $0 + ($1 == "\n" ? 1 : 0) }
        column += prefix.reversed().prefix { $0 != "\n" }.count
      }
      sink.error(line, column, "invalid YAML: \(problem)")
    default:
      sink.error(lineOffset + 1, columnOffset + 1, "invalid YAML: \(failure)")
    }
  }

  // MARK: Mappings

  /// The keys of a mapping, checked against the keys this place allows. Unknown keys are warnings
  /// with a suggestion; `elsewhere` names keys that are valid in other contexts (e.g. for another
  /// question type) with the reason they do not apply here.
  func fields(
    _ node: Node, what: String, known: [String], elsewhere: (String) -> String? = { _ in nil }
  ) -> Fields? {
    guard case .mapping(let mapping) = node else {
      error(node, "\(what) must be a mapping of keys to values, found \(describe(node))")
      return nil
    }
    var result = Fields(node: node)
    for (key, value) in mapping {
      guard case .scalar(let scalar) = key else {
        error(key, "keys must be plain words, found \(describe(key))")
        continue
      }
      let name = scalar.string
      if known.contains(name) {
        result.values[name] = value
        result.keys[name] = key
      } else if let reason = elsewhere(name) {
        warning(key, "unknown key '\(name)': \(reason)")
      } else if let suggestion = closestMatch(to: name, in: known) {
        warning(key, "unknown key '\(name)' in \(what); did you mean '\(suggestion)'?")
      } else {
        warning(key, "unknown key '\(name)' in \(what)")
      }
    }
    return result
  }

  struct Fields {
    let node: Node
    var values: [String: Node] = [:]
    var keys: [String: Node] = [:]
    subscript(_ key: String) -> Node? { values[key] }
  }

  // MARK: Typed values

  /// A present, non-null value for `key`; reports a missing required key at `missingAt`.
  func value(_ fields: Fields, _ key: String, required: Bool = false, missingAt: Node? = nil)
    -> Node?
  {
    if let node = fields[key], !isNull(node) { return node }
    if required {
      if let present = fields.keys[key] {
        error(present, "'\(key)' must not be empty")
      } else {
        error(missingAt ?? fields.node, "missing required key '\(key)'")
      }
    }
    return nil
  }

  func isNull(_ node: Node) -> Bool {
    guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else {
      return false
    }
    switch scalar.string {
    case "", "~", "null", "Null", "NULL": return true
    default: return false
    }
  }

  /// Text. Plain scalars that look like numbers are text too (`text: 42` means "42").
  func string(_ node: Node, key: String) -> String? {
    guard case .scalar(let scalar) = node else {
      error(node, "'\(key)' must be text, found \(describe(node))")
      return nil
    }
    if scalar.style == .doubleQuoted, let (offset, message) = firstControlCharacter(in: scalar.string)
    {
      // Only escapes in double quotes can produce control characters the file scan did not see.
      let at = location(node)
      sink.error(at.line, at.column + 1 + offset, message)
    }
    return scalar.string
  }

  func string(_ fields: Fields, _ key: String, required: Bool = false, missingAt: Node? = nil)
    -> String?
  {
    guard let node = value(fields, key, required: required, missingAt: missingAt) else {
      return nil
    }
    guard let text = string(node, key: key) else { return nil }
    if required && text.allSatisfy(\.isWhitespace) {
      error(node, "'\(key)' must not be empty")
      return nil
    }
    return text
  }

  func bool(_ node: Node, key: String) -> Bool? {
    if case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any {
      switch scalar.string.lowercased() {
      case "true", "yes", "on": return true
      case "false", "no", "off": return false
      default: break
      }
    }
    error(node, "'\(key)' must be true or false, found \(describe(node))")
    return nil
  }

  func bool(_ fields: Fields, _ key: String, required: Bool = false, missingAt: Node? = nil)
    -> Bool?
  {
    guard let node = value(fields, key, required: required, missingAt: missingAt) else {
      return nil
    }
    return bool(node, key: key)
  }

  func number(_ node: Node, key: String) -> Double? {
    if case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any {
      var text = Substring(scalar.string)
      if text.first == "+" { text = text.dropFirst() }
      let numeric = text.utf8.allSatisfy {
        (0x30...0x39).contains($0) || $0 == 0x2E || $0 == 0x2D || $0 == 0x2B || $0 == 0x65
          || $0 == 0x45
      }
      if numeric, let value = Double(text), value.isFinite { return value }
    }
    error(node, "'\(key)' must be a number, found \(describe(node))")
    return nil
  }

  func number(_ fields: Fields, _ key: String, required: Bool = false, missingAt: Node? = nil)
    -> Double?
  {
    guard let node = value(fields, key, required: required, missingAt: missingAt) else {
      return nil
    }
    return number(node, key: key)
  }

  func integer(_ fields: Fields, _ key: String) -> Int? {
    guard let node = value(fields, key) else { return nil }
    if case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any,
      let value = Int(scalar.string)
    {
      return value
    }
    error(node, "'\(key)' must be a whole number, found \(describe(node))")
    return nil
  }

  func sequence(_ node: Node, key: String) -> [Node]? {
    guard case .sequence(let sequence) = node else {
      error(node, "'\(key)' must be a list, found \(describe(node))")
      return nil
    }
    return Array(sequence)
  }

  /// A list of texts; a single text is accepted as a list of one when `singleAllowed`.
  func strings(_ fields: Fields, _ key: String, singleAllowed: Bool = false) -> [String]? {
    guard let node = value(fields, key) else { return nil }
    if singleAllowed, case .scalar = node {
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
  func describe(_ node: Node) -> String {
    switch node {
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    case .scalar(let scalar):
      if isNull(node) { return "nothing" }
      let text = scalar.string
      let shown = text.count > 30 ? String(text.prefix(27)) + "..." : text
      return "'\(shown.replacingOccurrences(of: "\n", with: " "))'"
    }
  }
}

// MARK: - Suggestions

/// The candidate nearest to `word` by edit distance, when near enough to be a likely typo.
func closestMatch(to word: String, in candidates: [String]) -> String? {
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
  let folded =
    text.utf8.allSatisfy { $0 < 0x80 }
    ? text : text.folding(options: [.diacriticInsensitive, .widthInsensitive], locale: nil)
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
