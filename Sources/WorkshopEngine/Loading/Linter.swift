#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What `workshop lint` reports: every diagnostic and how much content was checked.
public struct LintReport: Sendable, Hashable {
  /// Sorted by path, line and column.
  public var diagnostics: [Diagnostic]
  public var courses: Int
  public var lessons: Int
  public var questions: Int

  public var errors: Int { diagnostics.errorCount }
  public var warnings: Int { diagnostics.warningCount }
}

public enum Linter {
  /// load + every structural check + the example proofs (uses Grader).
  public static func lint(root: String) -> [Diagnostic] { run(root: root).diagnostics }

  /// Like `lint(root:)`, with counts for a summary line. The answer-key proofs run while each
  /// question is read (see `LessonParser`), so they are among the loader's diagnostics.
  public static func run(root: String) -> LintReport {
    let loaded = LessonLoader.loadAll(root: root)
    var diagnostics = loaded.diagnostics
    var lessons = 0
    var questions = 0
    for course in loaded.courses {
      lessons += course.lessonFiles
      questions += course.questionBlocks
      diagnostics += ItemWriting.review(course)
    }
    if diagnostics.count != loaded.diagnostics.count {
      diagnostics = diagnostics.sortedByLocation()
    }
    return LintReport(
      diagnostics: diagnostics, courses: loaded.courses.count, lessons: lessons,
      questions: questions)
  }

  /// Checks one lesson file with its course's settings when its folder is a course (the file
  /// need not be listed in course.yaml yet), else with the default policy. Only the file's own
  /// diagnostics are reported; `run(root:)` checks what lies between the lessons of a course.
  public static func run(file: String) -> LintReport {
    let url = URL(fileURLWithPath: file)
    let name = url.lastPathComponent
    let parent = FilePath.parent(file)
    let folder = parent.isEmpty ? "." : parent
    var entry = LessonEntry(
      file: name, path: file, required: true, kind: .lesson, line: 1, column: 1)
    var policy = Policy.default
    var diagnostics: [Diagnostic] = []
    var courses = 0
    if FileManager.default.fileExists(atPath: join(folder, "course.yaml")) {
      let manifest = CourseManifest.read(folder: folder)
      courses = 1
      policy = manifest.policy
      let samePath = { (path: String) in URL(fileURLWithPath: path).standardized == url.standardized }
      if let listed = manifest.entries.first(where: { samePath($0.path) }) {
        entry.kind = listed.kind
        entry.required = listed.required
      }
      diagnostics += manifest.diagnostics.filter { samePath($0.path) }
    }
    let parsed = LessonParser.parse(entry, coursePolicy: policy)
    diagnostics += parsed.diagnostics
    return LintReport(
      diagnostics: diagnostics.sortedByLocation(), courses: courses, lessons: 1,
      questions: parsed.questionCount)
  }

  /// Grades each example: an accepted one must grade correct, a rejected one must not.
  static func prove(_ question: Question, _ cases: [ExampleCase], path: String) -> [Diagnostic] {
    var found: [Diagnostic] = []
    let presentation = Presentation.canonical(count: 0)
    for example in cases {
      func fail(_ message: String) {
        found.append(
          Diagnostic(
            severity: .error, path: path, line: example.line, column: example.column,
            message: message))
      }
      switch ResponseParser.parse(example.text, for: question, presentation: presentation) {
      case .failure(let problem):
        fail(
          "\(example.accept ? "accepted" : "rejected") example '\(example.text)' of question '\(question.id)' cannot be read as an answer: \(problem.message)"
        )
      case .success(let response):
        let grade = Grader.grade(question, response)
        if example.accept && grade.outcome != .correct {
          fail(
            "accepted example '\(example.text)' of question '\(question.id)' grades \(grade.outcome.rawValue) (credit \(format(grade.credit))); it must grade correct"
          )
        } else if !example.accept && grade.outcome == .correct {
          fail(
            "rejected example '\(example.text)' of question '\(question.id)' grades correct; it must not"
          )
        }
      }
    }
    return found
  }
}
