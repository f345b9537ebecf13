/// The prompt or a hint prints the answer: a keyed choice's text word for word, or a phrase that a
/// short question accepts. Hints should point to a concept, not to the key.
enum AnswerInTextCheck {
  /// Short-answer phrases are looked for up to this many words long.
  static let longestPhrase = 4

  /// A prompt or hint, as normalised words (computed once, looked through for every key).
  private struct Text {
    let what: String
    let words: [Substring]
    let site: SourceSite
  }

  static func run(_ lesson: Lesson, _ review: inout ItemWritingReview) {
    for question in lesson.questions {
      switch question.body {
      case .single, .multiple, .shortAnswer: break
      default: continue
      }
      let sites = review.sites(of: question, in: lesson)
      var texts: [Text] = [Text(what: "prompt", words: ItemText.words(question.prompt), site: sites.prompt)]
      for (index, hint) in question.hints.enumerated() {
        texts.append(
          Text(
            what: "hint \(index + 1)", words: ItemText.words(hint),
            site: sites.hints.indices.contains(index) ? sites.hints[index] : sites.fence))
      }
      switch question.body {
      case .single(let choices), .multiple(let choices):
        checkChoices(choices, question, lesson.path, texts, &review)
      case .shortAnswer(let key):
        checkShort(question, Grader.ShortAnswerKey(key), lesson.path, texts, &review)
      default:
        continue
      }
    }
  }

  private static func checkChoices(
    _ choices: [Question.Choice], _ question: Question, _ path: String,
    _ texts: [Text], _ review: inout ItemWritingReview
  ) {
    let wrongWords = choices.filter { !$0.correct }.map { ItemText.words($0.text) }
    for choice in choices where choice.correct {
      let key = ItemText.words(choice.text)
      // One short word ("Yes", "API") turns up by chance; a wording shared with a wrong choice
      // gives nothing away.
      guard key.count >= 2 || (key.first?.count ?? 0) >= 5,
        !wrongWords.contains(where: { ItemText.contains($0, key) })
      else { continue }
      for text in texts where ItemText.contains(text.words, key) {
        review.warn(
          .answerInText, path, text.site,
          "the \(text.what) of question '\(question.id)' contains the keyed choice '\(choice.text)'; say what to think about instead of naming the answer")
      }
    }
  }

  private static func checkShort(
    _ question: Question, _ key: Grader.ShortAnswerKey, _ path: String,
    _ texts: [Text], _ review: inout ItemWritingReview
  ) {
    let anyWording = key.key.pattern != nil
    for text in texts {
      let words = text.words
      var found: String?
      search: for length in 1...longestPhrase
      where length <= words.count && (anyWording || key.acceptedWordCounts.contains(length)) {
        for start in 0...(words.count - length)
        where anyWording || key.acceptedFirstWords.contains(words[start]) {
          let phrase = words[start..<(start + length)].joined(separator: " ")
          // The words are normalised already; normalising their phrase again costs little and
          // keeps this the grader's own test.
          if key.accepts(normalized: Normalizer.normalize(phrase)) {
            found = phrase
            break search
          }
        }
      }
      guard let found else { continue }
      review.warn(
        .answerInText, path, text.site,
        "the \(text.what) of question '\(question.id)' contains '\(found)', which the question accepts as the answer; reword it, or narrow 'answers'/'pattern' so that copying it is not enough")
    }
  }
}
