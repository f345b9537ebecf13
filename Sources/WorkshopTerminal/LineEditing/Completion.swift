/// TAB completion, independent of readline so it can be tested as a function.
public enum Completion {
  /// Words from `candidates` that start with `prefix` (ignoring case). A prefix with a leading
  /// colon completes commands written the colon way (`:hi` → `:hint`).
  public static func matches(_ prefix: String, in candidates: [String]) -> [String] {
    let colon = prefix.hasPrefix(":")
    let bare = (colon ? String(prefix.dropFirst()) : prefix).lowercased()
    var seen = Set<String>()
    var result: [String] = []
    for word in candidates where word.lowercased().hasPrefix(bare) {
      let shown = colon ? ":" + word : word
      if seen.insert(shown).inserted { result.append(shown) }
    }
    return result
  }

  /// Longest common prefix, which readline puts in the line when several words match.
  public static func commonPrefix(_ words: [String]) -> String {
    guard var prefix = words.first else { return "" }
    for word in words.dropFirst() {
      while !word.hasPrefix(prefix) { prefix.removeLast() }
    }
    return prefix
  }
}
