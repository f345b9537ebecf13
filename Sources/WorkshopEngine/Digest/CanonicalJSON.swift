/// A minimal JSON writer for digests: object keys sorted by their UTF-8 bytes, no whitespace,
/// whole numbers without a fraction, other numbers in Swift's shortest round-trip form, strings
/// with only `"`, `\` and control characters escaped.
struct CanonicalJSON {
  private(set) var text = ""

  mutating func null() { text += "null" }

  mutating func bool(_ value: Bool) { text += value ? "true" : "false" }

  mutating func number(_ value: Double) {
    if value == value.rounded(), abs(value) < 1e15 {
      text += String(Int64(value))
    } else {
      text += String(value)
    }
  }

  mutating func string(_ value: String) {
    text.append("\"")
    var plainStart = value.utf8.startIndex
    let utf8 = value.utf8
    var index = plainStart
    while index != utf8.endIndex {
      let byte = utf8[index]
      if byte == 0x22 || byte == 0x5C || byte < 0x20 {
        text += value[plainStart..<index]
        switch byte {
        case 0x22: text += "\\\""
        case 0x5C: text += "\\\\"
        case 0x0A: text += "\\n"
        case 0x09: text += "\\t"
        case 0x0D: text += "\\r"
        default:
          let digits = String(byte, radix: 16)
          text += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
        }
        plainStart = utf8.index(after: index)
      }
      index = utf8.index(after: index)
    }
    text += value[plainStart..<utf8.endIndex]
    text.append("\"")
  }

  mutating func array<T>(_ items: [T], _ element: (inout CanonicalJSON, T) -> Void) {
    text.append("[")
    for (offset, item) in items.enumerated() {
      if offset > 0 { text.append(",") }
      element(&self, item)
    }
    text.append("]")
  }

  mutating func object(_ build: (inout Object) -> Void) {
    var object = Object()
    build(&object)
    object.fields.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    text.append("{")
    for (offset, field) in object.fields.enumerated() {
      if offset > 0 { text.append(",") }
      string(field.key)
      text.append(":")
      text += field.value
    }
    text.append("}")
  }

  struct Object {
    fileprivate var fields: [(key: String, value: String)] = []

    mutating func field(_ key: String, _ value: (inout CanonicalJSON) -> Void) {
      var json = CanonicalJSON()
      value(&json)
      fields.append((key, json.text))
    }
  }
}
