/// The right answer stands out by its length: test-wise learners pick the longest choice, so a
/// keyed choice far longer than the rest, or keyed choices that are usually the longest, let them
/// score without knowing the subject.
enum KeyLengthCheck {
  /// A keyed choice longer than this many times the longest other choice is flagged.
  static let maximumRatio = 1.5
  /// A lesson whose keyed choice is the longest in more than this share of its single-choice
  /// questions is flagged (by chance it would be about one in the number of choices).
  static let maximumShare = 0.5
  /// The share is only judged once a lesson has this many single-choice questions.
  static let minimumQuestions = 4

  static func run(_ lesson: Lesson, _ review: inout ItemWritingReview) {
    var singles = 0
    var longest: [String] = []
    for question in lesson.questions {
      guard case .single(let choices) = question.body,
        let key = choices.firstIndex(where: \.correct)
      else { continue }
      singles += 1
      let lengths = choices.map { trimmed($0.text).count }
      let longestOther = lengths.indices.filter { $0 != key }.map { lengths[$0] }.max() ?? 0
      if lengths[key] > longestOther { longest.append(question.id) }
      if longestOther > 0, Double(lengths[key]) > maximumRatio * Double(longestOther) {
        let ratio = (Double(lengths[key]) / Double(longestOther) * 10).rounded() / 10
        let sites = review.sites(of: question, in: lesson)
        review.warn(
          .keyLength, lesson.path, sites.choices.indices.contains(key) ? sites.choices[key] : sites.fence,
          "the keyed choice of question '\(question.id)' is \(format(ratio))× as long as the longest other choice (\(lengths[key]) against \(longestOther) characters), so it can be picked by its length; make the wrong choices as specific, or move detail from the keyed choice to the explanation")
      }
    }
    guard singles >= minimumQuestions, Double(longest.count) > maximumShare * Double(singles)
    else { return }
    let percent = Int((Double(longest.count) / Double(singles) * 100).rounded())
    review.warn(
      .keyLength, lesson.path, review.idSite(of: lesson),
      "the keyed choice is the longest in \(longest.count) of \(singles) single-choice questions (\(percent)%, more than \(Int(maximumShare * 100))%), so 'pick the longest' scores well; vary which choice is longest (\(longest.joined(separator: ", ")))")
  }
}
