/// Writes the canonical JSON that digests are taken over, with `JSONWriter`'s number and string
/// rules (the records' canonical form): object keys sorted by their UTF-8 bytes, no whitespace.
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

  /// `JSONWriter.number`: one number rule for digests and records.
  mutating func number(_ value: Double) {
    bytes.append(contentsOf: JSONWriter.number(value).utf8)
  }

  mutating func string(_ value: String) {
    JSONWriter.writeString(value, into: &bytes)
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
