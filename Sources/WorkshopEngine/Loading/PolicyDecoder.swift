
/// Reads a `policy:` mapping (course.yaml or front matter) as overrides of a base policy.
enum PolicyDecoder {
  static let keys = [
    "mode", "attempts", "credit", "hint_cost", "hints", "skip", "pass_mark", "shuffle",
    "review_retention", "retakes", "retake_after",
  ]

  static func decode(_ node: YAMLNode, over base: Policy, reader: YAMLReader) -> Policy {
    var policy = base
    guard let fields = reader.fields(node, what: "policy", known: keys) else { return policy }
    if let node = reader.value(fields, "mode"), let text = reader.string(node, key: "mode") {
      if let mode = Policy.Mode(rawValue: text) {
        policy.mode = mode
      } else {
        reader.error(node, "'mode' must be learn or exam, found '\(text)'")
      }
    }
    if let node = reader.value(fields, "attempts") {
      if let value = reader.integer(fields, "attempts") {
        if value >= 1 {
          policy.attempts = value
        } else {
          reader.error(node, "'attempts' must be 1 or more")
        }
      }
    }
    if let node = reader.value(fields, "credit") {
      let items: [YAMLNode]?
      if case .scalar = node.content { items = [node] } else { items = reader.sequence(node, key: "credit") }
      if let items {
        var credit: [Double] = []
        for item in items {
          guard let value = reader.number(item, key: "credit") else { continue }
          if (0...1).contains(value) {
            credit.append(value)
          } else {
            reader.error(item, "'credit' values must be between 0 and 1, found \(format(value))")
          }
        }
        if items.isEmpty {
          reader.error(node, "'credit' must list at least one value")
        } else if credit.count == items.count {
          policy.creditPerAttempt = credit
        }
      }
    }
    share("hint_cost", fields, reader) { policy.hintCost = $0 }
    share("pass_mark", fields, reader) { policy.passMark = $0 }
    if let value = reader.bool(fields, "hints") { policy.hintsAllowed = value }
    if let value = reader.bool(fields, "skip") { policy.skipAllowed = value }
    if let value = reader.bool(fields, "shuffle") { policy.shuffle = value }
    if let node = reader.value(fields, "review_retention"),
      let value = reader.number(node, key: "review_retention")
    {
      if ReviewSettings.retentionRange.contains(value) {
        policy.reviewRetention = value
      } else {
        reader.error(
          node, "'review_retention' must be between \(format(ReviewSettings.retentionRange.lowerBound)) "
            + "and \(format(ReviewSettings.retentionRange.upperBound)), found \(format(value))")
      }
    }
    if let node = reader.value(fields, "retakes"), let value = reader.integer(fields, "retakes") {
      if value >= 0 {
        policy.retakes = value
      } else {
        reader.error(node, "'retakes' must be 0 or more")
      }
    }
    if let node = reader.value(fields, "retake_after"), let text = reader.string(node, key: "retake_after") {
      if let seconds = Self.duration(text) {
        policy.retakeAfter = seconds
      } else {
        reader.error(
          node, "'retake_after' must be a wait such as 30m, 24h or 7d (a number of m, h or d), found '\(text)'")
      }
    }
    return policy
  }

  /// `0`, `90s`, `30m`, `24h`, `7d` (also combined, as `1d12h`), in seconds; nil for anything else.
  static func duration(_ text: String) -> Double? {
    let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
    let compact = text.lowercased().filter { !$0.isWhitespace }
    if compact == "0" { return 0 }
    var total = 0.0
    var digits = ""
    for c in compact {
      if c.isASCII, c.isNumber {
        digits.append(c)
      } else if let unit = units[c], let n = Double(digits) {
        total += n * unit
        digits = ""
      } else {
        return nil
      }
    }
    return digits.isEmpty && !compact.isEmpty ? total : nil
  }

  /// A number that must lie in 0...1.
  private static func share(
    _ key: String, _ fields: YAMLReader.Fields, _ reader: YAMLReader, set: (Double) -> Void
  ) {
    guard let node = reader.value(fields, key), let value = reader.number(node, key: key) else {
      return
    }
    if (0...1).contains(value) {
      set(value)
    } else {
      reader.error(node, "'\(key)' must be between 0 and 1, found \(format(value))")
    }
  }
}
