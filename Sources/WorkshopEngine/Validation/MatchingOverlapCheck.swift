/// A matching pair whose two sides share a content word ("Code" with "the code that trains it")
/// can be matched by the word alone.
enum MatchingOverlapCheck {
  static func run(_ lesson: Lesson, _ review: inout ItemWritingReview) {
    for question in lesson.questions {
      guard case .matching(let pairs, _) = question.body else { continue }
      let sites = review.sites(of: question, in: lesson)
      for (index, pair) in pairs.enumerated() {
        let shared = ItemText.contentWords(pair.left).intersection(ItemText.contentWords(pair.right))
        guard !shared.isEmpty else { continue }
        review.warn(
          .matchingOverlap, lesson.path, sites.pairs.indices.contains(index) ? sites.pairs[index] : sites.fence,
          "pair '\(pair.left)' of question '\(question.id)' shares \(shared.sorted().map { "'\($0)'" }.joined(separator: ", ")) with its right side, so it can be matched by the word alone; describe the right side without it")
      }
    }
  }
}
