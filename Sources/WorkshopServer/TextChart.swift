/// Answer distributions as text bars for the serve terminal.
public enum TextChart {
  /// One line per bucket: label, a bar of `█` scaled to the widest count, the count and a ✓ on
  /// the right answer (when `markRight`). Fits in `width` columns.
  public static func render(_ buckets: [DistributionBucket], width: Int = 80, markRight: Bool = true) -> [String] {
    guard !buckets.isEmpty else { return ["(no answers yet)"] }
    let labelWidth = min(28, max(6, buckets.map(\.label.count).max() ?? 6))
    let countWidth = String(buckets.map(\.count).max() ?? 0).count
    let barWidth = max(5, width - labelWidth - countWidth - 6)
    let top = max(1, buckets.map(\.count).max() ?? 1)
    return buckets.map { b in
      var label = b.label.count > labelWidth ? String(b.label.prefix(labelWidth - 1)) + "…" : b.label
      label += String(repeating: " ", count: labelWidth - label.count)
      let n = b.count == 0 ? 0 : max(1, Int((Double(b.count) / Double(top) * Double(barWidth)).rounded()))
      let bar = String(repeating: "█", count: n) + String(repeating: " ", count: barWidth - n)
      let count = String(repeating: " ", count: countWidth - String(b.count).count) + String(b.count)
      return "\(label) \(bar) \(count)\(markRight && b.correct ? " ✓" : "")"
    }
  }
}
