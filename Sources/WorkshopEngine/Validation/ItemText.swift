/// Word-level views of question text shared by the item-writing checks. Text is compared after
/// the same normalisation short answers get (`Normalizer.normalize`), so case, punctuation and
/// Markdown emphasis never hide a match.
enum ItemText {
  /// Normalised words, in order.
  static func words(_ text: String) -> [Substring] {
    Normalizer.words(ofNormalized: Normalizer.normalize(text))
  }

  /// Words that carry meaning: no function words, no one- or two-letter words (numbers are kept),
  /// with a plural `s` dropped so that "weight" and "weights" meet.
  static func contentWords(_ text: String) -> Set<String> {
    var found = Set<String>()
    for word in words(text) {
      let ascii = word.utf8.allSatisfy { $0 < 0x80 }
      let hasDigit =
        ascii ? word.utf8.contains { $0 >= 0x30 && $0 <= 0x39 } : word.contains(where: \.isNumber)
      guard hasDigit || (ascii ? word.utf8.count > 2 : word.count > 2), !stopWords.contains(String(word))
      else { continue }
      found.insert(stem(word))
    }
    return found
  }

  static func stem(_ word: Substring) -> String {
    let bytes = word.utf8
    if bytes.allSatisfy({ $0 < 0x80 }) {
      // ASCII: one byte per Character, so the bytes answer without the Unicode rules.
      if bytes.count > 3, bytes.last == 0x73, bytes.dropLast().last != 0x73 { return String(word.dropLast()) }
    } else if word.count > 3, word.hasSuffix("s"), !word.hasSuffix("ss") {
      return String(word.dropLast())
    }
    return String(word)
  }

  /// Whether `needle`'s words appear, consecutively and whole, in `haystack`'s.
  static func contains(_ haystack: [Substring], _ needle: [Substring]) -> Bool {
    guard !needle.isEmpty, needle.count <= haystack.count else { return false }
    for start in 0...(haystack.count - needle.count)
    where haystack[start..<(start + needle.count)].elementsEqual(needle) {
      return true
    }
    return false
  }

  /// Short English function words that say nothing about a choice's content.
  static let stopWords: Set<String> = [
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "because",
    "been", "before", "but", "by", "can", "could", "did", "do", "does", "each", "for", "from",
    "had", "has", "have", "how", "if", "in", "into", "is", "it", "its", "may", "more", "most",
    "must", "no", "not", "of", "on", "only", "or", "other", "our", "should", "so", "some", "such",
    "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those",
    "to", "under", "was", "we", "were", "what", "when", "which", "who", "will", "with", "without",
    "would", "you", "your",
  ]
}
