import CCmark
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A page before its id is settled: a run of lines of the lesson file.
struct PageDraft {
  var id: String
  var title: String
  var firstLine: Int
  var lastLine: Int
  /// Text before the first `##` heading.
  var isIntroduction: Bool
  /// Text after a question block, before the next `##` heading.
  var isContinuation: Bool
}

/// A ```` ```question ```` block: its YAML and where its opening fence is.
struct QuestionBlock {
  var yaml: String
  var line: Int
  var column: Int
  var lastLine: Int
  /// Set when the block has no closing fence of its own: cmark then runs it on through the
  /// prose and into the next block, so its YAML is not worth reading.
  var unclosed = false
}

enum LessonPart {
  case page(PageDraft)
  case question(QuestionBlock)
}

/// Walks a lesson's Markdown with cmark: finds headings, question blocks, links and images.
enum MarkdownScanner {
  struct Result {
    var parts: [LessonPart] = []
    /// Text of a leading `# Title`, if any.
    var title: String?
    var wordCount = 0
  }

  /// `lineOffset` is added to cmark's 1-based lines to get lines of the file.
  static func scan(source: SourceFile, bodyStart: Int, lineOffset: Int, sink: DiagnosticSink)
    -> Result
  {
    var result = Result()
    let count = source.bytes.count - bodyStart
    guard
      let document = source.bytes.withUnsafeBufferPointer({ buffer -> OpaquePointer? in
        let base = UnsafeRawPointer(buffer.baseAddress!).advanced(by: bodyStart)
          .assumingMemoryBound(to: CChar.self)
        return cmark_parse_document(base, count, CMARK_OPT_DEFAULT)
      })
    else {
      return result
    }
    defer { cmark_node_free(document) }
    let lastLine = source.lineCount

    // Page structure from the document's top-level blocks.
    var current = PageDraft(
      id: "introduction", title: "", firstLine: lineOffset + 1, lastLine: lastLine,
      isIntroduction: true, isContinuation: false)
    var currentHasContent = false
    var continuation = 1
    var sectionID = "introduction"
    var sawAnything = false

    func flush(endingBefore line: Int) {
      guard currentHasContent else { return }
      var draft = current
      draft.lastLine = line - 1
      while draft.lastLine > draft.firstLine && source.isBlank(line: draft.lastLine) {
        draft.lastLine -= 1
      }
      while draft.firstLine < draft.lastLine && source.isBlank(line: draft.firstLine) {
        draft.firstLine += 1
      }
      result.parts.append(.page(draft))
    }

    var node = cmark_node_first_child(document)
    while let block = node {
      node = cmark_node_next(block)
      let type = cmark_node_get_type(block)
      let start = Int(cmark_node_get_start_line(block)) + lineOffset
      let end = Int(cmark_node_get_end_line(block)) + lineOffset
      if type == CMARK_NODE_HEADING && cmark_node_get_heading_level(block) == 1 && !sawAnything {
        sawAnything = true
        result.title = plainText(block)
        current.firstLine = end + 1
        continue
      }
      sawAnything = true
      if type == CMARK_NODE_HEADING && cmark_node_get_heading_level(block) == 2 {
        flush(endingBefore: start)
        let title = plainText(block)
        var id = slugify(title)
        if id.isEmpty { id = "page-\(start)" }
        sectionID = id
        current = PageDraft(
          id: id, title: title, firstLine: start, lastLine: lastLine, isIntroduction: false,
          isContinuation: false)
        currentHasContent = true
        continuation = 1
        continue
      }
      if type == CMARK_NODE_CODE_BLOCK && isQuestionFence(block) {
        flush(endingBefore: start)
        let literal = cmark_node_get_literal(block).map { String(cString: $0) } ?? ""
        let column = Int(cmark_node_get_start_column(block))
        var question = QuestionBlock(yaml: literal, line: start, column: max(column, 1), lastLine: end)
        if let runsInto = unclosedFence(source: source, opening: start, closing: end) {
          question.unclosed = true
          sink.error(
            start, max(column, 1),
            "question block opened here is never closed; end its YAML with a ``` line (it runs on to line \(runsInto))")
        }
        result.parts.append(.question(question))
        continuation += 1
        current = PageDraft(
          id: "\(sectionID)-\(continuation)", title: current.title, firstLine: end + 1,
          lastLine: lastLine, isIntroduction: current.isIntroduction, isContinuation: true)
        currentHasContent = false
        continue
      }
      currentHasContent = true
    }
    flush(endingBefore: lastLine + 1)

    // Everything else needs the whole tree: links, images, nested question blocks, words.
    walk(document, source: source, lineOffset: lineOffset, sink: sink, words: &result.wordCount)
    return result
  }

  /// The line an unclosed question block runs into, or nil when its fence is closed. A block is
  /// unclosed when it swallowed the opening fence of another block (a fence line of the same
  /// kind with an info string cannot close it), or ended without any closing fence.
  private static func unclosedFence(source: SourceFile, opening: Int, closing: Int) -> Int? {
    guard let opener = fence(source, opening), opening < closing else { return closing }
    for line in (opening + 1)..<closing {
      // A fence at least as long as the opening one cannot be nested inside it on purpose.
      if let inner = fence(source, line), inner.mark == opener.mark, inner.run >= opener.run,
        !inner.info.isEmpty
      {
        return line
      }
    }
    if let last = fence(source, closing), last.mark == opener.mark, last.run >= opener.run,
      last.info.isEmpty
    {
      return nil
    }
    return closing
  }

  /// For a line that is a code fence (up to three spaces, then three or more ` or ~), its fence
  /// character and the text after it; nil for any other line.
  private static func fence(_ source: SourceFile, _ line: Int)
    -> (mark: UInt8, run: Int, info: String)?
  {
    guard line >= 1, line <= source.lineCount else { return nil }
    let range = source.lineRange(line)
    var i = range.lowerBound
    while i < range.upperBound, source.bytes[i] == 0x20, i - range.lowerBound < 4 { i += 1 }
    guard i - range.lowerBound < 4, i < range.upperBound else { return nil }
    let mark = source.bytes[i]
    guard mark == 0x60 || mark == 0x7E else { return nil }
    var run = 0
    while i < range.upperBound, source.bytes[i] == mark {
      i += 1
      run += 1
    }
    guard run >= 3 else { return nil }
    let rest = String(decoding: source.bytes[i..<range.upperBound], as: UTF8.self)
    return (mark, run, rest.trimmed(.spaces))
  }

  private static func isQuestionFence(_ node: OpaquePointer) -> Bool {
    guard let info = cmark_node_get_fence_info(node) else { return false }
    // "question" exactly, ignoring anything after a space.
    var p = info
    for expected in "question".utf8 {
      if UInt8(bitPattern: p.pointee) != expected { return false }
      p += 1
    }
    let next = p.pointee
    return next == 0 || next == 0x20 || next == 0x09
  }

  /// The text of a heading's inline content.
  static func plainText(_ node: OpaquePointer) -> String {
    var text = ""
    guard let iterator = cmark_iter_new(node) else { return text }
    defer { cmark_iter_free(iterator) }
    while true {
      let event = cmark_iter_next(iterator)
      if event == CMARK_EVENT_DONE { break }
      guard event == CMARK_EVENT_ENTER, let current = cmark_iter_get_node(iterator) else { continue }
      let type = cmark_node_get_type(current)
      if type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE {
        if let literal = cmark_node_get_literal(current) { text += String(cString: literal) }
      } else if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK {
        text += " "
      }
    }
    return text.trimmed(.spaces)
  }

  private static func walk(
    _ document: OpaquePointer, source: SourceFile, lineOffset: Int, sink: DiagnosticSink,
    words: inout Int
  ) {
    guard let iterator = cmark_iter_new(document) else { return }
    defer { cmark_iter_free(iterator) }
    var blockStart = 1
    var blockEnd = 1
    var htmlWarnedAt = 0
    while true {
      let event = cmark_iter_next(iterator)
      if event == CMARK_EVENT_DONE { break }
      guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
      let type = cmark_node_get_type(node)
      if type.rawValue < CMARK_NODE_FIRST_INLINE.rawValue {
        blockStart = Int(cmark_node_get_start_line(node)) + lineOffset
        blockEnd = Int(cmark_node_get_end_line(node)) + lineOffset
        if type == CMARK_NODE_CODE_BLOCK && isQuestionFence(node),
          let parent = cmark_node_parent(node), cmark_node_get_type(parent) != CMARK_NODE_DOCUMENT
        {
          sink.warning(
            blockStart, Int(cmark_node_get_start_column(node)),
            "question block inside a list or quote is shown as code, not asked; move it to the top level")
        }
        checkShownAsWritten(node, type: type, source: source, lines: blockStart...blockEnd, sink: sink)
        continue
      }
      switch type {
      case CMARK_NODE_TEXT:
        guard let literal = cmark_node_get_literal(node) else { break }
        var p = literal
        var inWord = false
        while p.pointee != 0 {
          let c = p.pointee
          let space = c == 0x20 || c == 0x0A || c == 0x09
          if !space && !inWord { words += 1 }
          inWord = !space
          p += 1
        }
        if source.hasCharacterReferences {
          let text = String(cString: literal)
          if let (_, message) = firstControlCharacter(in: text) {
            let at = LinkChecker.locate(
              "&#", in: source, lines: blockStart...blockEnd) ?? (blockStart, 1)
            sink.error(at.line, at.column, message + " (from a character reference)")
          }
        }
      case CMARK_NODE_HTML_INLINE:
        // One warning per block is enough: a tag usually comes with its closing tag.
        guard htmlWarnedAt != blockStart else { break }
        htmlWarnedAt = blockStart
        let column = Int(cmark_node_get_start_column(node))
        sink.warning(
          blockStart, max(column, 1),
          "inline HTML is shown to learners as written, tags and all; use Markdown (**bold**, *italic*, `code`, [text](url))")
      case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
        guard let url = cmark_node_get_url(node).map({ String(cString: $0) }) else { break }
        if let problem = LinkChecker.problem(with: url) {
          let what = type == CMARK_NODE_IMAGE ? "image" : "link"
          let at =
            LinkChecker.locate(url, in: source, lines: blockStart...blockEnd)
            ?? LinkChecker.locate(url, in: source, lines: 1...source.lineCount)
            ?? (blockStart, 1)
          sink.error(at.line, at.column, "\(what) '\(url)' \(problem)")
        }
      default:
        break
      }
    }
  }
}

/// Markdown the terminal cannot show as the author meant it: learners would see the raw text.
private func checkShownAsWritten(
  _ node: OpaquePointer, type: cmark_node_type, source: SourceFile, lines: ClosedRange<Int>,
  sink: DiagnosticSink
) {
  let column = max(1, Int(cmark_node_get_start_column(node)))
  switch type {
  case CMARK_NODE_HTML_BLOCK:
    sink.warning(
      lines.lowerBound, column,
      "an HTML block is shown to learners as written, tags and all; use Markdown instead")
  case CMARK_NODE_PARAGRAPH:
    // Cheap test first: only a paragraph with a pipe can be a table.
    let range = source.lineRange(lines.lowerBound).lowerBound..<source.lineRange(lines.upperBound).upperBound
    guard source.bytes[range].contains(0x7C) else { return }
    let text = lines.map { String(decoding: source.bytes[source.lineRange($0)], as: UTF8.self)[...] }
    if MarkdownTable.looksLikeBrokenTable(text) {
      sink.warning(
        lines.lowerBound, column,
        "this table is shown as plain text with its pipes: its delimiter row (like |---|---|) must have one cell per header cell")
    }
  default:
    break
  }
}

/// Keeps links and images inside the course folder.
enum LinkChecker {
  /// Why a link target is not allowed, or nil when it is fine.
  static func problem(with url: String) -> String? {
    let trimmed = url.trimmed(.spaces)
    if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
    let lower = trimmed.lowercased()
    if lower.hasPrefix("file:") { return "points to a local file; use a path inside the course folder" }
    if lower.hasPrefix("//") || lower.hasPrefix("\\\\") { return nil }
    // A scheme (https:, mailto:) leaves the pack on purpose; a one-letter "scheme" is a drive.
    if let colon = lower.firstIndex(of: ":") {
      let scheme = lower[..<colon]
      if !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }) {
        if scheme.count == 1 { return "is an absolute path; use a path inside the course folder" }
        return nil
      }
    }
    if lower.hasPrefix("/") || lower.hasPrefix("\\") || lower.hasPrefix("~") {
      return "is an absolute path; use a path inside the course folder"
    }
    var path = Substring(trimmed)
    if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = path[..<cut] }
    let decoded = String(path).percentDecoded ?? String(path)
    var depth = 0
    for component in decoded.split(whereSeparator: { $0 == "/" || $0 == "\\" }) {
      if component == ".." {
        depth -= 1
        if depth < 0 { return "points outside the course folder" }
      } else if component != "." {
        depth += 1
      }
    }
    return nil
  }

  /// Where `needle` first appears in the given lines of the file.
  static func locate(_ needle: String, in source: SourceFile, lines: ClosedRange<Int>)
    -> (line: Int, column: Int)?
  {
    let target = Array(needle.utf8)
    guard !target.isEmpty, source.lineCount > 0 else { return nil }
    let first = min(max(lines.lowerBound, 1), source.lineCount)
    let last = min(max(lines.upperBound, first), source.lineCount)
    let start = source.lineStarts[first - 1]
    let end = source.lineStarts[last]
    let bytes = source.bytes
    var i = start
    while i + target.count <= end {
      if bytes[i] == target[0] {
        var k = 1
        while k < target.count && bytes[i + k] == target[k] { k += 1 }
        if k == target.count { return source.location(ofByte: i) }
      }
      i += 1
    }
    return nil
  }

  /// Checks links written in a question's Markdown fields (prompt, choices, feedback...). Only
  /// text that could hold a link is handed to cmark.
  static func checkText(
    _ question: Question, block: QuestionBlock, source: SourceFile, sink: DiagnosticSink
  ) {
    var texts = [question.prompt, question.explanation] + question.hints
    switch question.body {
    case .single(let choices), .multiple(let choices):
      for choice in choices {
        texts.append(choice.text)
        if let feedback = choice.feedback { texts.append(feedback) }
      }
    case .trueFalse(_, let t, let f):
      texts += [t, f].compactMap { $0 }
    case .shortAnswer(let key):
      texts += key.wrongAnswers.map(\.feedback) + [key.otherwiseFeedback].compactMap { $0 }
    case .numeric(let key):
      texts += [key.otherwiseFeedback].compactMap { $0 }
    case .ordering(let items, _):
      texts += items
    case .matching(let pairs, _):
      texts += pairs.flatMap { [$0.left, $0.right] }
    }
    // Every link form needs `]` or `<`; a byte scan keeps cmark away from plain text.
    for text in texts where text.utf8.contains(where: { $0 == 0x5D || $0 == 0x3C }) {
      for url in urls(inMarkdown: text) {
        guard let problem = problem(with: url) else { continue }
        let at =
          locate(url, in: source, lines: block.line...block.lastLine) ?? (block.line, block.column)
        sink.error(at.line, at.column, "link '\(url)' \(problem)")
      }
    }
  }

  private static func urls(inMarkdown text: String) -> [String] {
    var found: [String] = []
    let document = text.withCString { cmark_parse_document($0, strlen($0), CMARK_OPT_DEFAULT) }
    guard let document else { return found }
    defer { cmark_node_free(document) }
    guard let iterator = cmark_iter_new(document) else { return found }
    defer { cmark_iter_free(iterator) }
    while true {
      let event = cmark_iter_next(iterator)
      if event == CMARK_EVENT_DONE { break }
      guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
      let type = cmark_node_get_type(node)
      if type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE, let url = cmark_node_get_url(node) {
        found.append(String(cString: url))
      }
    }
    return found
  }
}
