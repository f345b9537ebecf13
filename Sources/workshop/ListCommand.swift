import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopCommandLine
import WorkshopEngine
import WorkshopTerminal

struct List: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "List courses and lessons (with a learner's status when one is given).")

  @OptionGroup var location: LocationOptions

  @Option(
    name: .long,
    help: ArgumentHelp("Show this learner's status (default: $WORKSHOP_LEARNER).", valueName: "name"))
  var learner: String?

  @Flag(name: .long, help: "Print JSON.")
  var json = false

  func run() throws {
    let (library, diagnostics) = LessonLoader.loadCached(root: location.lessonsRoot)
    let store = ProgressStore(root: location.progressRoot)
    let learnerText = learner ?? environment("WORKSHOP_LEARNER")
    var learnerID: LearnerID?
    var summary: JournalSummary?
    if let learnerText, !learnerText.isEmpty {
      guard let id = store.resolveLearner(learnerText) else {
        throw ValidationError("'\(learnerText)' is not a usable learner name.")
      }
      learnerID = id
      let loaded = try store.summary(id)
      summary = loaded.summary
      for warning in loaded.warnings { Output.note("warning: \(warning)") }
      if store.profile(id) == nil, loaded.summary.eventCount == 0 {
        Output.note("No progress saved for '\(id)' yet.")
      }
    }
    let errors = diagnostics.filter { $0.severity == .error }.count
    if errors > 0 {
      Output.note("\(Wording.count(errors, "problem")) in \(location.lessonsRoot); run `workshop lint` for details.")
    }

    let states = library.courses.map { course in
      summary.map { ProgressDeriver.state(of: course, summary: $0) }
    }
    let reviewDue: Int? = summary.flatMap { summary -> Int? in
      guard let learnerID else { return nil }
      let now = WorkshopClock.nowMilliseconds()
      let items = ReviewDeck.items(
        summary: summary, courses: library.courses, learner: store.profile(learnerID)?.review, now: now)
      return ReviewDeck.dueToday(items, now: now)
    }

    if json {
      let courses = zip(library.courses, states).map { course, state in
        ListJSON.Course(
          id: course.id, title: course.title, version: course.version,
          completed: state?.completed,
          lessons: course.lessons.map { lesson in
            let ls = state?.lesson(lesson.id)
            return ListJSON.Lesson(
              id: lesson.id, title: lesson.title, minutes: lesson.estimatedMinutes,
              kind: lesson.kind.rawValue, required: lesson.required,
              status: ls.map { StatusJSON($0.status) })
          })
      }
      try Output.json(ListJSON(learner: learnerID?.rawValue, reviewDueToday: reviewDue, courses: courses))
      return
    }

    if library.courses.isEmpty {
      print("No courses found in \(location.lessonsRoot).")
      return
    }
    var out = ""
    for (index, (course, state)) in zip(library.courses, states).enumerated() {
      if index > 0 { out += "\n" }
      var heading = "\(course.title)  (\(course.id))"
      if let state {
        let required = course.lessons.filter(\.required)
        let passed = state.lessons.filter { ls in
          ls.everPassed && required.contains { $0.id == ls.lessonID }
        }.count
        heading += state.completed ? "  completed" : "  \(passed) of \(required.count) required passed"
      }
      out += heading + "\n"
      var rows: [[String]] = [["#", "Lesson", "Id", "Min"] + (state == nil ? [] : ["Status"])]
      for (n, lesson) in course.lessons.enumerated() {
        var title = lesson.title
        if !lesson.required { title += " (optional)" }
        if lesson.kind == .assessment { title += " [assessment]" }
        var row = ["\(n + 1)", title, lesson.id, "\(lesson.estimatedMinutes)"]
        if let ls = state?.lesson(lesson.id) { row.append(Output.status(ls.status)) }
        rows.append(row)
      }
      out += Output.table(rows, rightAligned: [0, 3], indent: 2)
    }
    if let reviewDue, reviewDue > 0 {
      out += "\n\(reviewDue) review card\(reviewDue == 1 ? "" : "s") due today: run `workshop review`.\n"
    }
    print(Sanitizer.visible(out), terminator: "")
  }
}

struct ListJSON: Encodable {
  struct Lesson: Encodable {
    var id: String
    var title: String
    var minutes: Int
    var kind: String
    var required: Bool
    var status: StatusJSON?
  }
  struct Course: Encodable {
    var id: String
    var title: String
    var version: String
    var completed: Bool?
    var lessons: [Lesson]
  }
  var learner: String?
  /// Review cards due by the end of the learner's day (with --learner).
  var reviewDueToday: Int?
  var courses: [Course]
}

struct StatusJSON: Encodable {
  var state: String
  var answered: Int?
  var total: Int?
  var score: Double?

  init(_ status: LessonState.Status) {
    switch status {
    case .notStarted: state = "not-started"
    case .inProgress(let answered, let total):
      state = "in-progress"
      self.answered = answered
      self.total = total
    case .passed(let score):
      state = "passed"
      self.score = score
    case .notPassed(let score):
      state = "not-passed"
      self.score = score
    }
  }
}

/// Plain, aligned text for the progress commands.
enum Output {
  static func note(_ text: String) {
    StandardStreams.writeError(Sanitizer.visible(text) + "\n")
  }

  static func json(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
  }

  static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }

  static func status(_ status: LessonState.Status) -> String {
    switch status {
    case .notStarted: "not started"
    case .inProgress(let answered, let total): "in progress \(answered)/\(total)"
    case .passed(let score): "passed \(percent(score))"
    case .notPassed(let score): "not passed \(percent(score))"
    }
  }

  static func duration(_ seconds: Double) -> String {
    let minutes = Int((seconds / 60).rounded())
    if seconds <= 0 { return "-" }
    if minutes < 1 { return "<1m" }
    if minutes < 60 { return "\(minutes)m" }
    let m = minutes % 60
    return "\(minutes / 60)h \(m < 10 ? "0" : "")\(m)m"
  }

  /// Columns padded to their widest cell (by display width), two spaces apart. On a terminal
  /// too narrow for the table, the widest text column wraps by words onto more lines.
  static func table(
    _ rows: [[String]], rightAligned: Set<Int> = [], indent: Int = 0, width: Int? = Output.width
  ) -> String {
    let columns = rows.map(\.count).max() ?? 0
    var widths = [Int](repeating: 0, count: columns)
    for row in rows {
      for (i, cell) in row.enumerated() { widths[i] = max(widths[i], DisplayWidth.of(cell)) }
    }
    let total = indent + widths.reduce(0, +) + 2 * max(0, columns - 1)
    var wrapColumn: Int? = nil
    if let width, total > width,
      let widest = widths.indices.filter({ !rightAligned.contains($0) }).max(by: { widths[$0] < widths[$1] })
    {
      widths[widest] = max(12, widths[widest] - (total - width))
      wrapColumn = widest
    }
    var out = ""
    for row in rows {
      let cells = row.enumerated().map { i, cell in
        i == wrapColumn ? TextWrap.lines(cell, width: widths[i]) : [cell]
      }
      let height = cells.map(\.count).max() ?? 1
      for lineIndex in 0..<height {
        var line = String(repeating: " ", count: indent)
        for (i, parts) in cells.enumerated() {
          let cell = lineIndex < parts.count ? parts[lineIndex] : ""
          let pad = String(repeating: " ", count: max(0, widths[i] - DisplayWidth.of(cell)))
          let last = i == row.count - 1
          line += rightAligned.contains(i) ? pad + cell : (last ? cell : cell + pad)
          if !last { line += "  " }
        }
        while line.hasSuffix(" ") { line.removeLast() }
        out += line + "\n"
      }
    }
    return out
  }

  /// Columns to fit tables to: the terminal's width, or `COLUMNS`; nil when output goes to a
  /// file or pipe, which gets whole lines.
  static var width: Int? {
    let terminal = TerminalInfo()
    guard terminal.stdoutIsTTY || terminal.variable("COLUMNS") != nil else { return nil }
    return terminal.width()
  }
}
