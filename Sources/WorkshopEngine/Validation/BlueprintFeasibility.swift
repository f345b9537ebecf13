/// Proves that an exam blueprint can always be met by `AssessmentDraw`.
///
/// The draw fills the quotas in the order written, each from the questions that carry its tag and
/// have not been drawn yet, so a question with two blueprint tags counts for one quota only. A
/// quota is safe when its tag has enough questions left even if every earlier quota happened to
/// take its questions from the ones they share: that worst case bounds every possible draw, so a
/// blueprint with no shortfall here never comes up short for any learner or attempt.
public enum BlueprintFeasibility {
  public struct Shortfall: Sendable, Hashable {
    /// Index into the blueprint.
    public var quota: Int
    /// Questions carrying the quota's tag.
    public var tagged: Int
    /// How many of those earlier quotas may take in the worst case.
    public var takenEarlier: Int
    public var message: String
  }

  public static func shortfalls(_ blueprint: [BlueprintQuota], questions: [Question])
    -> [Shortfall]
  {
    let holders = blueprint.map { quota in
      Set(questions.indices.filter { questions[$0].tags.contains(quota.tag) })
    }
    var found: [Shortfall] = []
    for (k, quota) in blueprint.enumerated() {
      let tagged = holders[k].count
      var takenEarlier = 0
      var sharedWith: [String] = []
      for j in 0..<k {
        let shared = holders[j].intersection(holders[k]).count
        let taken = min(blueprint[j].count, shared)
        if taken > 0 { sharedWith.append(blueprint[j].tag) }
        takenEarlier += taken
      }
      takenEarlier = min(takenEarlier, tagged)
      guard tagged - takenEarlier < quota.count else { continue }
      var message: String
      if tagged == 0 {
        message = "the blueprint asks for \(quota.count) '\(quota.tag)' question\(quota.count == 1 ? "" : "s") but no question has that tag"
      } else if takenEarlier == 0 {
        message = "the blueprint asks for \(quota.count) '\(quota.tag)' questions but only \(tagged) \(tagged == 1 ? "has" : "have") that tag"
      } else {
        message = "the blueprint asks for \(quota.count) '\(quota.tag)' questions, but of the \(tagged) with that tag a draw may already have used \(takenEarlier) for \(sharedWith.map { "'\($0)'" }.joined(separator: ", ")) (each question counts once)"
      }
      message += "; add '\(quota.tag)' questions or lower the count"
      found.append(Shortfall(quota: k, tagged: tagged, takenEarlier: takenEarlier, message: message))
    }
    return found
  }
}
