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
    self.fence = fence
    prompt = fence
    explanation = fence
    func site(_ node: YAMLNode) -> SourceSite {
      let at = reader.location(node)
      return SourceSite(line: at.line, column: at.column)
    }
    /// The site of each item of a list (a lone value counts as a list of one), or of the item's
    /// `field` when the item is a mapping that has it.
    func sites(_ node: YAMLNode, field: String? = nil) -> [SourceSite] {
      guard case .sequence(let items) = node.content else { return [site(node)] }
      return items.map { item in site(field.flatMap { item[$0] } ?? item) }
    }
    // One pass over the block's keys (the composer refuses a mapping with a repeated key).
    guard case .mapping(let entries) = root.content else { return }
    var answers: SourceSite?
    var answer: SourceSite?
    for (key, value) in entries {
      guard case .scalar(let name, _) = key.content else { continue }
      switch name {
      case "prompt": prompt = site(value)
      case "explanation": explanation = site(value)
      case "hints": hints = sites(value)
      case "choices": choices = sites(value, field: "text")
      case "pairs": pairs = sites(value, field: "left")
      case "answers": answers = site(value)
      case "answer": answer = site(value)
      case "pattern": pattern = site(value)
      case "assesses": assesses = sites(value)
      default: continue
      }
    }
    self.answer = answers ?? answer
  }
}

/// Where a lesson's front matter names it, and the sites of its questions by id.
struct LessonSites: Sendable {
  var id = SourceSite(line: 1, column: 1)
  var questions: [String: QuestionSites] = [:]
}
