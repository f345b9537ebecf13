/// English counts for every front end, so "1 minute" and "2 minutes" are spelt one way.
public enum Wording {
  /// "1 minute", "3 minutes", "0 answers"; `plural` for irregular nouns.
  public static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
  }
}
