/// A live room grades, scores and counts attempts with the engine's own rules (`QuestionStep`),
/// exactly as the learner's terminal does; there is nothing to choose. This type remains only so
/// callers that still pass `checker: EngineChecking()` to `LiveHost.Options` compile; drop it
/// with that argument.
public struct EngineChecking: Sendable {
  public init() {}
}
