import CCmark
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What course.yaml says about one lesson file.
struct LessonEntry: Sendable {
  var file: String
  var path: String
  var required: Bool
  var kind: Lesson.Kind
  /// Where course.yaml lists it.
  var line: Int
  var column: Int
}

/// The outcome of reading one lesson file.
struct ParsedLesson: Sendable {
  /// Nil when the file has errors that leave no usable lesson.
  var lesson: Lesson?
  var id: String?
  var idLine = 1
  var idColumn = 1
  /// Where things were written, for lint's item-writing checks.
  var sites = LessonSites()
  var questionCount = 0
  var diagnostics: [Diagnostic] = []
  var hasErrors = false
  /// The file as read; nil when it could not be read.
  var stamp: FileStamp?
}

/// Reads a lesson file: front matter, pages split on `##` headings, question blocks.
enum LessonParser {
  static let frontMatterKeys = [
    "id", "title", "summary", "objectives", "minutes", "policy", "draw", "blueprint", "teaches",
  ]

  static func parse(_ entry: LessonEntry, coursePolicy: Policy) -> ParsedLesson {
    let sink = DiagnosticSink(path: entry.path)
    var result = ParsedLesson()
    guard let source = SourceFile.read(path: entry.path, sink: sink) else {
      result.diagnostics = sink.items
      result.hasErrors = true
      return result
    }
    let parsed = parse(source: source, entry: entry, coursePolicy: coursePolicy, sink: sink)
    result = parsed
    result.diagnostics = sink.items
    result.hasErrors = sink.hasErrors
    result.stamp = source.stamp
    if result.hasErrors { result.lesson = nil }
    return result
  }

  // MARK: - Whole file

  private struct FrontMatter {
    var id: String?
    var idLine = 1
    var idColumn = 1
    var title: String?
    var summary = ""
    var objectives: [String] = []
    var minutes: Int?
    var policy: Policy
    var draw: Int?
    var drawNode: YAMLNode?
    var blueprint: [BlueprintQuota] = []
    /// The node of each quota's count, for errors about it.
    var blueprintNodes: [YAMLNode] = []
    var teaches: [String] = []
    var reader: YAMLReader?
  }

  private static func parse(
    source: SourceFile, entry: LessonEntry, coursePolicy: Policy, sink: DiagnosticSink
  ) -> ParsedLesson {
    var result = ParsedLesson()
    var basePolicy = coursePolicy
    if entry.kind == .assessment { basePolicy.mode = .exam }
    var front = FrontMatter(policy: basePolicy)

    // Front matter: line 1 is `---`, YAML runs to the next `---` line.
    var bodyFirstLine = 1
    if source.lineCount >= 1, trimmedLine(source, 1) == "---" {
      var close = 0
      var line = 2
      while line <= source.lineCount {
        let text = trimmedLine(source, line)
        if text == "---" || text == "..." {
          close = line
          break
        }
        line += 1
      }
      if close == 0 {
        sink.error(1, 1, "front matter starting on line 1 is never closed with a '---' line")
        return result
      }
      bodyFirstLine = close + 1
      let yaml = source.text(lines: 2, through: close - 1)
      let reader = YAMLReader(sink: sink, lineOffset: 1, columnOffset: 0)
      front.reader = reader
      if yaml.allSatisfy(\.isWhitespace) {
        sink.error(1, 1, "front matter is empty; a lesson needs at least 'id' and 'title'")
      } else if let root = reader.compose(yaml) {
        readFrontMatter(root, reader: reader, into: &front, sink: sink)
      }
    } else {
      sink.error(1, 1, "a lesson starts with front matter: a '---' line, YAML with 'id' and 'title', and another '---' line")
    }
    result.id = front.id
    result.idLine = front.idLine
    result.idColumn = front.idColumn
    result.sites.id = SourceSite(line: front.idLine, column: front.idColumn)

    // Body: Markdown, parsed by cmark from the line after the front matter.
    let bodyStart = bodyFirstLine <= source.lineCount ? source.lineStarts[bodyFirstLine - 1] : source.bytes.count
    let scan = MarkdownScanner.scan(
      source: source, bodyStart: bodyStart, lineOffset: bodyFirstLine - 1, sink: sink)

    if front.title == nil, let heading = scan.title { front.title = heading }
    if front.title == nil, front.reader != nil {
      sink.error(2, 1, "lesson has no 'title' in its front matter")
    }

    // Pages and questions, in order.
    var items: [LessonItem] = []
    var itemLines: [String: Int] = [:]
    func claim(_ id: String, line: Int, column: Int, what: String) -> Bool {
      if let first = itemLines[id] {
        sink.error(line, column, "duplicate \(what) id '\(id)' (already used on line \(first))")
        return false
      }
      itemLines[id] = line
      return true
    }
    for part in scan.parts {
      switch part {
      case .page(let draft):
        var id = draft.id
        if draft.isIntroduction && !draft.isContinuation { id = "introduction" }
        let title = draft.isIntroduction ? (front.title ?? "Introduction") : draft.title
        let markdown = source.text(lines: draft.firstLine, through: draft.lastLine)
        if claim(id, line: draft.firstLine, column: 1, what: "page") {
          items.append(.page(Page(id: id, title: title, markdown: markdown, line: draft.firstLine)))
        }
      case .question(let block):
        result.questionCount += 1
        if block.unclosed { continue }
        let reader = YAMLReader(
          sink: sink, lineOffset: block.line, columnOffset: block.column - 1)
        guard let root = reader.compose(block.yaml) else { continue }
        let decoder = QuestionDecoder(
          reader: reader, fenceLine: block.line, fenceColumn: block.column, objectiveCount: front.objectives.count)
        guard let decoded = decoder.decode(root) else {
          // Still claim the id so that duplicates are reported once everything else is fixed.
          if let idNode = root["id"], let s = idNode.string {
            let at = reader.location(idNode)
            _ = claim(s, line: at.line, column: at.column, what: "question")
          }
          continue
        }
        var question = decoded.0
        let examples = decoded.1
        // Proved as soon as the question is read, so a wrong key shows up alongside every other
        // problem of the file, and a course whose key is wrong is never offered to learners.
        for failure in Linter.prove(question, examples, path: entry.path) {
          sink.error(failure.line, failure.column, failure.message)
        }
        if let idNode = root["id"] {
          let at = reader.location(idNode)
          guard claim(question.id, line: at.line, column: at.column, what: "question") else {
            continue
          }
        }
        LinkChecker.checkText(question, block: block, source: source, sink: sink)
        result.sites.questions[question.id] = QuestionSites(
          root, reader: reader, fenceLine: block.line, fenceColumn: block.column)
        question.digest = Digests.question(question)
        items.append(.question(question))
      }
    }

    let questionCount = items.count { if case .question = $0 { true } else { false } }
    if !front.blueprint.isEmpty, let reader = front.reader {
      let asked = front.blueprint.reduce(0) { $0 + $1.count }
      if let draw = front.draw, let node = front.drawNode, draw < asked {
        reader.error(node, "'draw' is \(draw) but the blueprint asks for \(asked) questions; raise 'draw' or leave it out")
      }
      // A question that failed to load would make every count look short; report those first.
      if questionCount == result.questionCount {
        for shortfall in BlueprintFeasibility.shortfalls(front.blueprint, questions: items.compactMap {
          if case .question(let q) = $0 { q } else { nil }
        }) {
          reader.error(front.blueprintNodes[shortfall.quota], shortfall.message)
        }
      }
      if front.draw == nil { front.draw = asked }
    }
    if let draw = front.draw, let node = front.drawNode, let reader = front.reader {
      if draw < 1 {
        reader.error(node, "'draw' must be 1 or more")
      } else if draw > result.questionCount {
        reader.error(
          node, "'draw' is \(draw) but the lesson has only \(result.questionCount) question\(result.questionCount == 1 ? "" : "s")")
      }
    }

    guard let id = front.id, let title = front.title, !sink.hasErrors else { return result }
    let minutes = front.minutes ?? max(1, (scan.wordCount + 199) / 200 + (questionCount + 1) / 2)
    var lesson = Lesson(
      id: id, title: title, summary: front.summary, objectives: front.objectives,
      estimatedMinutes: minutes, kind: entry.kind, required: entry.required, policy: front.policy,
      draw: front.draw, items: items, path: entry.path, digest: "", blueprint: front.blueprint,
      teaches: front.teaches)
    lesson.digest = Digests.lesson(lesson)
    result.lesson = lesson
    return result
  }

  private static func trimmedLine(_ source: SourceFile, _ line: Int) -> Substring {
    let range = source.lineRange(line)
    var end = range.upperBound
    while end > range.lowerBound, source.bytes[end - 1] == 0x20 || source.bytes[end - 1] == 0x09 {
      end -= 1
    }
    // Only `---` and `...` matter here, so a byte comparison is enough.
    let count = end - range.lowerBound
    if count == 3 {
      let a = source.bytes[range.lowerBound]
      if (a == 0x2D || a == 0x2E) && source.bytes[range.lowerBound + 1] == a
        && source.bytes[range.lowerBound + 2] == a
      {
        return a == 0x2D ? "---" : "..."
      }
    }
    return ""
  }

  private static func readFrontMatter(
    _ root: YAMLNode, reader: YAMLReader, into front: inout FrontMatter, sink: DiagnosticSink
  ) {
    guard let fields = reader.fields(root, what: "front matter", known: frontMatterKeys) else {
      return
    }
    if !fields.has("id") {
      sink.error(1, 1, "front matter has no 'id'")
    } else if let idNode = fields["id"], let id = reader.string(fields, "id", required: true) {
      let at = reader.location(idNode)
      front.idLine = at.line
      front.idColumn = at.column
      if isSlug(id) {
        front.id = id
      } else {
        reader.error(idNode, "lesson id '\(id)' is not a slug (use a-z, 0-9 and single dashes)")
      }
    }
    front.title = reader.string(fields, "title", required: fields.has("title"))
    front.summary = reader.string(fields, "summary") ?? ""
    front.objectives = reader.strings(fields, "objectives", singleAllowed: true) ?? []
    if let node = reader.value(fields, "minutes"), let minutes = reader.integer(fields, "minutes") {
      if minutes >= 1 {
        front.minutes = minutes
      } else {
        reader.error(node, "'minutes' must be 1 or more")
      }
    }
    if let node = reader.value(fields, "policy") {
      front.policy = PolicyDecoder.decode(node, over: front.policy, reader: reader)
    }
    if let node = reader.value(fields, "draw"), let draw = reader.integer(fields, "draw") {
      front.draw = draw
      front.drawNode = node
    }
    if let node = reader.value(fields, "teaches"), let items = reader.sequence(node, key: "teaches") {
      for item in items {
        guard let topic = reader.string(item, key: "teaches item") else { continue }
        if !isSlug(topic) { reader.warning(item, "teaches item '\(topic)' is not a slug") }
        front.teaches.append(topic)
      }
    }
    if let node = reader.value(fields, "blueprint") {
      readBlueprint(node, reader: reader, into: &front)
    }
  }

  /// `blueprint:` is a mapping from tag to how many questions with that tag each draw must hold.
  private static func readBlueprint(_ node: YAMLNode, reader: YAMLReader, into front: inout FrontMatter) {
    guard case .mapping(let pairs) = node.content else {
      reader.error(
        node, "'blueprint' must be a mapping of tag to count, such as 'blueprint: {safety: 2, scenario: 2}', found \(reader.describe(node))")
      return
    }
    for (key, value) in pairs {
      guard let tag = reader.string(key, key: "blueprint tag") else { continue }
      if !isSlug(tag) { reader.warning(key, "blueprint tag '\(tag)' is not a slug") }
      guard let count = value.integer else {
        reader.error(value, "blueprint count for '\(tag)' must be a whole number, found \(reader.describe(value))")
        continue
      }
      guard count >= 1 else {
        reader.error(value, "blueprint count for '\(tag)' must be 1 or more")
        continue
      }
      front.blueprint.append(BlueprintQuota(tag: tag, count: count))
      front.blueprintNodes.append(value)
    }
  }
}
