/// The words a learner can type instead of an answer.
public enum Command: String, Sendable, Hashable, CaseIterable {
  case next, back, hint, skip, `repeat`, menu, progress, restart, help, quit

  /// One line of `help` each.
  var summary: String {
    switch self {
    case .next: "go on (Enter does the same)"
    case .back: "the previous page or question"
    case .hint: "show a hint; each one says a little more"
    case .skip: "leave this question for later; it comes back once before the lesson ends"
    case .repeat: "show this page or question again"
    case .menu: "the list of courses and lessons"
    case .progress: "where you stand in this course"
    case .restart: "start this lesson over"
    case .help: "this list"
    case .quit: "save and leave (Ctrl-D does the same)"
    }
  }
}

/// `flag` is a command only in exam mode (`LessonAttempt.holdsAnswers`), where answers can
/// still change: elsewhere it is an ordinary answer. Live rooms have no exam navigation.
enum ExamWord {
  static func isFlag(_ line: String) -> Bool {
    let word = line.trimmingWhitespace().lowercased()
    return word == "flag" || word == ":flag"
  }
}

/// What one typed line means.
public enum LineInput: Sendable, Hashable {
  case empty
  case command(Command)
  /// A colon word that is not a command (`:foo`): never taken as an answer.
  case unknownCommand(String)
  case answer(String)

  /// The rule from docs/lesson-format.md, "Answers and commands": a line that is exactly a
  /// command word (optionally with a leading colon) is a command; anything else is an answer,
  /// with one leading `=` removed, so `=next` answers "next".
  public static func classify(_ line: String) -> LineInput {
    let trimmed = line.trimmingWhitespace()
    if trimmed.isEmpty { return .empty }
    if trimmed.hasPrefix("=") { return .answer(String(trimmed.dropFirst())) }
    var word = trimmed.lowercased()
    if word.hasPrefix(":") {
      word.removeFirst()
      if let command = Command(rawValue: word) { return .command(command) }
      if !word.contains(" ") { return .unknownCommand(trimmed) }
      return .answer(trimmed)
    }
    if let command = Command(rawValue: word) { return .command(command) }
    return .answer(trimmed)
  }
}

extension StringProtocol {
  func trimmingWhitespace() -> String {
    var s = Substring(self)
    while let f = s.first, f.isWhitespace { s.removeFirst() }
    while let l = s.last, l.isWhitespace { s.removeLast() }
    return String(s)
  }
}
