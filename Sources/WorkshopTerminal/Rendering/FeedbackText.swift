import WorkshopEngine

/// The words and marks for the result of an answer, the same in the REPL and in `workshop join`.
public struct FeedbackText: Sendable {
  public let theme: Theme

  public init(theme: Theme) { self.theme = theme }

  /// "✓ Correct." and its siblings; in plain mode the words alone.
  public func verdict(_ outcome: Grade.Outcome) -> String {
    switch outcome {
    case .correct: theme.apply([.success, .bold], to: theme.plain ? Copy.correct : "✓ " + Copy.correct)
    case .partial: theme.apply([.accent, .bold], to: theme.plain ? Copy.partial : "◐ " + Copy.partial)
    case .wrong: theme.apply([.failure, .bold], to: theme.plain ? Copy.wrong : "✗ " + Copy.wrong)
    }
  }

}
