import ArgumentParser
import WorkshopEngine
import WorkshopTerminal

struct Preview: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "preview",
    abstract: "Show a lesson, or one of its questions or pages, as a learner sees it.",
    discussion: """
      Nothing is recorded and no learner is needed. Examples:
        workshop preview welcome
        workshop preview welcome/alliance-founders --answers
      """)

  @Argument(
    help: ArgumentHelp(
      "A lesson id, or lesson-id/question-id (a page id works too).", valueName: "lesson[/item]"))
  var target: String

  @OptionGroup var location: LocationOptions

  @Flag(help: "Follow each question with its right answer and explanation.")
  var answers = false

  @Flag(name: .long, help: "Screen-reader mode, as `workshop --plain` shows it.")
  var plain = false

  @Flag(name: .customLong("no-color"), help: "No colour or text styles (also NO_COLOR=1).")
  var noColor = false

  func run() throws {
    let (library, diagnostics) = LessonLoader.load(root: location.lessonsRoot)
    let terminal = TerminalInfo()
    let options = SessionOptions(
      theme: terminal.theme(plain: plain, noColor: noColor), width: terminal.width())
    switch SessionController.preview(target, library: library, options: options, answers: answers) {
    case .success(let text):
      print(text, terminator: "")
    case .failure(let problem):
      var message = "workshop: \(Sanitizer.clean(problem.description, keepNewlines: false))"
      if diagnostics.errorCount > 0 {
        message += "; lessons with errors are left out (run `workshop lint` to see them)"
      }
      Console.error(message + "\n")
      throw ExitCode.failure
    }
  }
}
