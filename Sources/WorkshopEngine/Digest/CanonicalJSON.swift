/// Writes the canonical JSON that digests are taken over: object keys sorted by their UTF-8 bytes,
/// no whitespace, whole numbers without a fraction, other numbers in Swift's shortest round-trip
/// form, strings with only `"`, `\` and control characters escaped.
///
/// Callers write each object's keys already in sorted order (the key sets are fixed), so the
/// writer appends bytes and never builds, sorts or copies intermediate strings.
struct CanonicalJSON {
  private(set) var bytes: [UInt8] = []
  /// Whether the object being written still has no field (no comma before the next one).
  private var firstField = true

  init(capacity: Int = 512) { bytes.reserveCapacity(capacity) }

  var text: String { String(decoding: bytes, as: UTF8.self) }

  private mutating func ascii(_ text: StaticString) {
    text.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }

  mutating func null() { ascii("null") }

  mutating func bool(_ value: Bool) { value ? ascii("true") : ascii("false") }

  mutating func number(_ value: Double) {
    if value == value.rounded(), abs(value) < 1e15 {
      bytes.append(contentsOf: String(Int64(value)).utf8)
    } else {
      bytes.append(contentsOf: String(value).utf8)
    }
  }

  mutating func string(_ value: String) {
    bytes.append(0x22)
    var value = value
    value.withUTF8 { utf8 in
      var plainStart = 0
      for index in 0..<utf8.count {
        let byte = utf8[index]
        guard byte == 0x22 || byte == 0x5C || byte < 0x20 else { continue }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plainStart..<index]))
        switch byte {
        case 0x22: ascii("\\\"")
        case 0x5C: ascii("\\\\")
        case 0x0A: ascii("\\n")
        case 0x09: ascii("\\t")
        case 0x0D: ascii("\\r")
        default:
          let hex: [UInt8] = Array("0123456789abcdef".utf8)
          ascii("\\u00")
          bytes.append(hex[Int(byte >> 4)])
          bytes.append(hex[Int(byte & 0x0F)])
        }
        plainStart = index + 1
      }
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plainStart...]))
    }
    bytes.append(0x22)
  }

  mutating func strings(_ values: [String]) {
    array(values) { $0.string($1) }
  }

  mutating func array<T>(_ items: [T], _ element: (inout CanonicalJSON, T) -> Void) {
    bytes.append(0x5B)
    for (offset, item) in items.enumerated() {
      if offset > 0 { bytes.append(0x2C) }
      element(&self, item)
    }
    bytes.append(0x5D)
  }

  /// An object whose fields `build` writes with `key(_:)`, in sorted key order.
  mutating func object(_ build: (inout CanonicalJSON) -> Void) {
    bytes.append(0x7B)
    let outer = firstField
    firstField = true
    build(&self)
    firstField = outer
    bytes.append(0x7D)
  }

  /// Starts a field; its value is written next.
  mutating func key(_ name: StaticString) {
    if !firstField { bytes.append(0x2C) }
    firstField = false
    bytes.append(0x22)
    ascii(name)
    ascii("\":")
  }
}
