#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The journal's line format: one JSON object per event, keys in a fixed order, fields that
/// are nil left out. Any JSON decoder reads it (`JSONDecoder` decodes the same `JournalEvent`);
/// the hand-written decoder here exists because replay speed bounds start-up time.
public enum JournalCodec {
  /// The line format written now, as every line's `v`. 2: `v` itself and responses as
  /// `{"choices":[0,2]}`. Lines without `v` are format 1 (responses as `{"choices":{"_0":[0,2]}}`)
  /// and still read. A line with a higher `v` comes from a newer workshop: kept, not applied.
  public static let formatVersion = 2

  // MARK: Encoding

  /// One journal line, without the trailing newline.
  public static func encode(_ e: JournalEvent) throws(JournalError) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(192 + (e.raw?.utf8.count ?? 0) * 2)
    out.append(UInt8(ascii: "{"))
    var w = Writer(out: out)
    w.key("v", first: true)
    w.int(formatVersion)
    w.key("id")
    w.string(e.id)
    w.key("at")
    w.string(e.at)
    w.key("kind")
    w.string(e.kind.rawValue)
    if let v = e.course { w.key("course"); w.string(v) }
    if let v = e.lesson { w.key("lesson"); w.string(v) }
    if let v = e.lessonDigest { w.key("lessonDigest"); w.string(v) }
    if let v = e.page { w.key("page"); w.string(v) }
    if let v = e.question { w.key("question"); w.string(v) }
    if let v = e.questionDigest { w.key("questionDigest"); w.string(v) }
    if let v = e.raw { w.key("raw"); w.string(v) }
    if let v = e.response { w.key("response"); try w.response(v) }
    if let v = e.outcome { w.key("outcome"); w.string(v.rawValue) }
    if let v = e.credit { w.key("credit"); try w.double(v) }
    if let v = e.earned { w.key("earned"); try w.double(v) }
    if let v = e.attempt { w.key("attempt"); w.int(v) }
    if let v = e.hint { w.key("hint"); w.int(v) }
    if let v = e.rating { w.key("rating"); w.int(v) }
    if let v = e.seconds { w.key("seconds"); try w.double(v) }
    if let v = e.score { w.key("score"); try w.double(v) }
    if let v = e.passed { w.key("passed"); w.raw(v ? "true" : "false") }
    if let v = e.questions {
      w.key("questions")
      w.out.append(UInt8(ascii: "["))
      for (i, q) in v.enumerated() {
        if i > 0 { w.out.append(UInt8(ascii: ",")) }
        w.string(q)
      }
      w.out.append(UInt8(ascii: "]"))
    }
    if let v = e.seed { w.key("seed"); w.raw(String(v)) }
    if let v = e.engine { w.key("engine"); w.string(v) }
    w.out.append(UInt8(ascii: "}"))
    return w.out
  }

  private struct Writer {
    var out: [UInt8]

    mutating func raw(_ s: String) { out.append(contentsOf: s.utf8) }

    mutating func key(_ k: StaticString, first: Bool = false) {
      if !first { out.append(UInt8(ascii: ",")) }
      out.append(UInt8(ascii: "\""))
      out.append(contentsOf: UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
      out.append(UInt8(ascii: "\""))
      out.append(UInt8(ascii: ":"))
    }

    mutating func string(_ s: String) {
      out.append(UInt8(ascii: "\""))
      for b in s.utf8 {
        switch b {
        case UInt8(ascii: "\""): out.append(92); out.append(b)
        case UInt8(ascii: "\\"): out.append(92); out.append(b)
        case 0x0A: out.append(92); out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(92); out.append(UInt8(ascii: "r"))
        case 0x09: out.append(92); out.append(UInt8(ascii: "t"))
        case 0..<0x20, 0x7F:
          // Control characters (and DEL) are escaped so a journal line is plain, printable text.
          out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, Self.hex(b >> 4), Self.hex(b & 15)])
        default: out.append(b)
        }
      }
      out.append(UInt8(ascii: "\""))
    }

    static func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 48 + nibble : 87 + nibble }

    mutating func int(_ v: Int) { raw(String(v)) }

    mutating func double(_ v: Double) throws(JournalError) {
      guard v.isFinite else { throw .unencodable("\(v) is not a finite number") }
      // Swift prints the shortest text that reads back as the same Double, and its forms
      // ("0.5", "1e-05", "1e+20") are all valid JSON numbers.
      raw(v.description)
    }

    mutating func intArray(_ values: [Int]) {
      out.append(UInt8(ascii: "["))
      for (i, v) in values.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        int(v)
      }
      out.append(UInt8(ascii: "]"))
    }

    /// `{"choices":[0,2]}`: one key naming the kind, its value the answer (as `Response`'s
    /// `Codable` writes it).
    mutating func response(_ r: Response) throws(JournalError) {
      out.append(UInt8(ascii: "{"))
      switch r {
      case .choices(let v): key("choices", first: true); intArray(v)
      case .text(let v): key("text", first: true); string(v)
      case .number(let v): key("number", first: true); try double(v)
      case .order(let v): key("order", first: true); intArray(v)
      case .matches(let v): key("matches", first: true); intArray(v)
      }
      raw("}")
    }
  }

  // MARK: Decoding

  /// Decodes one line (without its newline); nil when it is not a valid event.
  public static func decode<C: Collection<UInt8>>(_ line: C) -> JournalEvent? {
    if let fast = line.withContiguousStorageIfAvailable({ decodeFast($0) }) {
      if let fast { return fast }
    } else if let fast = Array(line).withUnsafeBufferPointer({ decodeFast($0) }) {
      return fast
    }
    return decodeSlow(Data(line))
  }

  static func decode(_ buffer: UnsafeBufferPointer<UInt8>) -> JournalEvent? {
    if let fast = decodeFast(buffer) { return fast }
    return decodeSlow(Data(buffer))
  }

  static func decodeSlow(_ data: Data) -> JournalEvent? {
    guard let object = try? JSONParser.parse(data), object.members != nil else { return nil }
    if let version = object["v"]?.int, version > formatVersion { return nil }
    return try? JSONDecoder().decode(JournalEvent.self, from: data)
  }

  /// For a line that is not a valid event: the kind it names, when it is a well-formed event from
  /// a newer workshop (a higher `v` or a kind this one does not know) rather than damage.
  public static func newerEngineKind(_ line: UnsafeBufferPointer<UInt8>) -> String? {
    guard let object = try? JSONParser.parse(line), object.members != nil,
      let kind = object["kind"]?.string, object["id"]?.string != nil, object["at"]?.string != nil
    else { return nil }
    if let version = object["v"]?.int, version > formatVersion { return kind }
    return JournalEvent.Kind(rawValue: kind) == nil ? kind : nil
  }

  /// The fast path: handles any JSON object with the journal's keys (in any order, with any
  /// whitespace). Returns nil for anything unusual (unknown keys, odd nesting), which sends the
  /// line to `JSONDecoder`.
  static func decodeFast(_ buffer: UnsafeBufferPointer<UInt8>) -> JournalEvent? {
    guard let base = buffer.baseAddress else { return nil }
    var p = Parser(p: base, i: 0, end: buffer.count)
    return p.event()
  }
}

private struct Parser {
  let p: UnsafePointer<UInt8>
  var i: Int
  let end: Int

  @inline(__always) mutating func ws() {
    while i < end {
      let c = p[i]
      if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { i += 1 } else { return }
    }
  }

  @inline(__always) mutating func eat(_ c: UInt8) -> Bool {
    ws()
    if i < end, p[i] == c {
      i += 1
      return true
    }
    return false
  }

  @inline(__always) func keyIs(_ start: Int, _ len: Int, _ k: StaticString) -> Bool {
    len == k.utf8CodeUnitCount && memcmp(p + start, k.utf8Start, len) == 0
  }

  mutating func isNull() -> Bool {
    ws()
    if end - i >= 4, p[i] == 110, p[i + 1] == 117, p[i + 2] == 108, p[i + 3] == 108 {
      i += 4
      return true
    }
    return false
  }

  mutating func event() -> JournalEvent? {
    guard eat(UInt8(ascii: "{")) else { return nil }
    var id: String?
    var at: String?
    var kind: JournalEvent.Kind?
    var e = JournalEvent(id: "", at: "", kind: .sessionStarted)
    if eat(UInt8(ascii: "}")) { return nil }
    while true {
      ws()
      guard i < end, p[i] == UInt8(ascii: "\"") else { return nil }
      i += 1
      let ks = i
      while i < end, p[i] != UInt8(ascii: "\"") {
        if p[i] == UInt8(ascii: "\\") { return nil }
        i += 1
      }
      guard i < end else { return nil }
      let kl = i - ks
      i += 1
      guard eat(UInt8(ascii: ":")) else { return nil }
      if isNull() {
        // JSONDecoder treats null as absent for optionals; the required keys cannot be null.
        if keyIs(ks, kl, "id") || keyIs(ks, kl, "at") || keyIs(ks, kl, "kind") { return nil }
      } else {
        switch kl {
        case 1:
          // A newer format may mean fields this decoder would misread: that line is not ours.
          guard keyIs(ks, kl, "v"), let v = int(), v >= 1, v <= JournalCodec.formatVersion else { return nil }
        case 2:
          if keyIs(ks, kl, "id") { guard let v = string() else { return nil }; id = v }
          else if keyIs(ks, kl, "at") { guard let v = string() else { return nil }; at = v }
          else { return nil }
        case 3:
          guard keyIs(ks, kl, "raw"), let v = string() else { return nil }
          e.raw = v
        case 4:
          if keyIs(ks, kl, "kind") {
            guard let v = string(), let k = JournalEvent.Kind(rawValue: v) else { return nil }
            kind = k
          } else if keyIs(ks, kl, "page") { guard let v = string() else { return nil }; e.page = v }
          else if keyIs(ks, kl, "hint") { guard let v = int() else { return nil }; e.hint = v }
          else if keyIs(ks, kl, "seed") { guard let v = uint64() else { return nil }; e.seed = v }
          else { return nil }
        case 5:
          guard keyIs(ks, kl, "score"), let v = double() else { return nil }
          e.score = v
        case 6:
          if keyIs(ks, kl, "course") { guard let v = string() else { return nil }; e.course = v }
          else if keyIs(ks, kl, "lesson") { guard let v = string() else { return nil }; e.lesson = v }
          else if keyIs(ks, kl, "credit") { guard let v = double() else { return nil }; e.credit = v }
          else if keyIs(ks, kl, "earned") { guard let v = double() else { return nil }; e.earned = v }
          else if keyIs(ks, kl, "passed") { guard let v = bool() else { return nil }; e.passed = v }
          else if keyIs(ks, kl, "engine") { guard let v = string() else { return nil }; e.engine = v }
          else if keyIs(ks, kl, "rating") { guard let v = int() else { return nil }; e.rating = v }
          else { return nil }
        case 7:
          if keyIs(ks, kl, "outcome") {
            guard let v = string(), let o = Grade.Outcome(rawValue: v) else { return nil }
            e.outcome = o
          } else if keyIs(ks, kl, "attempt") { guard let v = int() else { return nil }; e.attempt = v }
          else if keyIs(ks, kl, "seconds") { guard let v = double() else { return nil }; e.seconds = v }
          else { return nil }
        case 8:
          if keyIs(ks, kl, "question") { guard let v = string() else { return nil }; e.question = v }
          else if keyIs(ks, kl, "response") { guard let v = response() else { return nil }; e.response = v }
          else { return nil }
        case 9:
          guard keyIs(ks, kl, "questions"), let v = stringArray() else { return nil }
          e.questions = v
        case 12:
          guard keyIs(ks, kl, "lessonDigest"), let v = string() else { return nil }
          e.lessonDigest = v
        case 14:
          guard keyIs(ks, kl, "questionDigest"), let v = string() else { return nil }
          e.questionDigest = v
        default:
          return nil
        }
      }
      if eat(UInt8(ascii: ",")) { continue }
      guard eat(UInt8(ascii: "}")) else { return nil }
      break
    }
    ws()
    guard i == end, let id, let at, let kind else { return nil }
    e.id = id
    e.at = at
    e.kind = kind
    return e
  }

  mutating func string() -> String? {
    ws()
    guard i < end, p[i] == UInt8(ascii: "\"") else { return nil }
    i += 1
    let start = i
    while i < end {
      let c = p[i]
      if c == UInt8(ascii: "\"") {
        // Validating, as JSONDecoder does: a line with broken UTF-8 is not an event.
        guard let s = String(validating: UnsafeBufferPointer(start: p + start, count: i - start), as: UTF8.self)
        else { return nil }
        i += 1
        return s
      }
      if c == UInt8(ascii: "\\") { return escapedString(from: start) }
      if c < 0x20 { return nil }
      i += 1
    }
    return nil
  }

  /// The rare path: a string with escapes, decoded into a byte buffer.
  mutating func escapedString(from start: Int) -> String? {
    var bytes = [UInt8](UnsafeBufferPointer(start: p + start, count: i - start))
    while i < end {
      let c = p[i]
      if c == UInt8(ascii: "\"") {
        i += 1
        guard let s = String(validating: bytes, as: UTF8.self) else { return nil }
        return s
      }
      if c < 0x20 { return nil }
      if c != UInt8(ascii: "\\") {
        bytes.append(c)
        i += 1
        continue
      }
      i += 1
      guard i < end else { return nil }
      let e = p[i]
      i += 1
      switch e {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(e)
      case UInt8(ascii: "n"): bytes.append(0x0A)
      case UInt8(ascii: "r"): bytes.append(0x0D)
      case UInt8(ascii: "t"): bytes.append(0x09)
      case UInt8(ascii: "b"): bytes.append(0x08)
      case UInt8(ascii: "f"): bytes.append(0x0C)
      case UInt8(ascii: "u"):
        guard var unit = hex4() else { return nil }
        var scalarValue = UInt32(unit)
        if (0xD800...0xDBFF).contains(unit) {
          guard end - i >= 6, p[i] == 92, p[i + 1] == UInt8(ascii: "u") else { return nil }
          i += 2
          guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
          scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
          unit = 0
        } else if (0xDC00...0xDFFF).contains(unit) {
          return nil
        }
        guard let scalar = Unicode.Scalar(scalarValue) else { return nil }
        bytes.append(contentsOf: Array(String(Character(scalar)).utf8))
      default:
        return nil
      }
    }
    return nil
  }

  mutating func hex4() -> UInt16? {
    guard end - i >= 4 else { return nil }
    var v: UInt16 = 0
    for _ in 0..<4 {
      let c = p[i]
      let d: UInt8
      switch c {
      case 48...57: d = c - 48
      case 97...102: d = c - 87
      case 65...70: d = c - 55
      default: return nil
      }
      v = v << 4 | UInt16(d)
      i += 1
    }
    return v
  }

  mutating func bool() -> Bool? {
    ws()
    if end - i >= 4, p[i] == 116, p[i + 1] == 114, p[i + 2] == 117, p[i + 3] == 101 {
      i += 4
      return true
    }
    if end - i >= 5, p[i] == 102, p[i + 1] == 97, p[i + 2] == 108, p[i + 3] == 115, p[i + 4] == 101 {
      i += 5
      return false
    }
    return nil
  }

  mutating func int() -> Int? {
    ws()
    var negative = false
    if i < end, p[i] == UInt8(ascii: "-") {
      negative = true
      i += 1
    }
    let start = i
    var v = 0
    while i < end, p[i] >= 48, p[i] <= 57 {
      let (m, o1) = v.multipliedReportingOverflow(by: 10)
      let (a, o2) = m.addingReportingOverflow(Int(p[i] - 48))
      if o1 || o2 { return nil }
      v = a
      i += 1
    }
    guard i > start, i - start == 1 || p[start] != 48 else { return nil }
    // "1.0" or "1e2" for an integer field: leave it to JSONDecoder's rules.
    if i < end, p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
      return nil
    }
    return negative ? -v : v
  }

  mutating func uint64() -> UInt64? {
    ws()
    let start = i
    var v: UInt64 = 0
    while i < end, p[i] >= 48, p[i] <= 57 {
      let (m, o1) = v.multipliedReportingOverflow(by: 10)
      let (a, o2) = m.addingReportingOverflow(UInt64(p[i] - 48))
      if o1 || o2 { return nil }
      v = a
      i += 1
    }
    guard i > start, i - start == 1 || p[start] != 48 else { return nil }
    if i < end, p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
      return nil
    }
    return v
  }

  private static let powersOfTen: [Double] = (0...22).map { pow(10, Double($0)) }

  mutating func double() -> Double? {
    ws()
    let start = i
    var negative = false
    if i < end, p[i] == UInt8(ascii: "-") {
      negative = true
      i += 1
    }
    var mantissa: UInt64 = 0
    var digits = 0
    var fraction = 0
    let intStart = i
    while i < end, p[i] >= 48, p[i] <= 57 {
      mantissa = mantissa &* 10 &+ UInt64(p[i] - 48)
      digits += 1
      i += 1
    }
    guard i > intStart, i - intStart == 1 || p[intStart] != 48 else { return nil }
    if i < end, p[i] == UInt8(ascii: ".") {
      i += 1
      let fracStart = i
      while i < end, p[i] >= 48, p[i] <= 57 {
        mantissa = mantissa &* 10 &+ UInt64(p[i] - 48)
        digits += 1
        i += 1
      }
      guard i > fracStart else { return nil }
      fraction = i - fracStart
    }
    var exponentForm = false
    if i < end, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
      exponentForm = true
      i += 1
      if i < end, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
      let expStart = i
      while i < end, p[i] >= 48, p[i] <= 57 { i += 1 }
      guard i > expStart else { return nil }
    }
    // Clinger's fast path: an exact integer mantissa divided by an exact power of ten is
    // correctly rounded by one IEEE division.
    if !exponentForm, digits <= 15, fraction <= 22 {
      let v = Double(mantissa) / Self.powersOfTen[fraction]
      return negative ? -v : v
    }
    let text = String(decoding: UnsafeBufferPointer(start: p + start, count: i - start), as: UTF8.self)
    guard let v = Double(text), v.isFinite else { return nil }
    return v
  }

  mutating func intArray() -> [Int]? { array { $0.int() } }

  mutating func stringArray() -> [String]? { array { $0.string() } }

  /// A JSON array whose elements `element` reads; nil if anything is out of shape.
  mutating func array<T>(_ element: (inout Self) -> T?) -> [T]? {
    guard eat(UInt8(ascii: "[")) else { return nil }
    var values: [T] = []
    if eat(UInt8(ascii: "]")) { return values }
    while true {
      guard let v = element(&self) else { return nil }
      values.append(v)
      if eat(UInt8(ascii: ",")) { continue }
      guard eat(UInt8(ascii: "]")) else { return nil }
      return values
    }
  }

  mutating func response() -> Response? {
    guard eat(UInt8(ascii: "{")) else { return nil }
    ws()
    guard i < end, p[i] == UInt8(ascii: "\"") else { return nil }
    i += 1
    let ks = i
    while i < end, p[i] != UInt8(ascii: "\"") { i += 1 }
    guard i < end else { return nil }
    let kl = i - ks
    i += 1
    guard eat(UInt8(ascii: ":")) else { return nil }
    // Format 1 wrapped the value as `{"_0":…}`, the shape Swift's synthesised Codable gives.
    let wrapped = eat(UInt8(ascii: "{"))
    if wrapped {
      guard eat(UInt8(ascii: "\"")), end - i >= 3, p[i] == UInt8(ascii: "_"), p[i + 1] == UInt8(ascii: "0"),
        p[i + 2] == UInt8(ascii: "\"")
      else { return nil }
      i += 3
      guard eat(UInt8(ascii: ":")) else { return nil }
    }
    let r: Response
    if keyIs(ks, kl, "choices") { guard let v = intArray() else { return nil }; r = .choices(v) }
    else if keyIs(ks, kl, "text") { guard let v = string() else { return nil }; r = .text(v) }
    else if keyIs(ks, kl, "number") { guard let v = double() else { return nil }; r = .number(v) }
    else if keyIs(ks, kl, "order") { guard let v = intArray() else { return nil }; r = .order(v) }
    else if keyIs(ks, kl, "matches") { guard let v = intArray() else { return nil }; r = .matches(v) }
    else { return nil }
    if wrapped { guard eat(UInt8(ascii: "}")) else { return nil } }
    guard eat(UInt8(ascii: "}")) else { return nil }
    return r
  }
}
