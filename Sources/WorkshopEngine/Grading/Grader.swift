public enum Grader {
  /// Grades a canonical response. Never traps: a response of the wrong kind, or one naming
  /// choices, items or pairs that do not exist, grades wrong with no credit.
  public static func grade(_ question: Question, _ response: Response) -> Grade {
    switch (question.body, response) {
    case (.single(let choices), .choices(let picked)):
      return single(choices, picked)
    case (.multiple(let choices), .choices(let picked)):
      return multiple(choices, picked)
    case (.trueFalse(let answer, let feedbackTrue, let feedbackFalse), .choices(let picked)):
      guard picked.count == 1, let pick = picked.first, pick == 0 || pick == 1 else {
        return wrong()
      }
      let saidTrue = pick == 0
      let feedback = saidTrue ? feedbackTrue : feedbackFalse
      return saidTrue == answer
        ? Grade(outcome: .correct, credit: 1, feedback: list(feedback))
        : Grade(outcome: .wrong, credit: 0, feedback: list(feedback))
    case (.shortAnswer(let key), .text(let text)):
      return short(key, text)
    case (.numeric(let key), .number(let value)):
      return isRight(value, key.rule)
        ? Grade(outcome: .correct, credit: 1)
        : Grade(outcome: .wrong, credit: 0, feedback: list(key.otherwiseFeedback))
    case (.ordering(let items, let feedback), .order(let order)):
      // Compared by text so that two identical items may trade places; still all or nothing.
      let right =
        order.count == items.count && Set(order) == Set(items.indices)
        && zip(items.indices, order).allSatisfy { items[$0] == items[$1] }
      return right
        ? Grade(outcome: .correct, credit: 1)
        : Grade(outcome: .wrong, credit: 0, feedback: list(feedback))
    case (.matching(let pairs, let feedback), .matches(let matches)):
      var grade = matching(pairs, matches)
      if grade.outcome != .correct { grade.feedback += list(feedback) }
      return grade
    default:
      return wrong()
    }
  }

  private static func wrong() -> Grade { Grade(outcome: .wrong, credit: 0) }

  private static func list(_ text: String?) -> [String] {
    guard let text, !text.isEmpty else { return [] }
    return [text]
  }

  private static func single(_ choices: [Question.Choice], _ picked: [Int]) -> Grade {
    guard picked.count == 1, let pick = picked.first, choices.indices.contains(pick) else {
      return wrong()
    }
    let choice = choices[pick]
    let feedback = list(choice.feedback)
    return Grade(
      outcome: choice.correct ? .correct : .wrong, credit: choice.correct ? 1 : 0,
      feedback: feedback, feedbackChoices: feedback.map { _ in pick })
  }

  /// Credit is (right picked − wrong picked) ÷ right total, never below 0; only the exact set of
  /// right choices is correct.
  private static func multiple(_ choices: [Question.Choice], _ picked: [Int]) -> Grade {
    guard picked.allSatisfy(choices.indices.contains) else { return wrong() }
    let pickedSet = Set(picked)
    let rightSet = Set(choices.indices.filter { choices[$0].correct })
    let about = pickedSet.sorted().filter { !list(choices[$0].feedback).isEmpty }
    let feedback = about.flatMap { list(choices[$0].feedback) }
    if pickedSet == rightSet {
      return Grade(outcome: .correct, credit: 1, feedback: feedback, feedbackChoices: about)
    }
    guard !rightSet.isEmpty else {
      return Grade(outcome: .wrong, credit: 0, feedback: feedback, feedbackChoices: about)
    }
    let rightPicked = pickedSet.intersection(rightSet).count
    let wrongPicked = pickedSet.count - rightPicked
    let credit = min(1, max(0, Double(rightPicked - wrongPicked) / Double(rightSet.count)))
    return Grade(
      outcome: credit > 0 ? .partial : .wrong, credit: credit, feedback: feedback, feedbackChoices: about)
  }

  private static func short(_ key: Question.ShortAnswer, _ text: String) -> Grade {
    ShortAnswerKey(key).grade(normalized: Normalizer.normalize(text))
  }

  /// A short-answer key with its answers normalised once, for grading many responses against the
  /// same question (lint looks for the answer among every phrase of a prompt and its hints).
  struct ShortAnswerKey {
    let key: Question.ShortAnswer
    private let accepted: Set<String>
    /// How many words each accepted answer has once normalised: without a pattern, no response
    /// of another length can be accepted.
    let acceptedWordCounts: Set<Int>
    /// The first word of each accepted answer once normalised: without a pattern, no response
    /// that starts with another word can be accepted.
    let acceptedFirstWords: Set<Substring>
    /// Each known wrong answer, normalised, with its feedback; the first listed wins.
    private let wrong: [String: String?]

    init(_ key: Question.ShortAnswer) {
      self.key = key
      accepted = Set(key.accepted.map(Normalizer.normalize))
      let acceptedWords = accepted.map(Normalizer.words(ofNormalized:))
      acceptedWordCounts = Set(acceptedWords.map(\.count))
      acceptedFirstWords = Set(acceptedWords.compactMap(\.first))
      var wrong: [String: String?] = [:]
      for answer in key.wrongAnswers where wrong[Normalizer.normalize(answer.answer)] == nil {
        wrong[Normalizer.normalize(answer.answer)] = .some(answer.feedback)
      }
      self.wrong = wrong
    }

    /// Whether the key accepts a response already passed through `Normalizer.normalize`.
    func accepts(normalized response: String) -> Bool {
      guard !response.isEmpty else { return false }
      return accepted.contains(response)
        || key.pattern.map { Normalizer.matches(pattern: $0, normalized: response) } == true
    }

    func grade(normalized response: String) -> Grade {
      if accepts(normalized: response) { return Grade(outcome: .correct, credit: 1) }
      guard !response.isEmpty else { return Grade(outcome: .wrong, credit: 0) }
      if let feedback = wrong[response] { return Grade(outcome: .wrong, credit: 0, feedback: list(feedback)) }
      return Grade(outcome: .wrong, credit: 0, feedback: list(key.otherwiseFeedback))
    }
  }

  /// Comparisons allow a tiny slack relative to the magnitudes involved, so that decimal values
  /// which binary floating point cannot hold exactly (0.1, 0.3) still meet their boundaries.
  static func isRight(_ value: Double, _ rule: Question.NumericAnswer.Rule) -> Bool {
    guard value.isFinite else { return false }
    func slack(_ magnitudes: Double...) -> Double {
      1e-9 * max(1, magnitudes.map(abs).max() ?? 1)
    }
    switch rule {
    case .exact(let answer):
      return abs(value - answer) <= slack(answer, value)
    case .tolerance(let answer, let tolerance):
      return abs(value - answer) <= abs(tolerance) + slack(answer, value, tolerance)
    case .range(let low, let high):
      let lo = min(low, high)
      let hi = max(low, high)
      return value >= lo - slack(lo, value) && value <= hi + slack(hi, value)
    }
  }

  /// Credit is the share of left items matched to their right item. Two pairs with the same
  /// right-hand text are interchangeable, so either counts.
  private static func matching(_ pairs: [Question.MatchPair], _ matches: [Int]) -> Grade {
    guard !pairs.isEmpty, matches.count == pairs.count,
      matches.allSatisfy(pairs.indices.contains)
    else { return wrong() }
    let right = zip(pairs.indices, matches).filter { pairs[$0].right == pairs[$1].right }.count
    if right == pairs.count { return Grade(outcome: .correct, credit: 1) }
    let credit = Double(right) / Double(pairs.count)
    return Grade(outcome: right > 0 ? .partial : .wrong, credit: credit)
  }
}
