#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A JSON value with a canonical serialisation, so that digests over records are reproducible.
///
/// Foundation's encoders make no promise about key order or number spelling across platforms and
/// versions; a record digest must not depend on either, so records are built and read through
/// this small type instead.
public enum JSONValue: Sendable, Hashable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  /// Members in insertion order; serialisation sorts them.
  case object([(String, JSONValue)])

  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.number(let a), .number(let b)): return a == b
    case (.string(let a), .string(let b)): return a == b
    case (.array(let a), .array(let b)): return a == b
    case (.object(let a), .object(let b)):
      guard a.count == b.count else { return false }
      let sa = a.sorted { $0.0 < $1.0 }
      let sb = b.sorted { $0.0 < $1.0 }
      for (x, y) in zip(sa, sb) where x.0 != y.0 || x.1 != y.1 { return false }
      return true
    default: return false
    }
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(JSONWriter.canonical(self))
  }

  // MARK: Access

  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    for (k, v) in members where k == key { return v }
    return nil
  }

  public var string: String? { if case .string(let s) = self { s } else { nil } }
  public var number: Double? { if case .number(let n) = self { n } else { nil } }
  public var int: Int? {
    guard case .number(let n) = self, n.rounded() == n, abs(n) < 9e15 else { return nil }
    return Int(n)
  }
  public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
  public var array: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
  public var members: [(String, JSONValue)]? { if case .object(let m) = self { m } else { nil } }
  public var isNull: Bool { if case .null = self { true } else { false } }

  /// A copy of this object without the given member.
  public func removing(_ key: String) -> JSONValue {
    guard case .object(let members) = self else { return self }
    return .object(members.filter { $0.0 != key })
  }

  /// A copy of this object with the member set (replaced in place or appended).
  public func setting(_ key: String, _ value: JSONValue) -> JSONValue {
    guard case .object(var members) = self else { return self }
    if let i = members.firstIndex(where: { $0.0 == key }) {
      members[i].1 = value
    } else {
      members.append((key, value))
    }
    return .object(members)
  }
}

/// Builds object members without writing `(key, value)` tuples by hand; nil values are left out,
/// which keeps "absent" and "null" distinct (xAPI forbids null).
package struct ObjectBuilder {
  package var members: [(String, JSONValue)] = []
  package init() {}
  package mutating func add(_ key: String, _ value: JSONValue?) {
    if let value { members.append((key, value)) }
  }
  package mutating func add(_ key: String, _ value: String?) { add(key, value.map(JSONValue.string)) }
  package mutating func add(_ key: String, _ value: Double?) { add(key, value.map(JSONValue.number)) }
  package mutating func add(_ key: String, _ value: Int?) { add(key, value.map { JSONValue.number(Double($0)) }) }
  package mutating func add(_ key: String, _ value: Bool?) { add(key, value.map(JSONValue.bool)) }
  package var value: JSONValue { .object(members) }
}

// MARK: - Writing

public enum JSONWriter {
  /// Canonical form: no whitespace, object keys sorted by the bytes of their UTF-8 encoding,
  /// strings with only `"`, `\` and control characters escaped, numbers in `JSONWriter.number`.
  public static func canonical(_ value: JSONValue) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(4096)
    write(value, into: &out, indent: nil, level: 0)
    return String(decoding: out, as: UTF8.self)
  }

  public static func canonicalBytes(_ value: JSONValue) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(4096)
    write(value, into: &out, indent: nil, level: 0)
    return out
  }

  /// Same key order and spelling as the canonical form, indented for people.
  public static func pretty(_ value: JSONValue) -> String {
    var out: [UInt8] = []
    write(value, into: &out, indent: 2, level: 0)
    return String(decoding: out, as: UTF8.self)
  }

  /// The one number rule of every canonical JSON workshop writes (records, digests): whole
  /// numbers of magnitude below 2^53 without a fraction or exponent (and never `-0`); anything
  /// else in Swift's shortest round-trip form, which is stable for a given value.
  public static func number(_ n: Double) -> String {
    if n == 0 { return "0" }
    if n.rounded() == n, abs(n) < 9_007_199_254_740_992 { return String(Int64(n)) }
    return "\(n)"
  }

  static func write(_ value: JSONValue, into out: inout [UInt8], indent: Int?, level: Int) {
    switch value {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
    case .number(let n): out.append(contentsOf: number(n).utf8)
    case .string(let s): writeString(s, into: &out)
    case .array(let items):
      out.append(UInt8(ascii: "["))
      for (i, item) in items.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        newline(&out, indent, level + 1)
        write(item, into: &out, indent: indent, level: level + 1)
      }
      if !items.isEmpty { newline(&out, indent, level) }
      out.append(UInt8(ascii: "]"))
    case .object(let members):
      out.append(UInt8(ascii: "{"))
      let sorted = members.count < 2 ? members : members.sorted { lessUTF8($0.0, $1.0) }
      for (i, (key, item)) in sorted.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        newline(&out, indent, level + 1)
        writeString(key, into: &out)
        out.append(UInt8(ascii: ":"))
        if indent != nil { out.append(UInt8(ascii: " ")) }
        write(item, into: &out, indent: indent, level: level + 1)
      }
      if !members.isEmpty { newline(&out, indent, level) }
      out.append(UInt8(ascii: "}"))
    }
  }

  private static func newline(_ out: inout [UInt8], _ indent: Int?, _ level: Int) {
    guard let indent else { return }
    out.append(10)
    out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
  }

  static func lessUTF8(_ a: String, _ b: String) -> Bool {
    // Swift's String `<` compares by Unicode scalar values for these keys, which for UTF-8 is
    // the same order as byte-wise comparison; done explicitly so the rule is obvious.
    a.utf8.lexicographicallyPrecedes(b.utf8)
  }

  /// Strings with only `"`, `\` and control characters escaped; runs of plain bytes are copied
  /// whole, which keeps digests of long prompts cheap.
  static func writeString(_ s: String, into out: inout [UInt8]) {
    out.append(0x22)
    var s = s
    s.withUTF8 { utf8 in
      var plainStart = 0
      for index in 0..<utf8.count {
        let byte = utf8[index]
        guard byte == 0x22 || byte == 0x5C || byte < 0x20 else { continue }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plainStart..<index]))
        switch byte {
        case 0x22: out.append(contentsOf: [0x5C, 0x22])
        case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        default:
          out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30])
          out.append(Hex.digit(byte >> 4))
          out.append(Hex.digit(byte & 0x0F))
        }
        plainStart = index + 1
      }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plainStart...]))
    }
    out.append(0x22)
  }

}

// MARK: - Reading

public struct JSONParseError: Error, Sendable, CustomStringConvertible {
  public var offset: Int
  public var message: String
  public var description: String { "JSON error at byte \(offset): \(message)" }
}

/// A strict RFC 8259 parser over bytes. Duplicate keys are rejected because a record or a
/// statement with two values for one field is ambiguous (and xAPI forbids it).
public struct JSONParser {
  private let bytes: UnsafeBufferPointer<UInt8>
  private var i = 0
  private var depth = 0
  /// A top-level member whose byte range the caller wants (the record digest).
  private var topLevelKey: String?
  private var topLevelRange: Range<Int>?

  public static func parse(_ data: Data) throws(JSONParseError) -> JSONValue {
    do {
      return try data.withUnsafeBytes { raw in
        try parse(UnsafeBufferPointer(start: raw.bindMemory(to: UInt8.self).baseAddress, count: raw.count))
      }
    } catch let error as JSONParseError {
      throw error
    } catch {
      throw JSONParseError(offset: 0, message: "\(error)")
    }
  }

  public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
    var copy = text
    do {
      return try copy.withUTF8 { try parse($0) }
    } catch let error as JSONParseError {
      throw error
    } catch {
      throw JSONParseError(offset: 0, message: "\(error)")
    }
  }

  static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
    try parse(buffer, locating: nil).value
  }

  static func parse(_ buffer: UnsafeBufferPointer<UInt8>, locating key: String?) throws(JSONParseError)
    -> (value: JSONValue, range: Range<Int>?)
  {
    var parser = JSONParser(bytes: buffer)
    parser.topLevelKey = key
    parser.skipSpace()
    let value = try parser.value()
    parser.skipSpace()
    guard parser.i == buffer.count else { throw parser.error("trailing characters") }
    return (value, parser.topLevelRange)
  }

  /// Parses `data` and, when the top-level object has `key`, returns the bytes of the document
  /// without that member (and its comma). For a document already in canonical form those are
  /// exactly the canonical bytes of the value without the member, so a digest can be checked
  /// without serialising the value again.
  public static func parse(_ data: Data, removingTopLevel key: String) throws(JSONParseError)
    -> (value: JSONValue, withoutMember: [UInt8]?)
  {
    do {
      return try data.withUnsafeBytes { raw in
        let buffer = UnsafeBufferPointer(start: raw.bindMemory(to: UInt8.self).baseAddress, count: raw.count)
        let (value, range) = try parse(buffer, locating: key)
        guard let range else { return (value, nil) }
        var end = buffer.count
        while end > 0, [32, 10, 13, 9].contains(buffer[end - 1]) { end -= 1 }
        var lo = range.lowerBound
        var hi = range.upperBound
        if hi < end, buffer[hi] == UInt8(ascii: ",") {
          hi += 1
        } else if lo > 0, buffer[lo - 1] == UInt8(ascii: ",") {
          lo -= 1
        }
        var out = [UInt8]()
        out.reserveCapacity(end)
        out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[0..<lo]))
        if hi < end { out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[hi..<end])) }
        return (value, out)
      }
    } catch let error as JSONParseError {
      throw error
    } catch {
      throw JSONParseError(offset: 0, message: "\(error)")
    }
  }

  private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  private func error(_ message: String) -> JSONParseError { JSONParseError(offset: i, message: message) }

  private mutating func skipSpace() {
    while i < bytes.count {
      let c = bytes[i]
      guard c == 32 || c == 10 || c == 13 || c == 9 else { return }
      i += 1
    }
  }

  private mutating func value() throws(JSONParseError) -> JSONValue {
    guard i < bytes.count else { throw error("unexpected end") }
    switch bytes[i] {
    case UInt8(ascii: "{"): return try object()
    case UInt8(ascii: "["): return try array()
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): try literal("true"); return .bool(true)
    case UInt8(ascii: "f"): try literal("false"); return .bool(false)
    case UInt8(ascii: "n"): try literal("null"); return .null
    default: return .number(try number())
    }
  }

  private mutating func literal(_ word: StaticString) throws(JSONParseError) {
    let n = word.utf8CodeUnitCount
    guard i + n <= bytes.count else { throw error("unexpected end") }
    let p = word.utf8Start
    for k in 0..<n where bytes[i + k] != p[k] { throw error("invalid literal") }
    i += n
  }

  private mutating func object() throws(JSONParseError) -> JSONValue {
    depth += 1
    guard depth < 200 else { throw error("nested too deeply") }
    defer { depth -= 1 }
    i += 1
    var members: [(String, JSONValue)] = []
    skipSpace()
    if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
      i += 1
      return .object(members)
    }
    members.reserveCapacity(8)
    // Objects in records and statements are small: a linear scan beats hashing every key.
    var seen: Set<String>?
    while true {
      skipSpace()
      guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw error("expected a key") }
      let keyStart = i
      let key = try string()
      if members.count >= 16 {
        if seen == nil { seen = Set(members.map(\.0)) }
        guard seen!.insert(key).inserted else { throw error("duplicate key \"\(key)\"") }
      } else {
        for (k, _) in members where k == key { throw error("duplicate key \"\(key)\"") }
      }
      skipSpace()
      guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw error("expected ':'") }
      i += 1
      skipSpace()
      members.append((key, try value()))
      if depth == 1, key == topLevelKey { topLevelRange = keyStart..<i }
      skipSpace()
      guard i < bytes.count else { throw error("unexpected end") }
      if bytes[i] == UInt8(ascii: ",") {
        i += 1
        continue
      }
      guard bytes[i] == UInt8(ascii: "}") else { throw error("expected ',' or '}'") }
      i += 1
      return .object(members)
    }
  }

  private mutating func array() throws(JSONParseError) -> JSONValue {
    depth += 1
    guard depth < 200 else { throw error("nested too deeply") }
    defer { depth -= 1 }
    i += 1
    var items: [JSONValue] = []
    skipSpace()
    if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
      i += 1
      return .array(items)
    }
    while true {
      skipSpace()
      items.append(try value())
      skipSpace()
      guard i < bytes.count else { throw error("unexpected end") }
      if bytes[i] == UInt8(ascii: ",") {
        i += 1
        continue
      }
      guard bytes[i] == UInt8(ascii: "]") else { throw error("expected ',' or ']'") }
      i += 1
      return .array(items)
    }
  }

  private mutating func string() throws(JSONParseError) -> String {
    i += 1
    let start = i
    // Fast path: no escapes.
    while i < bytes.count {
      let c = bytes[i]
      if c == UInt8(ascii: "\"") {
        let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        i += 1
        return s
      }
      if c == UInt8(ascii: "\\") { break }
      guard c >= 32 else { throw error("control character in string") }
      i += 1
    }
    var out = Array(bytes[start..<i])
    while i < bytes.count {
      let c = bytes[i]
      if c == UInt8(ascii: "\"") {
        i += 1
        return String(decoding: out, as: UTF8.self)
      }
      guard c >= 32 else { throw error("control character in string") }
      if c != UInt8(ascii: "\\") {
        out.append(c)
        i += 1
        continue
      }
      i += 1
      guard i < bytes.count else { break }
      let e = bytes[i]
      i += 1
      switch e {
      case UInt8(ascii: "\""): out.append(34)
      case UInt8(ascii: "\\"): out.append(92)
      case UInt8(ascii: "/"): out.append(47)
      case UInt8(ascii: "b"): out.append(8)
      case UInt8(ascii: "f"): out.append(12)
      case UInt8(ascii: "n"): out.append(10)
      case UInt8(ascii: "r"): out.append(13)
      case UInt8(ascii: "t"): out.append(9)
      case UInt8(ascii: "u"):
        var scalar = try hex4()
        if (0xD800..<0xDC00).contains(scalar) {
          guard i + 1 < bytes.count, bytes[i] == 92, bytes[i + 1] == UInt8(ascii: "u") else {
            throw error("unpaired surrogate")
          }
          i += 2
          let low = try hex4()
          guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate") }
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00..<0xE000).contains(scalar) {
          throw error("unpaired surrogate")
        }
        guard let u = Unicode.Scalar(scalar) else { throw error("bad escape") }
        out.append(contentsOf: String(Character(u)).utf8)
      default: throw error("bad escape")
      }
    }
    throw error("unterminated string")
  }

  private mutating func hex4() throws(JSONParseError) -> UInt32 {
    guard i + 4 <= bytes.count else { throw error("bad \\u escape") }
    var v: UInt32 = 0
    for _ in 0..<4 {
      let c = bytes[i]
      let d: UInt32
      switch c {
      case 48...57: d = UInt32(c - 48)
      case 65...70: d = UInt32(c - 55)
      case 97...102: d = UInt32(c - 87)
      default: throw error("bad \\u escape")
      }
      v = v * 16 + d
      i += 1
    }
    return v
  }

  private mutating func number() throws(JSONParseError) -> Double {
    let start = i
    if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
    guard i < bytes.count, (48...57).contains(bytes[i]) else { throw error("invalid value") }
    if bytes[i] == 48 {
      i += 1
    } else {
      while i < bytes.count, (48...57).contains(bytes[i]) { i += 1 }
    }
    var integral = true
    if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
      integral = false
      i += 1
      guard i < bytes.count, (48...57).contains(bytes[i]) else { throw error("invalid number") }
      while i < bytes.count, (48...57).contains(bytes[i]) { i += 1 }
    }
    if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
      integral = false
      i += 1
      if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
      guard i < bytes.count, (48...57).contains(bytes[i]) else { throw error("invalid number") }
      while i < bytes.count, (48...57).contains(bytes[i]) { i += 1 }
    }
    // Small integers are by far the most common numbers in records; avoid the string round trip.
    if integral, i - start < 16 {
      var v: Int64 = 0
      var k = start
      let negative = bytes[k] == UInt8(ascii: "-")
      if negative { k += 1 }
      while k < i {
        v = v * 10 + Int64(bytes[k] - 48)
        k += 1
      }
      return Double(negative ? -v : v)
    }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
    guard let d = Double(text), d.isFinite else { throw error("number out of range") }
    return d
  }
}
