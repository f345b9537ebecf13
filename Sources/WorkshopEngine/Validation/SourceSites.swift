/// A place in a lesson file, 1-based.
struct SourceSite: Sendable, Hashable {
  var line: Int
  var column: Int
}

/// Where each part of a question was written, so that lint's item-writing checks can point at
/// the choice, hint or pair they are about rather than at the whole block. Lint-only: it never
/// reaches the model, the digests or the library cache.
struct QuestionSites: Sendable, Hashable {
  var fence: SourceSite
  var prompt: SourceSite
  var explanation: SourceSite
  var hints: [SourceSite] = []
  /// One per choice, at its `text`.
  var choices: [SourceSite] = []
  /// One per pair, at its `left`.
  var pairs: [SourceSite] = []
  /// `answers` of a short question, `answer` of a true/false one.
  var answer: SourceSite?
  var pattern: SourceSite?
  /// One per `assesses` item.
  var assesses: [SourceSite] = []

  init(_ root: YAMLNode, reader: YAMLReader, fenceLine: Int, fenceColumn: Int) {
    let fence = SourceSite(line: fenceLine, column: fenceColumn)
    func site(_ node: YAMLNode?) -> SourceSite? {
      guard let node else { return nil }
      let at = reader.location(node)
      return SourceSite(line: at.line, column: at.column)
    }
    func items(_ node: YAMLNode?) -> [YAMLNode] {
      guard let node else { return [] }
      if case .sequence(let items) = node.content { return items }
      return [node]
    }
    self.fence = fence
    prompt = site(root["prompt"]) ?? fence
    explanation = site(root["explanation"]) ?? fence
    hints = items(root["hints"]).map { site($0)! }
    choices = items(root["choices"]).map { site($0["text"] ?? $0)! }
    pairs = items(root["pairs"]).map { site($0["left"] ?? $0)! }
    answer = site(root["answers"]) ?? site(root["answer"])
    pattern = site(root["pattern"])
    assesses = items(root["assesses"]).map { site($0)! }
  }
}

/// Where a lesson's front matter names it, and the sites of its questions by id.
struct LessonSites: Sendable {
  var id = SourceSite(line: 1, column: 1)
  var questions: [String: QuestionSites] = [:]
}
