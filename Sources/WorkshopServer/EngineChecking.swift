import WorkshopEngine

/// Grading with the engine itself: the same shuffler, parser, grader and scoring as the
/// learner's terminal, so a live answer counts exactly as it would at home.
public struct EngineChecking: AnswerChecking {
  public init() {}

  public func order(for question: Question, participant: String, shuffle: Bool) -> [Int] {
    Shuffler.presentation(for: question, learner: participant, shuffle: shuffle).order
  }

  public func parse(_ input: String, for question: Question, order: [Int]) -> Result<Response, InputProblem> {
    ResponseParser.parse(input, for: question, presentation: Presentation(order: order))
      .mapError { InputProblem($0.message) }
  }

  public func grade(_ question: Question, _ response: Response) -> Grade {
    Grader.grade(question, response)
  }

  public func describe(_ response: Response, for question: Question, order: [Int]) -> String {
    ResponseParser.describe(response, for: question, presentation: Presentation(order: order))
  }

  public func earned(points: Double, credit: Double, attempt: Int, hintsShown: Int, policy: Policy) -> Double {
    Scoring.earned(points: points, credit: credit, attempt: attempt, hintsShown: hintsShown, policy: policy)
  }
}
