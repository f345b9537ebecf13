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
      let normalized = choices.map { Normalizer.normalize($0.text) }
      let content = choices.map { ItemText.contentWords($0.text) }
      for j in choices.indices {
        guard let i = (0..<j).first(where: { i in
          nearDuplicates(normalized[i], normalized[j], content[i], content[j])
        }) else { continue }
        review.warn(
          .nearDuplicateChoice, lesson.path, sites.choices.indices.contains(j) ? sites.choices[j] : sites.fence,
          "choice '\(choices[j].text)' of question '\(question.id)' says nearly the same as choice \(i + 1) ('\(choices[i].text)'), so learners can rule both in or out together; make each choice a distinct claim")
      }
    }
  }

  static func nearDuplicates(_ a: String, _ b: String, _ wordsA: Set<String>, _ wordsB: Set<String>)
    -> Bool
  {
    if a == b { return true }
    if wordsA.count >= 2, wordsA == wordsB { return true }
    guard min(a.count, b.count) >= minimumLengthForEdits,
      a.filter(\.isNumber) == b.filter(\.isNumber)
    else { return false }
    return editDistance(Array(a), Array(b), limit: maximumEdits) <= maximumEdits
  }

  /// Levenshtein distance, giving up (returning limit + 1) once it must exceed `limit`.
  static func editDistance(_ a: [Character], _ b: [Character], limit: Int) -> Int {
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
