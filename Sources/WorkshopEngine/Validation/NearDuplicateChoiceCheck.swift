/// Two choices that say the same thing: either both are right or both are wrong, and learners can
/// rule them out together. Exact duplicates are already errors; this catches the near ones.
enum NearDuplicateChoiceCheck {
  /// Texts of at least this many characters (normalised) that differ in at most `maximumEdits`
  /// letters are near-duplicates, unless their numbers differ ("Llama 3.1" and "Llama 3.2" are not).
  static let minimumLengthForEdits = 12
  static let maximumEdits = 2

  static func run(_ lesson: Lesson, _ review: inout ItemWritingReview) {
    for question in lesson.questions {
      let choices: [Question.Choice]
      switch question.body {
      case .single(let c), .multiple(let c): choices = c
      default: continue
      }
      let sites = review.sites(of: question, in: lesson)
      let texts = choices.map { ChoiceText($0.text) }
      for j in texts.indices {
        guard let i = (0..<j).first(where: { i in nearDuplicates(texts[i], texts[j]) }) else { continue }
        review.warn(
          .nearDuplicateChoice, lesson.path, sites.choices.indices.contains(j) ? sites.choices[j] : sites.fence,
          "choice '\(choices[j].text)' of question '\(question.id)' says nearly the same as choice \(i + 1) ('\(choices[i].text)'), so learners can rule both in or out together; make each choice a distinct claim")
      }
    }
  }

  /// What the comparison looks at in one choice, worked out once per choice rather than once per
  /// pair. Normalised choices are nearly always ASCII, where a byte is a Character and the Unicode
  /// rules (grapheme breaks, numeric properties) can be skipped.
  struct ChoiceText {
    let normalized: String
    let isASCII: Bool
    /// In Characters.
    let length: Int
    /// The digits and other numeric Characters, in order.
    let numbers: String
    let contentWords: Set<String>

    init(_ text: String) {
      normalized = Normalizer.normalize(text)
      isASCII = normalized.utf8.allSatisfy { $0 < 0x80 }
      if isASCII {
        length = normalized.utf8.count
        numbers = String(decoding: normalized.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self)
      } else {
        length = normalized.count
        numbers = String(normalized.filter(\.isNumber))
      }
      contentWords = ItemText.contentWords(text)
    }
  }

  static func nearDuplicates(_ a: ChoiceText, _ b: ChoiceText) -> Bool {
    if a.normalized == b.normalized { return true }
    if a.contentWords.count >= 2, a.contentWords == b.contentWords { return true }
    guard min(a.length, b.length) >= minimumLengthForEdits, a.numbers == b.numbers else { return false }
    if a.isASCII && b.isASCII {
      return editDistance(Array(a.normalized.utf8), Array(b.normalized.utf8), limit: maximumEdits) <= maximumEdits
    }
    return editDistance(Array(a.normalized), Array(b.normalized), limit: maximumEdits) <= maximumEdits
  }

  /// Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`.
  static func editDistance<Unit: Equatable>(_ a: [Unit], _ b: [Unit], limit: Int) -> Int {
    if abs(a.count - b.count) > limit { return limit + 1 }
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
      var current = [i] + Array(repeating: 0, count: b.count)
      var rowMinimum = i
      for j in stride(from: 1, through: b.count, by: 1) {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        rowMinimum = min(rowMinimum, current[j])
      }
      if rowMinimum > limit { return limit + 1 }
      previous = current
    }
    return previous[b.count]
  }
}
