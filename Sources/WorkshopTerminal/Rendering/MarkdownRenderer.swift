import CCmark
import WorkshopEngine

/// Renders lesson Markdown for the terminal with libcmark: headings, emphasis, inline code,
/// code blocks, lists, block quotes as call-outs, pipe tables, and links with their address.
///
/// Every literal from the document goes through `Sanitizer`, so lesson text cannot emit
/// escape sequences of its own.
public struct MarkdownRenderer: Sendable {
  public var theme: Theme
  /// Columns available; text is wrapped to this width.
  public var width: Int
  /// The document's lines while it is rendered: cmark sees a pipe table as a paragraph, and the
  /// table is read again from the paragraph's own lines.
  private var source: [Substring] = []

  public init(theme: Theme, width: Int) {
    self.theme = theme
    self.width = max(20, width)
  }

  /// The rendered lines, joined with newlines (no trailing newline).
  public func render(_ markdown: String) -> String {
    let lines = renderLines(markdown)
    return lines.map(theme.render).joined(separator: "\n")
  }

  func renderLines(_ markdown: String) -> [[Span]] {
    let bytes = Array(markdown.utf8)
    guard let doc = bytes.withUnsafeBufferPointer({ buf in
      buf.baseAddress.map { base in
        base.withMemoryRebound(to: CChar.self, capacity: buf.count) {
          cmark_parse_document($0, buf.count, CMARK_OPT_DEFAULT)
        }
      } ?? cmark_parse_document("", 0, CMARK_OPT_DEFAULT)
    }) else { return [] }
    defer { cmark_node_free(doc) }
    var pass = self
    pass.source = markdown.split(separator: "\n", omittingEmptySubsequences: false)
    return pass.blocks(children(of: doc), width: width)
  }

  // MARK: - Blocks

  private func blocks(_ nodes: [OpaquePointer], width: Int, tight: Bool = false) -> [[Span]] {
    var out: [[Span]] = []
    for (i, node) in nodes.enumerated() {
      let lines = block(node, width: width)
      if lines.isEmpty { continue }
      if i > 0 && !tight && !out.isEmpty { out.append([]) }
      out.append(contentsOf: lines)
    }
    return out
  }

  private func block(_ node: OpaquePointer, width: Int) -> [[Span]] {
    switch cmark_node_get_type(node) {
    case CMARK_NODE_PARAGRAPH:
      let lines = sourceLines(of: node)
      if let found = MarkdownTable.find(in: lines) {
        var out: [[Span]] = []
        if found.leadingLines > 0 {
          let text = lines[..<found.leadingLines].joined(separator: "\n")
          out += Wrapper.wrap(inlineSpans(text), width: width)
          out.append([])
        }
        return out + TableLayout(theme: theme, width: width).lines(
          header: found.table.header.map(inlineSpans), rows: found.table.rows.map { $0.map(inlineSpans) },
          alignments: found.table.alignments)
      }
      return Wrapper.wrap(inlines(node, style: []), width: width)
    case CMARK_NODE_HEADING:
      let level = cmark_node_get_heading_level(node)
      var style: TextStyle = level <= 2 ? .heading : .bold
      if level == 1 { style.insert(.underline) }
      return Wrapper.wrap(inlines(node, style: style), width: width)
    case CMARK_NODE_CODE_BLOCK:
      return codeBlock(literal(node), width: width)
    case CMARK_NODE_HTML_BLOCK:
      return Wrapper.wrap([Span(literal(node))], width: width)
    case CMARK_NODE_THEMATIC_BREAK:
      return [[Span(String(repeating: String(theme.rule), count: min(width, 40)), .dim)]]
    case CMARK_NODE_BLOCK_QUOTE:
      return callout(node, width: width)
    case CMARK_NODE_LIST:
      return list(node, width: width)
    default:
      return blocks(children(of: node), width: width)
    }
  }

  private func codeBlock(_ text: String, width: Int) -> [[Span]] {
    var body = text
    if body.hasSuffix("\n") { body.removeLast() }
    var lines: [[Span]] = []
    if theme.plain { lines.append([Span("Code:")]) }
    for raw in body.split(separator: "\n", omittingEmptySubsequences: false) {
      // Code keeps its spacing; only lines wider than the screen are cut.
      var chunk = ""
      var used = 0
      for ch in raw {
        let w = DisplayWidth.of(ch)
        if used + w > width - 4 && !chunk.isEmpty {
          lines.append([Span("    "), Span(chunk, .code)])
          chunk = ""
          used = 0
        }
        chunk.append(ch)
        used += w
      }
      lines.append([Span("    "), Span(chunk, .code)])
    }
    if theme.plain { lines.append([Span("End of code.")]) }
    return lines
  }

  private func callout(_ node: OpaquePointer, width: Int) -> [[Span]] {
    let bar = theme.quoteBar
    let inner = blocks(children(of: node), width: width - DisplayWidth.of(bar))
    if theme.plain {
      return [[Span("Note:")]] + inner.map { [Span("  ")] + $0 }
    }
    return inner.map { [Span(bar, .accent)] + $0 }
  }

  private func list(_ node: OpaquePointer, width: Int) -> [[Span]] {
    let ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST
    var number = Int(cmark_node_get_list_start(node))
    let tight = cmark_node_get_list_tight(node) != 0
    var out: [[Span]] = []
    for (i, item) in children(of: node).enumerated() {
      let marker = ordered ? "\(number). " : "\(theme.bullet) "
      number += 1
      let indent = String(repeating: " ", count: DisplayWidth.of(marker))
      let inner = blocks(children(of: item), width: width - indent.count, tight: tight)
      if i > 0 && !tight { out.append([]) }
      for (j, line) in inner.enumerated() {
        if j == 0 {
          out.append([Span(marker, ordered ? [] : .accent)] + line)
        } else {
          out.append(line.isEmpty ? [] : [Span(indent)] + line)
        }
      }
      if inner.isEmpty { out.append([Span(marker)]) }
    }
    return out
  }

  // MARK: - Inlines

  private func inlines(_ node: OpaquePointer, style: TextStyle) -> [Span] {
    var spans: [Span] = []
    for child in children(of: node) {
      switch cmark_node_get_type(child) {
      case CMARK_NODE_TEXT:
        spans.append(Span(Sanitizer.clean(literal(child), keepNewlines: false), style))
      case CMARK_NODE_SOFTBREAK:
        spans.append(Span(" ", style))
      case CMARK_NODE_LINEBREAK:
        spans.append(Span("\n", style))
      case CMARK_NODE_CODE:
        let text = Sanitizer.clean(literal(child), keepNewlines: false)
        spans.append(Span(theme.color ? text : "`\(text)`", style.union(.code)))
      case CMARK_NODE_EMPH:
        spans.append(contentsOf: inlines(child, style: style.union(.italic)))
      case CMARK_NODE_STRONG:
        spans.append(contentsOf: inlines(child, style: style.union(.bold)))
      case CMARK_NODE_LINK:
        let inner = inlines(child, style: style.union(.link))
        let url = Sanitizer.clean(string(cmark_node_get_url(child)), keepNewlines: false)
        spans.append(contentsOf: inner)
        let shown = inner.map(\.text).joined()
        if !url.isEmpty && shown != url {
          spans.append(Span(" (\(url))", style.union(.dim)))
        }
      case CMARK_NODE_IMAGE:
        let alt = inlines(child, style: style).map(\.text).joined()
        let url = Sanitizer.clean(string(cmark_node_get_url(child)), keepNewlines: false)
        spans.append(Span("[image: \(alt.isEmpty ? "no description" : alt)] (\(url))", style.union(.dim)))
      case CMARK_NODE_HTML_INLINE:
        spans.append(Span(Sanitizer.clean(literal(child), keepNewlines: false), style))
      default:
        spans.append(contentsOf: inlines(child, style: style))
      }
    }
    return spans
  }

  /// The source lines of a block, without the indentation of the list or quote around it.
  private func sourceLines(of node: OpaquePointer) -> [Substring] {
    let first = Int(cmark_node_get_start_line(node))
    let last = Int(cmark_node_get_end_line(node))
    guard first >= 1, last >= first, last <= source.count else { return [] }
    let indent = max(0, Int(cmark_node_get_start_column(node)) - 1)
    return source[(first - 1)...(last - 1)].map { line in
      var line = line
      var dropped = 0
      while dropped < indent, let ch = line.first, ch == " " || ch == ">" {
        line.removeFirst()
        dropped += 1
      }
      if line.hasSuffix("\r") { line.removeLast() }
      return line
    }
  }

  /// Inline Markdown (a table cell) as spans.
  private func inlineSpans(_ text: String) -> [Span] {
    let bytes = Array(text.utf8)
    guard let doc = bytes.withUnsafeBufferPointer({ buf in
      buf.baseAddress.map { base in
        base.withMemoryRebound(to: CChar.self, capacity: buf.count) {
          cmark_parse_document($0, buf.count, CMARK_OPT_DEFAULT)
        }
      }
    }) ?? nil else { return [] }
    defer { cmark_node_free(doc) }
    var spans: [Span] = []
    for block in children(of: doc) {
      if !spans.isEmpty { spans.append(Span(" ")) }
      spans += inlines(block, style: [])
    }
    return spans
  }

  // MARK: - cmark helpers

  private func children(of node: OpaquePointer) -> [OpaquePointer] {
    var result: [OpaquePointer] = []
    var child = cmark_node_first_child(node)
    while let c = child {
      result.append(c)
      child = cmark_node_next(c)
    }
    return result
  }

  private func literal(_ node: OpaquePointer) -> String {
    Sanitizer.clean(string(cmark_node_get_literal(node)))
  }

  private func string(_ p: UnsafePointer<CChar>?) -> String {
    guard let p else { return "" }
    return String(cString: p)
  }
}
