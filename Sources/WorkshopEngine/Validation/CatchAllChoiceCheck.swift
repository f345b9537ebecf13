/// "All of the above" and "none of the above" are answered from the other choices rather than the
/// subject: spotting two right choices is enough to pick "all", and "none" says nothing the
/// learner knows.
enum CatchAllChoiceCheck {
  static let phrases: [[Substring]] = [
    "all of the above", "none of the above", "both of the above", "neither of the above",
    "all the above", "all of these", "none of these", "all of them", "none of them",
  ].map { ItemText.words($0) }

  static func run(_ lesson: Lesson, _ review: inout ItemWritingReview) {
    for question in lesson.questions {
      switch question.body {
      case .single(let choices), .multiple(let choices): check(choices, question, lesson, &review)
      default: continue
      }
    }
  }

  private static func check(
    _ choices: [Question.Choice], _ question: Question, _ lesson: Lesson,
    _ review: inout ItemWritingReview
  ) {
    let sites = review.sites(of: question, in: lesson)
    for (index, choice) in choices.enumerated() {
      let words = ItemText.words(choice.text)
      guard phrases.contains(where: { words.starts(with: $0) }) else { continue }
      review.warn(
        .catchAllChoice, lesson.path, sites.choices.indices.contains(index) ? sites.choices[index] : sites.fence,
        "choice '\(choice.text)' of question '\(question.id)' is answered from the other choices, not from the subject; give it a claim of its own (for select-all-that-apply, use type: multiple)")
    }
  }
}
