/// Which of a lesson's objectives an attempt showed, from the questions that name them
/// (`objectives:` in a question block). The summary of every front end ticks them off from here.
public struct ObjectiveResult: Sendable, Hashable {
  public enum Standing: Sendable, Hashable {
    /// The questions that check it earned at least the lesson's pass mark of their points.
    case shown
    case notYet
    /// No question asked in this attempt checks it.
    case notChecked
  }

  public var objective: String
  public var standing: Standing
  /// 1-based numbers, in the order asked, of its questions not answered right.
  public var missedQuestions: [Int]
}

extension LessonAttempt {
  /// One result per objective of the lesson; empty when no question names an objective, since
  /// then there is nothing true to tick.
  public var objectiveResults: [ObjectiveResult] {
    let asked = questions
    guard asked.contains(where: { !$0.objectives.isEmpty }) else { return [] }
    return lesson.objectives.enumerated().map { offset, objective in
      let checking = asked.enumerated().filter { $0.element.objectives.contains(offset + 1) }
      guard !checking.isEmpty else {
        return ObjectiveResult(objective: objective, standing: .notChecked, missedQuestions: [])
      }
      let score = Scoring.lessonScore(
        earned: checking.map { standing($0.element).earned }, possible: checking.map(\.element.points),
        passMark: policy.passMark)
      let missed = checking.filter { standing($0.element).outcome != .correct }.map { $0.offset + 1 }
      return ObjectiveResult(
        objective: objective, standing: score.passed ? .shown : .notYet, missedQuestions: missed)
    }
  }
}
