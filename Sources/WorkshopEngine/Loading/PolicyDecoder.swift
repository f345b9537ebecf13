
/// Reads a `policy:` mapping (course.yaml or front matter) as overrides of a base policy.
enum PolicyDecoder {
  static let keys = [
    "mode", "attempts", "credit", "hint_cost", "hints", "skip", "pass_mark", "shuffle",
    "review_retention",
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
    return policy
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
