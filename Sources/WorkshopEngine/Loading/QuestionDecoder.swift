#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An example string from a question's `examples:`, with where it was written, for lint's proofs.
struct ExampleCase: Sendable, Hashable {
  var text: String
  /// True for `accept:` (must grade correct), false for `reject:`.
  var accept: Bool
  var line: Int
  var column: Int
}

/// Turns one question block's YAML into a `Question`, checking its structure.
struct QuestionDecoder {
  let reader: YAMLReader
  /// Line of the opening fence, where problems with the block as a whole are reported.
  let fenceLine: Int
  let fenceColumn: Int
  /// How many objectives the lesson's front matter lists, for `objectives:` numbers.
  var objectiveCount = 0

  static let commonKeys = [
    "id", "type", "prompt", "points", "explanation", "hints", "tags", "assesses", "objectives", "examples",
  ]
  static let keysByKind: [Question.Kind: [String]] = [
    .single: ["choices"],
    .multiple: ["choices"],
    .truefalse: ["answer", "feedback"],
    .short: ["answers", "pattern", "wrong", "feedback"],
    .numeric: ["answer", "tolerance", "range", "feedback"],
    .ordering: ["items", "feedback"],
    .matching: ["pairs", "feedback"],
  ]
  static let allKeys: [String] = {
    var all = commonKeys
    for kind in Question.Kind.allCases {
      for key in keysByKind[kind]! where !all.contains(key) { all.append(key) }
    }
    return all
  }()

  private var sink: DiagnosticSink { reader.sink }

  private func blockError(_ message: String) { sink.error(fenceLine, fenceColumn, message) }

  /// A required text key; a missing key is reported at the opening fence.
  private func requiredString(_ fields: YAMLReader.Fields, _ key: String) -> String? {
    guard fields.has(key) else {
      blockError("question has no '\(key)'")
      return nil
    }
    return reader.string(fields, key, required: true)
  }

  func decode(_ root: YAMLNode) -> (Question, [ExampleCase])? {
    let errorsBefore = sink.errorCount
    // The type decides which keys are known, so read it before checking the others.
    var kind: Question.Kind?
    if let typeNode = root["type"], !typeNode.isNull {
      if let name = reader.string(typeNode, key: "type") {
        kind = Question.Kind(rawValue: name)
        if kind == nil {
          let names = Question.Kind.allCases.map(\.rawValue)
          var message = "unknown question type '\(name)'"
          if let guess = closestMatch(to: name, in: names) { message += "; did you mean '\(guess)'?" }
          message += " (expected one of: \(names.joined(separator: ", ")))"
          reader.error(typeNode, message)
        }
      }
    }
    let known = kind.map { Self.commonKeys + Self.keysByKind[$0]! } ?? Self.allKeys
    guard
      let fields = reader.fields(
        root, what: "a question", known: known,
        elsewhere: { key in
          guard let kind, Self.allKeys.contains(key) else { return nil }
          return "\(kind.rawValue) questions do not use it"
        })
    else { return nil }

    let id = requiredString(fields, "id")
    if let id, !isSlug(id) {
      reader.error(
        fields["id"]!, "question id '\(id)' is not a slug (use a-z, 0-9 and single dashes)")
    }
    if !fields.has("type") {
      let names = Question.Kind.allCases.map(\.rawValue).joined(separator: ", ")
      blockError("question has no 'type' (one of: \(names))")
    }
    let prompt = requiredString(fields, "prompt")
    var points = 1.0
    if let node = reader.value(fields, "points"), let value = reader.number(node, key: "points") {
      if value > 0 { points = value } else { reader.error(node, "'points' must be greater than 0") }
    }
    let explanation = reader.string(fields, "explanation")
    if explanation == nil || explanation!.allSatisfy(\.isWhitespace) {
      if let node = fields.key("explanation") {
        reader.error(node, "'explanation' must not be empty")
      } else {
        blockError("question '\(id ?? "?")' has no explanation (say why the right answer is right)")
      }
    }
    let hints = reader.strings(fields, "hints", singleAllowed: true) ?? []
    let tags = slugList(fields, "tags")
    let assesses = slugList(fields, "assesses")
    let objectives = objectiveNumbers(fields)

    var examples: Question.Examples?
    var cases: [ExampleCase] = []
    if let node = reader.value(fields, "examples") {
      if let kind, kind != .short && kind != .numeric {
        reader.error(
          fields.key("examples") ?? node,
          "examples are only for short and numeric questions (\(kind.rawValue) questions are proved by their structure)"
        )
      } else if let exampleFields = reader.fields(node, what: "examples", known: ["accept", "reject"]) {
        var accept: [String] = []
        var reject: [String] = []
        for (key, isAccept) in [("accept", true), ("reject", false)] {
          guard let list = reader.value(exampleFields, key),
            let items = reader.sequence(list, key: key)
          else { continue }
          for item in items {
            guard let text = reader.string(item, key: "\(key) item") else { continue }
            let at = reader.location(item)
            cases.append(ExampleCase(text: text, accept: isAccept, line: at.line, column: at.column))
            if isAccept { accept.append(text) } else { reject.append(text) }
          }
        }
        examples = Question.Examples(accept: accept, reject: reject)
      }
    }

    guard let kind else { return nil }
    guard let body = decodeBody(kind, fields) else { return nil }
    guard let id, let prompt, let explanation, sink.errorCount == errorsBefore else { return nil }
    let question = Question(
      id: id, prompt: prompt, points: points, body: body, explanation: explanation, hints: hints,
      tags: tags, examples: examples, line: fenceLine, assesses: assesses, objectives: objectives)
    return (question, cases)
  }

  /// `objectives: 2` or `objectives: [1, 3]`: numbers of the lesson's objectives, from 1.
  private func objectiveNumbers(_ fields: YAMLReader.Fields) -> [Int] {
    guard let node = reader.value(fields, "objectives") else { return [] }
    let items: [YAMLNode]
    if case .scalar = node.content { items = [node] } else { items = reader.sequence(node, key: "objectives") ?? [] }
    var numbers: [Int] = []
    for item in items {
      guard let n = item.integer else {
        reader.error(item, "'objectives' lists objectives by number (1 is the first in the front matter), found '\(item.string ?? "?")'")
        continue
      }
      if n >= 1, n <= objectiveCount {
        numbers.append(n)
      } else if objectiveCount == 0 {
        reader.error(item, "the lesson has no 'objectives' in its front matter for this question to check")
      } else {
        reader.error(item, "objective \(n) does not exist: the lesson lists \(objectiveCount) objective\(objectiveCount == 1 ? "" : "s")")
      }
    }
    return numbers
  }

  /// A list of slugs such as `tags` or `assesses`; a value that is not a slug is kept, with a warning.
  private func slugList(_ fields: YAMLReader.Fields, _ key: String) -> [String] {
    var values: [String] = []
    guard let node = reader.value(fields, key), let items = reader.sequence(node, key: key) else {
      return values
    }
    for item in items {
      guard let value = reader.string(item, key: "\(key) item") else { continue }
      if !isSlug(value) { reader.warning(item, "\(key == "tags" ? "tag" : "\(key) item") '\(value)' is not a slug") }
      values.append(value)
    }
    return values
  }

  // MARK: Bodies

  private func decodeBody(_ kind: Question.Kind, _ fields: YAMLReader.Fields) -> Question.Body? {
    switch kind {
    case .single, .multiple:
      guard let choices = decodeChoices(kind, fields) else { return nil }
      return kind == .single ? .single(choices) : .multiple(choices)
    case .truefalse:
      return decodeTrueFalse(fields)
    case .short:
      return decodeShort(fields).map(Question.Body.shortAnswer)
    case .numeric:
      return decodeNumeric(fields).map(Question.Body.numeric)
    case .ordering:
      return decodeOrdering(fields)
    case .matching:
      return decodeMatching(fields)
    }
  }

  private func decodeChoices(_ kind: Question.Kind, _ fields: YAMLReader.Fields) -> [Question.Choice]? {
    guard let node = reader.value(fields, "choices") else {
      if let key = fields.key("choices") {
        reader.error(key, "'choices' is empty; a \(kind.rawValue) question needs choices")
      } else {
        blockError("a \(kind.rawValue) question needs 'choices'")
      }
      return nil
    }
    guard let items = reader.sequence(node, key: "choices") else { return nil }
    if items.isEmpty {
      reader.error(node, "'choices' is empty; a \(kind.rawValue) question needs choices")
      return nil
    }
    var choices: [Question.Choice] = []
    var nodes: [YAMLNode] = []
    var seen: [String: Int] = [:]
    var failed = false
    for item in items {
      guard
        let choice = reader.fields(item, what: "a choice", known: ["text", "correct", "feedback"])
      else {
        failed = true
        continue
      }
      guard let text = reader.string(choice, "text", required: true, missingAt: item) else {
        failed = true
        continue
      }
      let errorsBefore = sink.errorCount
      let correct = reader.bool(choice, "correct") ?? false
      if sink.errorCount != errorsBefore {
        // Counting correct choices would only repeat the same mistake.
        failed = true
        continue
      }
      let feedback = reader.string(choice, "feedback")
      let key = trimmed(text).lowercased()
      if let first = seen[key] {
        reader.error(item, "duplicate choice '\(text)' (same as choice \(first + 1))")
        failed = true
      } else {
        seen[key] = choices.count
      }
      if !correct && (feedback ?? "").allSatisfy(\.isWhitespace) {
        reader.warning(item, "wrong choice '\(text)' has no feedback (say why it is wrong)")
      }
      choices.append(Question.Choice(text: text, correct: correct, feedback: feedback))
      nodes.append(item)
    }
    if failed { return nil }
    let correctIndices = choices.indices.filter { choices[$0].correct }
    switch kind {
    case .single:
      if choices.count < 2 {
        reader.error(node, "a single question needs at least 2 choices")
        return nil
      }
      if correctIndices.isEmpty {
        reader.error(node, "a single question needs exactly one correct choice; none has 'correct: true'")
        return nil
      }
      if correctIndices.count > 1 {
        reader.error(
          nodes[correctIndices[1]],
          "a single question needs exactly one correct choice; \(correctIndices.count) are marked correct (use type: multiple for select-all-that-apply)"
        )
        return nil
      }
    default:
      if correctIndices.isEmpty {
        reader.error(node, "a multiple question needs at least one correct choice")
        return nil
      }
      if correctIndices.count == choices.count {
        reader.error(node, "a multiple question needs at least one wrong choice; every choice is correct")
        return nil
      }
    }
    return choices
  }

  private func decodeTrueFalse(_ fields: YAMLReader.Fields) -> Question.Body? {
    guard let answer = reader.bool(fields, "answer", required: true, missingAt: nil) else {
      if !fields.has("answer") { blockError("a truefalse question needs 'answer: true' or 'answer: false'") }
      return nil
    }
    var feedbackTrue: String?
    var feedbackFalse: String?
    if let node = reader.value(fields, "feedback") {
      guard let feedback = reader.fields(node, what: "truefalse feedback", known: ["true", "false"])
      else { return nil }
      feedbackTrue = reader.string(feedback, "true")
      feedbackFalse = reader.string(feedback, "false")
    }
    let wrongFeedback = answer ? feedbackFalse : feedbackTrue
    if (wrongFeedback ?? "").allSatisfy(\.isWhitespace) {
      let at = fields.key("feedback") ?? fields.key("answer")!
      reader.warning(
        at, "no feedback for the wrong pick (add feedback: {\(!answer): ...} saying why it is wrong)")
    }
    return .trueFalse(answer: answer, feedbackTrue: feedbackTrue, feedbackFalse: feedbackFalse)
  }

  private func decodeShort(_ fields: YAMLReader.Fields) -> Question.ShortAnswer? {
    let answers = reader.strings(fields, "answers", singleAllowed: true) ?? []
    var pattern: String?
    if let node = reader.value(fields, "pattern"), let text = reader.string(node, key: "pattern") {
      do {
        try Normalizer.validatePattern(text)
        pattern = text
      } catch {
        reader.error(node, "invalid regular expression '\(text)' in 'pattern'")
        return nil
      }
    }
    if answers.isEmpty && pattern == nil {
      blockError("a short question needs at least one entry in 'answers' or a 'pattern'")
      return nil
    }
    var wrong: [Question.WrongAnswer] = []
    if let node = reader.value(fields, "wrong"), let items = reader.sequence(node, key: "wrong") {
      for item in items {
        guard let entry = reader.fields(item, what: "a wrong answer", known: ["answer", "feedback"]),
          let answer = reader.string(entry, "answer", required: true, missingAt: item),
          let feedback = reader.string(entry, "feedback", required: true, missingAt: item)
        else { continue }
        wrong.append(Question.WrongAnswer(answer: answer, feedback: feedback))
      }
    }
    let feedback = reader.string(fields, "feedback")
    return Question.ShortAnswer(
      accepted: answers, pattern: pattern, wrongAnswers: wrong, otherwiseFeedback: feedback)
  }

  private func decodeNumeric(_ fields: YAMLReader.Fields) -> Question.NumericAnswer? {
    let answerNode = reader.value(fields, "answer")
    let rangeNode = reader.value(fields, "range")
    let toleranceNode = reader.value(fields, "tolerance")
    let feedback = reader.string(fields, "feedback")
    switch (answerNode, rangeNode) {
    case (nil, nil):
      blockError("a numeric question needs either 'answer' or 'range'")
      return nil
    case (.some, .some(let range)):
      reader.error(range, "a numeric question takes 'answer' or 'range', not both")
      return nil
    case (.some(let node), nil):
      guard let value = reader.number(node, key: "answer") else { return nil }
      guard let toleranceNode else {
        return Question.NumericAnswer(rule: .exact(value), otherwiseFeedback: feedback)
      }
      guard let tolerance = reader.number(toleranceNode, key: "tolerance") else { return nil }
      guard tolerance >= 0 else {
        reader.error(toleranceNode, "'tolerance' must be 0 or more")
        return nil
      }
      return Question.NumericAnswer(
        rule: .tolerance(value: value, tolerance: tolerance), otherwiseFeedback: feedback)
    case (nil, .some(let node)):
      if let toleranceNode {
        reader.error(toleranceNode, "'tolerance' applies to 'answer', not to 'range'")
        return nil
      }
      guard let items = reader.sequence(node, key: "range") else { return nil }
      guard items.count == 2 else {
        reader.error(node, "'range' must be a list of two numbers, [min, max]")
        return nil
      }
      guard let low = reader.number(items[0], key: "range minimum"),
        let high = reader.number(items[1], key: "range maximum")
      else { return nil }
      guard low <= high else {
        reader.error(node, "'range' minimum \(format(low)) is greater than its maximum \(format(high))")
        return nil
      }
      return Question.NumericAnswer(rule: .range(min: low, max: high), otherwiseFeedback: feedback)
    }
  }

  private func decodeOrdering(_ fields: YAMLReader.Fields) -> Question.Body? {
    let feedback = reader.string(fields, "feedback")
    guard let node = reader.value(fields, "items") else {
      blockError("an ordering question needs 'items', listed in the right order")
      return nil
    }
    guard let nodes = reader.sequence(node, key: "items") else { return nil }
    var items: [String] = []
    var seen = Set<String>()
    for item in nodes {
      guard let text = reader.string(item, key: "items item") else { return nil }
      if !seen.insert(trimmed(text).lowercased()).inserted {
        reader.error(item, "duplicate item '\(text)'")
        return nil
      }
      items.append(text)
    }
    guard items.count >= 2 else {
      reader.error(node, "an ordering question needs at least 2 items")
      return nil
    }
    return .ordering(items: items, feedback: feedback)
  }

  private func decodeMatching(_ fields: YAMLReader.Fields) -> Question.Body? {
    let feedback = reader.string(fields, "feedback")
    guard let node = reader.value(fields, "pairs") else {
      blockError("a matching question needs 'pairs' of {left, right}")
      return nil
    }
    guard let nodes = reader.sequence(node, key: "pairs") else { return nil }
    var pairs: [Question.MatchPair] = []
    var lefts = Set<String>()
    var rights = Set<String>()
    var failed = false
    for item in nodes {
      guard let entry = reader.fields(item, what: "a pair", known: ["left", "right"]),
        let left = reader.string(entry, "left", required: true, missingAt: item),
        let right = reader.string(entry, "right", required: true, missingAt: item)
      else {
        failed = true
        continue
      }
      if !lefts.insert(left.lowercased()).inserted {
        reader.error(entry["left"]!, "duplicate left item '\(left)'")
        failed = true
      }
      if !rights.insert(right.lowercased()).inserted {
        reader.error(entry["right"]!, "duplicate right item '\(right)'")
        failed = true
      }
      pairs.append(Question.MatchPair(left: left, right: right))
    }
    if failed { return nil }
    guard pairs.count >= 2 else {
      reader.error(node, "a matching question needs at least 2 pairs")
      return nil
    }
    return .matching(pairs: pairs, feedback: feedback)
  }
}

/// A number as an author would write it: `3`, not `3.0`.
func format(_ value: Double) -> String {
  if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
  return String(value)
}

/// Text without surrounding whitespace, without a trip through Foundation.
func trimmed(_ text: String) -> Substring {
  let scalars = text.unicodeScalars
  guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
  let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
  return text[first...last]
}
