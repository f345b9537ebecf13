import WorkshopEngine

extension SessionController {
  mutating func showMenu(_ out: inout SessionOutput) {
    if menuEntries.isEmpty {
      out.say(wrapped(Copy.noLessons(clean(library.root))))
      return
    }
    var number = 0
    for course in library.courses {
      out.say(wrapped(clean(course.title, newlines: false), .heading))
      let state = courseState(course)
      for lesson in course.lessons {
        number += 1
        let ls = state.lessons.first { $0.lessonID == lesson.id }
        out.say(menuLine(number: number, lesson: lesson, state: ls))
      }
      out.blank()
    }
    let due = cardsDueToday()
    if due > 0 { out.say(wrapped(Copy.reviewDue(due))) }
    if let (_, lesson) = lastActiveLesson() {
      out.say(wrapped(Copy.menuContinue(clean(lesson.title, newlines: false))))
    } else {
      out.say(wrapped(Copy.menuPick))
    }
  }

  /// One title column for every menu line, so that the statuses line up.
  var menuTitleColumn: Int {
    let widest = library.courses.lazy.flatMap(\.lessons)
      .map { DisplayWidth.of(clean($0.title, newlines: false)) }.max() ?? 0
    return min(48, widest + 2)
  }

  /// One lesson of the menu and of `progress`: number, title, status, time. When it does not fit
  /// on one line, the status goes on the next, under the title, and each part wraps by words.
  func menuLine(number: Int, lesson: Lesson, state: LessonState?) -> String {
    let title = clean(lesson.title, newlines: false)
    let status = state?.status ?? .notStarted
    let words = Copy.status(state)
    let minutes = theme.plain ? Copy.minutesSentence(lesson.estimatedMinutes) : Copy.minutes(lesson.estimatedMinutes)
    let optional = lesson.required ? "" : (theme.plain ? " Optional." : " (optional)")
    if theme.plain {
      return wrapped("\(number). \(title). \(words.prefix(1).uppercased() + words.dropFirst()). \(minutes).\(optional)")
    }
    let num = String(repeating: " ", count: max(0, 3 - String(number).count)) + "\(number). "
    let indent = [Span(String(repeating: " ", count: DisplayWidth.of(num)))]
    let statusStyle: TextStyle =
      switch status {
      case .passed: .success
      case .notPassed: .failure
      case .inProgress: .accent
      case .notStarted: .dim
      }
    let details = [Span(words, statusStyle), Span(" · \(minutes)", .dim), Span(optional)]
    let pad = max(1, menuTitleColumn - DisplayWidth.of(title))
    let oneLine = DisplayWidth.of(num) + DisplayWidth.of(title) + pad + Wrapper.spans(width: details)
    if oneLine <= contentWidth {
      return theme.render([Span(num), Span(title), Span(String(repeating: " ", count: pad))] + details)
    }
    let lines =
      Wrapper.wrap([Span(title)], width: contentWidth, first: [Span(num)], rest: indent)
      + Wrapper.wrap(details, width: contentWidth, first: indent, rest: indent)
    return lines.map(theme.render).joined(separator: "\n")
  }

  mutating func menuInput(_ line: String, _ out: inout SessionOutput) {
    let text = line.trimmingWhitespace()
    if text.lowercased() == "continue" || text.lowercased() == ":continue" || text.isEmpty {
      continueLearning(&out)
      return
    }
    if text.lowercased() == "review" || text.lowercased() == ":review" {
      openReview(
        ReviewLaunch(
          courseID: nil, lessonID: nil, cards: ReviewDeck.defaultSessionCards,
          seconds: ReviewDeck.defaultSessionSeconds), out: &out)
      return
    }
    switch LineInput.classify(text) {
    case .empty, .command(.next):
      continueLearning(&out)
    case .command(.quit):
      quit(&out)
    case .command(.help):
      showHelp(&out, inLesson: false)
    case .command(.menu), .command(.repeat):
      showMenu(&out)
    case .command(.progress):
      showProgress(&out)
    case .command:
      out.say(Copy.pickLessonFirst)
    case .unknownCommand(let word):
      out.say(Copy.unknownCommand(clean(word, newlines: false)))
    case .answer(let answer):
      if let n = Int(answer), n >= 1, n <= menuEntries.count {
        let entry = menuEntries[n - 1]
        openLesson(course: entry.course, lesson: entry.lesson, out: &out)
      } else if let entry = menuEntries.first(where: { $0.lesson.id == answer.lowercased() }) {
        openLesson(course: entry.course, lesson: entry.lesson, out: &out)
      } else {
        out.say(Copy.noSuchLesson(clean(answer, newlines: false), count: menuEntries.count))
      }
    }
  }

  /// Continue where the learner left off, or with the first lesson not yet passed.
  mutating func continueLearning(_ out: inout SessionOutput) {
    if let (course, lesson) = lastActiveLesson() {
      openLesson(course: course, lesson: lesson, out: &out)
      return
    }
    for course in library.courses {
      let state = courseState(course)
      for ls in state.lessons {
        if case .passed = ls.status { continue }
        if let lesson = course.lesson(id: ls.lessonID) {
          openLesson(course: course, lesson: lesson, out: &out)
          return
        }
      }
    }
    if let first = menuEntries.first {
      openLesson(course: first.course, lesson: first.lesson, out: &out)
    } else {
      out.say(wrapped(Copy.noLessons(clean(library.root))))
    }
  }

  mutating func showProgress(_ out: inout SessionOutput) {
    let courses: [Course]
    if case .lesson(let run) = mode {
      courses = [run.course]
    } else {
      courses = library.courses
    }
    for course in courses {
      let state = courseState(course)
      let passed = state.lessons.filter {
        if case .passed = $0.status { return true }
        return false
      }.count
      out.say(wrapped(clean(course.title, newlines: false), .heading))
      out.say(Copy.courseProgress(passed: passed, total: course.lessons.count, completed: state.completed))
      for (i, lesson) in course.lessons.enumerated() {
        let ls = state.lessons.first { $0.lessonID == lesson.id }
        out.say(menuLine(number: i + 1, lesson: lesson, state: ls))
      }
      out.blank()
    }
  }

  mutating func showHelp(_ out: inout SessionOutput, inLesson: Bool) {
    out.say(wrapped(Copy.helpTitle, .bold))
    for command in Command.allCases {
      let name = command.rawValue.padded(to: 9)
      out.say(theme.plain ? "\(command.rawValue): \(command.summary)." : "  \(style(name, .code)) \(command.summary)")
    }
    if !inLesson {
      out.say(theme.plain ? "continue: pick up where you left off." : "  \(style("continue ", .code)) pick up where you left off")
      out.say(theme.plain ? "review: practise the questions due for review." : "  \(style("review   ", .code)) practise the questions due for review")
      out.say(wrapped(Copy.menuPick))
    }
    out.blank()
    out.say(wrapped(Copy.answerRule))
    out.say(wrapped(Copy.keys))
  }
}
