#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A course folder's `course.yaml`, and the check that it lists exactly the lesson files there.
struct CourseManifest {
  static let keys = [
    "id", "title", "version", "description", "language", "lessons", "assessment", "policy", "source",
  ]
  static let maximumLessons = 1000

  var folder: String
  var path: String
  var id: String?
  var idLine = 1
  var idColumn = 1
  var title: String?
  var version = "0"
  var description = ""
  var language = "en"
  var policy = Policy.default
  var entries: [LessonEntry] = []
  /// The text the course quotes from, resolved against the course folder, and where it is named.
  var source: (path: String, site: SourceSite)?
  var diagnostics: [Diagnostic] = []
  var hasErrors = false
  /// course.yaml as read; nil when it could not be read.
  var stamp: FileStamp?

  static func read(folder: String) -> CourseManifest {
    let path = join(folder, "course.yaml")
    var manifest = CourseManifest(folder: folder, path: path)
    let sink = DiagnosticSink(path: path)
    if let source = SourceFile.read(path: path, sink: sink) {
      manifest.stamp = source.stamp
      let text = String(decoding: source.bytes, as: UTF8.self)
      let reader = YAMLReader(sink: sink, lineOffset: 0, columnOffset: 0)
      if text.allSatisfy(\.isWhitespace) {
        sink.error(1, 1, "course.yaml is empty; it needs at least 'id', 'title' and 'lessons'")
      } else if let root = reader.compose(text) {
        manifest.decode(root, reader: reader)
      }
    }
    manifest.checkFolder(sink: sink)
    manifest.diagnostics = sink.items
    manifest.hasErrors = sink.hasErrors
    return manifest
  }

  private mutating func decode(_ root: YAMLNode, reader: YAMLReader) {
    let sink = reader.sink
    guard let fields = reader.fields(root, what: "course.yaml", known: Self.keys) else { return }
    for key in ["id", "title", "lessons"] where !fields.has(key) {
      sink.error(1, 1, "course.yaml has no '\(key)'")
    }
    if let node = fields["id"], let id = reader.string(fields, "id", required: true) {
      let at = reader.location(node)
      idLine = at.line
      idColumn = at.column
      if isSlug(id) {
        self.id = id
      } else {
        reader.error(node, "course id '\(id)' is not a slug (use a-z, 0-9 and single dashes)")
      }
    }
    if fields.has("title") { title = reader.string(fields, "title", required: true) }
    version = reader.string(fields, "version") ?? version
    description = reader.string(fields, "description") ?? description
    language = reader.string(fields, "language") ?? language
    if let node = reader.value(fields, "policy") {
      policy = PolicyDecoder.decode(node, over: policy, reader: reader)
    }
    if let node = reader.value(fields, "source"), let path = reader.string(node, key: "source") {
      let at = reader.location(node)
      source = (path.hasPrefix("/") ? path : join(folder, path), SourceSite(line: at.line, column: at.column))
    }

    var seen: [String: Int] = [:]
    func add(_ file: String, node: YAMLNode, required: Bool, kind: Lesson.Kind) {
      let at = reader.location(node)
      if file.contains("/") || file.contains("\\") || file.hasPrefix(".") {
        reader.error(node, "lesson file '\(file)' must be a file name in the course folder, without a path")
        return
      }
      if !file.hasSuffix(".md") {
        reader.error(node, "lesson file '\(file)' must be a Markdown file ending in .md")
        return
      }
      if let first = seen[file] {
        reader.error(node, "lesson file '\(file)' is listed twice (first on line \(first))")
        return
      }
      seen[file] = at.line
      let lessonPath = join(folder, file)
      guard FileManager.default.fileExists(atPath: lessonPath) else {
        let present = (try? FileManager.default.contentsOfDirectory(atPath: folder))?
          .filter { $0.hasSuffix(".md") && $0 != "README.md" } ?? []
        let suggestion = closestMatch(to: file, in: present).map { "; did you mean '\($0)'?" } ?? ""
        reader.error(node, "lesson file '\(file)' is listed but does not exist\(suggestion)")
        return
      }
      entries.append(
        LessonEntry(
          file: file, path: lessonPath, required: required, kind: kind, line: at.line,
          column: at.column))
    }

    if let node = reader.value(fields, "lessons"), let items = reader.sequence(node, key: "lessons") {
      if items.isEmpty { reader.error(node, "'lessons' is empty; list the course's lesson files") }
      if items.count > Self.maximumLessons {
        reader.error(node, "a course may have at most \(Self.maximumLessons) lessons; this one lists \(items.count)")
      }
      for item in items {
        if case .scalar = item.content {
          if let file = reader.string(item, key: "lessons item") {
            add(file, node: item, required: true, kind: .lesson)
          }
        } else if let entry = reader.fields(item, what: "a lesson entry", known: ["file", "required"]),
          let file = reader.string(entry, "file", required: true, missingAt: item)
        {
          let required = reader.bool(entry, "required") ?? true
          add(file, node: entry["file"]!, required: required, kind: .lesson)
        }
      }
    }
    if let node = reader.value(fields, "assessment"), let file = reader.string(node, key: "assessment") {
      add(file, node: node, required: true, kind: .assessment)
    }
  }

  /// Every Markdown file in the folder must be listed (README.md excepted).
  private func checkFolder(sink: DiagnosticSink) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
    let listed = Set(entries.map(\.file))
    for name in names.sorted() where name.hasSuffix(".md") && !name.hasPrefix(".") {
      if name.lowercased() == "readme.md" || listed.contains(name) { continue }
      // A listed file with a problem (say, listed twice) is reported at its entry instead.
      if sink.items.contains(where: { $0.message.contains("'\(name)'") }) { continue }
      sink.error(
        in: join(folder, name), 1, 1,
        "lesson file is not listed in course.yaml (add it to 'lessons'; only README.md may be left out)")
    }
  }
}
