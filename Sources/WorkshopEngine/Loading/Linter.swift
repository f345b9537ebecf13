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

  /// Like `lint(root:)`, with counts for a summary line.
  public static func run(root: String) -> LintReport {
    let loaded = LessonLoader.loadAll(root: root)
    var diagnostics = loaded.diagnostics
    var lessons = 0
    var questions = 0
    for course in loaded.courses {
      lessons += course.lessonFiles
      questions += course.questionBlocks
      for lesson in course.course.lessons {
        guard let byQuestion = course.examples[lesson.path] else { continue }
        for question in lesson.questions {
          guard let cases = byQuestion[question.id] else { continue }
          diagnostics += prove(question, cases, path: lesson.path)
        }
      }
      diagnostics += ItemWriting.review(course)
    }
    if diagnostics.count != loaded.diagnostics.count {
      diagnostics = diagnostics.sortedByLocation()
    }
    return LintReport(
      diagnostics: diagnostics, courses: loaded.courses.count, lessons: lessons,
      questions: questions)
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
