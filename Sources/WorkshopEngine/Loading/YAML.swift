import CYAML

/// A YAML node as libyaml read it: text, a list or a mapping, with the line and column where it
/// starts. Scalars stay text; callers give them a type by what they expect, so `no` never turns
/// into a boolean where words were meant.
public struct YAMLNode: Sendable {
  public enum ScalarStyle: UInt8, Sendable {
    case any = 0, plain, singleQuoted, doubleQuoted, literal, folded
  }

  public enum Content: Sendable {
    case scalar(String, ScalarStyle)
    /// Pairs in the order written.
    case mapping([(key: YAMLNode, value: YAMLNode)])
    case sequence([YAMLNode])
  }

  public var content: Content
  /// 1-based line and column (in Unicode scalars) of the node's first character in the YAML text.
  public var line: Int
  public var column: Int
  /// An explicit tag (`!!str`, `!foo`); nil for untagged nodes and quoted scalars. Only used to tell
  /// keys apart the way YAML does.
  var tag: String?

  public init(_ content: Content, line: Int, column: Int) {
    self.content = content
    self.line = line
    self.column = column
  }

  /// The text of a scalar; nil for lists and mappings.
  public var string: String? {
    if case .scalar(let text, _) = content { return text }
    return nil
  }

  /// Whether a plain scalar spells null (`~`, `null`, or nothing at all).
  public var isNull: Bool {
    guard case .scalar(let text, let style) = content, style == .plain || style == .any else {
      return false
    }
    switch text {
    case "", "~", "null", "Null", "NULL": return true
    default: return false
    }
  }

  /// A plain scalar read as a boolean: true/yes/on, false/no/off, in any case.
  public var bool: Bool? {
    guard case .scalar(let text, let style) = content, style == .plain || style == .any else {
      return nil
    }
    switch text.lowercased() {
    case "true", "yes", "on": return true
    case "false", "no", "off": return false
    default: return nil
    }
  }

  /// A plain scalar read as a whole number.
  public var integer: Int? {
    guard case .scalar(let text, let style) = content, style == .plain || style == .any else {
      return nil
    }
    return Int(text)
  }

  /// A plain scalar read as a finite number (`3`, `-2.5`, `1e3`, `+4`).
  public var number: Double? {
    guard case .scalar(let text, let style) = content, style == .plain || style == .any else {
      return nil
    }
    var digits = Substring(text)
    if digits.first == "+" { digits = digits.dropFirst() }
    let numeric = digits.utf8.allSatisfy {
      (0x30...0x39).contains($0) || $0 == 0x2E || $0 == 0x2D || $0 == 0x2B || $0 == 0x65 || $0 == 0x45
    }
    guard numeric, let value = Double(digits), value.isFinite else { return nil }
    return value
  }

  /// The value of the first pair whose key is the scalar `key`, in a mapping.
  public subscript(key: String) -> YAMLNode? {
    guard case .mapping(let pairs) = content else { return nil }
    for pair in pairs {
      if case .scalar(let name, _) = pair.key.content, name == key { return pair.value }
    }
    return nil
  }
}

/// Why YAML text could not be read.
public struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible {
  /// 1-based, in the YAML text.
  public var line: Int
  public var column: Int
  public var message: String
  public var description: String { "line \(line), column \(column): \(message)" }
}

public enum YAML {
  /// Reads one YAML document. Returns nil for a stream with no document (empty, or only
  /// comments). Anchors and aliases are refused, as are duplicate keys.
  public static func parse(_ text: String) throws(YAMLError) -> YAMLNode? {
    switch YAMLComposer.compose(text) {
    case .success(let node): return node
    case .failure(let failure):
      let (line, column, message) = failure.located(in: text)
      throw YAMLError(line: line, column: column, message: message)
    }
  }
}

/// What went wrong while composing, in enough detail for lint's messages.
enum YAMLFailure: Error {
  /// A scanner, parser or composer error from libyaml: its problem, its context, where.
  case syntax(problem: String, context: String?, line: Int, column: Int)
  /// Keys that occur more than once in one mapping, sorted; located at the first of them.
  case duplicateKeys([String], line: Int, column: Int)
  /// The input could not be decoded (a control character, say) at this byte offset.
  case reader(problem: String, offset: Int?)
  /// An anchor or an alias, at the first one.
  case anchor(line: Int, column: Int)
  case memory

  /// Line, column (1-based, within the YAML text) and a message.
  func located(in text: String) -> (Int, Int, String) {
    switch self {
    case .syntax(let problem, let context, let line, let column):
      if problem.contains("alias") || problem.contains("anchor") {
        return (line, column, "YAML anchors and aliases are not allowed")
      }
      var message = "invalid YAML: \(problem)"
      if let context, !context.isEmpty { message += " (\(context))" }
      return (line, column, message)
    case .duplicateKeys(let keys, let line, let column):
      return (line, column, "duplicate key \(keys.map { "'\($0)'" }.joined(separator: ", "))")
    case .reader(let problem, let offset):
      var line = 1
      var column = 1
      // Counted in characters, as the messages always have been.
      if let offset,
        let index = text.utf8.index(
          text.utf8.startIndex, offsetBy: offset, limitedBy: text.utf8.endIndex)?
          .samePosition(in: text)
      {
        let prefix = text[..<index]
        line += prefix.reduce(0) { $0 + ($1 == "\n" ? 1 : 0) }
        column += prefix.reversed().prefix { $0 != "\n" }.count
      }
      return (line, column, "invalid YAML: \(problem)")
    case .anchor(let line, let column):
      return (line, column, "YAML anchors and aliases are not allowed")
    case .memory:
      return (1, 1, "invalid YAML: out of memory")
    }
  }
}

/// Builds `YAMLNode` trees from libyaml's event stream, without recursion (deep nesting in a
/// hostile file must not exhaust the stack).
enum YAMLComposer {
  static func compose(_ text: String) -> Result<YAMLNode?, YAMLFailure> {
    var text = text
    return text.withUTF8 { compose(bytes: $0) }
  }

  static let maximumDepth = 200
  private static let strTag = "tag:yaml.org,2002:str"
  private static let mapTag = "tag:yaml.org,2002:map"
  private static let seqTag = "tag:yaml.org,2002:seq"

  private struct Frame {
    var isMapping: Bool
    var line: Int
    var column: Int
    var tag: String?
    var anchor: String?
    var items: [YAMLNode] = []
  }

  static func compose(bytes: UnsafeBufferPointer<UInt8>) -> Result<YAMLNode?, YAMLFailure> {
    // An empty stream holds no document; libyaml would need a pointer all the same.
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return .success(nil) }
    var parser = yaml_parser_t()
    guard yaml_parser_initialize(&parser) != 0 else { return .failure(.memory) }
    defer { yaml_parser_delete(&parser) }
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
    yaml_parser_set_input_string(&parser, base, bytes.count)

    var event = yaml_event_t()
    func next() -> YAMLFailure? {
      guard yaml_parser_parse(&parser, &event) != 0 else { return failure(parser) }
      return nil
    }
    defer { yaml_event_delete(&event) }

    // Stream start, then either the stream's end (no document) or a document start.
    if let failure = next() { return .failure(failure) }
    yaml_event_delete(&event)
    if let failure = next() { return .failure(failure) }
    if event.type == YAML_STREAM_END_EVENT { return .success(nil) }
    yaml_event_delete(&event)

    var stack: [Frame] = []
    var anchors: [String: YAMLNode] = [:]
    var firstAnchor: (line: Int, column: Int)?
    var root: YAMLNode?

    func noteAnchor(_ pointer: UnsafeMutablePointer<yaml_char_t>?, _ line: Int, _ column: Int)
      -> String?
    {
      guard let pointer else { return nil }
      if firstAnchor == nil { firstAnchor = (line, column) }
      return String(cString: pointer)
    }

    while root == nil {
      if let failure = next() { return .failure(failure) }
      let line = event.start_mark.line + 1
      let column = event.start_mark.column + 1
      var finished: YAMLNode?
      var anchor: String?
      switch event.type {
      case YAML_SCALAR_EVENT:
        let scalar = event.data.scalar
        let length = scalar.length
        let text =
          length == 0
          ? "" : String(decoding: UnsafeBufferPointer(start: scalar.value, count: length), as: UTF8.self)
        var node = YAMLNode(
          .scalar(text, YAMLNode.ScalarStyle(rawValue: UInt8(scalar.style.rawValue)) ?? .any),
          line: line, column: column)
        if scalar.quoted_implicit == 0, let tag = scalar.tag {
          let name = String(cString: tag)
          if name != strTag { node.tag = name }
        }
        anchor = noteAnchor(scalar.anchor, line, column)
        finished = node
      case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
        // Freeing a tree recurses, so a hostile file's nesting is cut off well before any stack
        // could run out.
        guard stack.count < maximumDepth else {
          return .failure(
            .syntax(
              problem: "lists and mappings nested more than \(maximumDepth) levels deep", context: nil,
              line: line, column: column))
        }
        let isMapping = event.type == YAML_MAPPING_START_EVENT
        let anchorPointer =
          isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
        let implicit =
          isMapping ? event.data.mapping_start.implicit : event.data.sequence_start.implicit
        let tagPointer = isMapping ? event.data.mapping_start.tag : event.data.sequence_start.tag
        var frame = Frame(isMapping: isMapping, line: line, column: column)
        if implicit == 0, let tagPointer {
          let name = String(cString: tagPointer)
          if name != (isMapping ? mapTag : seqTag) { frame.tag = name }
        }
        frame.anchor = noteAnchor(anchorPointer, line, column)
        stack.append(frame)
      case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
        let frame = stack.removeLast()
        var node: YAMLNode
        if frame.isMapping {
          var pairs: [(key: YAMLNode, value: YAMLNode)] = []
          pairs.reserveCapacity(frame.items.count / 2)
          var k = 0
          while k + 1 < frame.items.count {
            pairs.append((frame.items[k], frame.items[k + 1]))
            k += 2
          }
          if let duplicates = duplicateKeys(pairs) { return .failure(duplicates) }
          node = YAMLNode(.mapping(pairs), line: frame.line, column: frame.column)
        } else {
          node = YAMLNode(.sequence(frame.items), line: frame.line, column: frame.column)
        }
        node.tag = frame.tag
        anchor = frame.anchor
        finished = node
      case YAML_ALIAS_EVENT:
        let name = String(cString: event.data.alias.anchor)
        guard let target = anchors[name] else {
          return .failure(
            .syntax(problem: "found undefined alias", context: nil, line: line, column: column))
        }
        // The document is refused below; composing on only keeps later errors in their order.
        finished = target
      default:
        break
      }
      yaml_event_delete(&event)
      guard let node = finished else { continue }
      // Registered once complete, so an alias inside its own anchor's node is undefined.
      if let anchor { anchors[anchor] = node }
      if stack.isEmpty {
        root = node
      } else {
        stack[stack.count - 1].items.append(node)
      }
    }

    // Document end, then the stream must end: one document only.
    if let failure = next() { return .failure(failure) }
    yaml_event_delete(&event)
    if let failure = next() { return .failure(failure) }
    if event.type != YAML_STREAM_END_EVENT {
      return .failure(
        .syntax(
          problem: "but found another document", context: "expected a single document in the stream",
          line: event.start_mark.line + 1, column: event.start_mark.column + 1))
    }
    if let firstAnchor { return .failure(.anchor(line: firstAnchor.line, column: firstAnchor.column)) }
    return .success(root)
  }

  private static func failure(_ parser: yaml_parser_t) -> YAMLFailure {
    let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem"
    switch parser.error {
    case YAML_MEMORY_ERROR:
      return .memory
    case YAML_READER_ERROR:
      return .reader(problem: problem, offset: parser.problem_offset)
    default:
      return .syntax(
        problem: problem, context: parser.context.map { String(cString: $0) },
        line: parser.problem_mark.line + 1, column: parser.problem_mark.column + 1)
    }
  }

  /// Keys that occur twice. Scalars are equal when their text and tag are; lists and mappings
  /// when their contents are. Small mappings are compared pairwise, without hashing.
  private static func duplicateKeys(_ pairs: [(key: YAMLNode, value: YAMLNode)]) -> YAMLFailure? {
    let n = pairs.count
    guard n > 1 else { return nil }
    // The usual mapping has a few untagged scalar keys: compare their texts, nothing else.
    var texts: [String] = []
    texts.reserveCapacity(n)
    for pair in pairs {
      guard pair.key.tag == nil, case .scalar(let text, _) = pair.key.content else { break }
      texts.append(text)
    }
    var found = false
    if texts.count == n {
      outer: for i in 1..<n {
        for j in 0..<i where texts[i] == texts[j] {
          found = true
          break outer
        }
      }
    } else {
      outer: for i in 1..<n {
        for j in 0..<i where sameKey(pairs[i].key, pairs[j].key) {
          found = true
          break outer
        }
      }
    }
    guard found else { return nil }
    // The first occurrence of each duplicated key, sorted by text as YAML libraries report them.
    var firsts: [YAMLNode] = []
    for i in 0..<n {
      let key = pairs[i].key
      if firsts.contains(where: { sameKey($0, key) }) { continue }
      if (i + 1..<n).contains(where: { sameKey(pairs[$0].key, key) }) { firsts.append(key) }
    }
    firsts.sort { a, b in
      switch (a.string, b.string) {
      case (let x?, let y?): return x < y
      case (.some, nil): return true
      default: return false
      }
    }
    let first = firsts[0]
    return .duplicateKeys(
      firsts.map { $0.string ?? "<uncovertable>" }, line: first.line, column: first.column)
  }

  private static func sameKey(_ a: YAMLNode, _ b: YAMLNode) -> Bool {
    guard a.tag == b.tag else { return false }
    switch (a.content, b.content) {
    case (.scalar(let x, _), .scalar(let y, _)):
      return x == y
    case (.sequence(let x), .sequence(let y)):
      return x.count == y.count && zip(x, y).allSatisfy { sameKey($0, $1) }
    case (.mapping(let x), .mapping(let y)):
      return x.count == y.count
        && zip(x, y).allSatisfy { sameKey($0.key, $1.key) && sameKey($0.value, $1.value) }
    default:
      return false
    }
  }
}
