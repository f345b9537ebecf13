import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopCommandLine
import WorkshopEngine
import WorkshopTerminal

struct ProgressCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "progress",
    abstract: "Show a learner's progress: per lesson status, score, attempts and time.")

  @OptionGroup var location: LocationOptions

  @Option(
    name: .long,
    help: ArgumentHelp("The learner (default: $WORKSHOP_LEARNER; else every learner).", valueName: "name"))
  var learner: String?

  @Flag(name: .long, help: "Print JSON.")
  var json = false

  func run() throws {
    let store = ProgressStore(root: location.progressRoot)
    let learnerText = learner ?? environment("WORKSHOP_LEARNER")
    let ids: [LearnerID]
    if let learnerText, !learnerText.isEmpty {
      guard let id = store.resolveLearner(learnerText) else {
        throw ValidationError("'\(learnerText)' is not a usable learner name.")
      }
      if store.profile(id) == nil, !store.learners().contains(id) {
        if json { try Output.json(ProgressJSON(learners: [])) } else {
          print("No progress saved for '\(learnerText)' in \(location.progressRoot).")
        }
        return
      }
      ids = [id]
    } else {
      ids = store.learners()
      if ids.isEmpty {
        if json { try Output.json(ProgressJSON(learners: [])) } else {
          print("No learners yet in \(location.progressRoot).")
        }
        return
      }
    }

    let (library, _) = LessonLoader.loadCached(root: location.lessonsRoot)
    var reports: [ProgressJSON.Learner] = []
    var text = ""
    for (n, id) in ids.enumerated() {
      let loaded = try store.summary(id)
      for warning in loaded.warnings { Output.note("warning: \(id): \(warning)") }
      let name = store.profile(id)?.name ?? id.rawValue
      let courses = library.courses.filter { loaded.summary.courses[$0.id] != nil || ids.count == 1 }
      let states = courses.map { ProgressDeriver.state(of: $0, summary: loaded.summary) }
      let unknown = loaded.summary.courses.keys.filter { library.course(id: $0) == nil }.sorted()
      reports.append(Self.report(id: id, name: name, summary: loaded.summary, courses: courses, states: states))

      if n > 0 { text += "\n" }
      text += "\(name) (\(id))"
      text += "  active \(Output.duration(loaded.summary.totalSeconds))"
      if let last = loaded.summary.lastActivity { text += ", last seen \(Self.date(last))" }
      text += "\n"
      if courses.isEmpty, unknown.isEmpty { text += "  No course started yet.\n" }
      for (course, state) in zip(courses, states) {
        text += "\n" + Self.courseText(course, state)
      }
      for courseID in unknown {
        text += "\n  \(courseID): progress saved for a course not found in \(location.lessonsRoot)\n"
      }
    }
    if json {
      try Output.json(ProgressJSON(learners: reports))
    } else {
      print(Sanitizer.visible(text), terminator: "")
    }
  }

  static func date(_ timestamp: String) -> String {
    // "2026-11-27T21:04:05.123Z" → "2026-11-27 21:04 UTC"
    guard timestamp.count >= 16 else { return timestamp }
    return timestamp.prefix(10) + " " + timestamp.dropFirst(11).prefix(5) + " UTC"
  }

  static func courseText(_ course: Course, _ state: CourseState) -> String {
    let required = course.lessons.filter(\.required).map(\.id)
    let passed = state.lessons.filter { required.contains($0.lessonID) && $0.everPassed }.count
    var out = "  \(course.title)  "
    out += state.completed ? "completed\n" : "\(passed) of \(required.count) required lessons passed\n"
    var rows = [["Lesson", "Status", "Best", "Attempts", "Time"]]
    for (lesson, ls) in zip(course.lessons, state.lessons) {
      rows.append([
        lesson.title + (lesson.required ? "" : " (optional)"),
        Output.status(ls.status),
        ls.bestScore.map(Output.percent) ?? "-",
        ls.attempt == 0 ? "-" : "\(ls.attempt)",
        Output.duration(ls.seconds),
      ])
    }
    return out + Output.table(rows, rightAligned: [2, 3, 4], indent: 4)
  }

  static func report(
    id: LearnerID, name: String, summary: JournalSummary, courses: [Course], states: [CourseState]
  ) -> ProgressJSON.Learner {
    ProgressJSON.Learner(
      id: id.rawValue, name: name, seconds: summary.totalSeconds,
      firstActivity: summary.firstActivity, lastActivity: summary.lastActivity,
      courses: zip(courses, states).map { course, state in
        ProgressJSON.Course(
          id: course.id, title: course.title, completed: state.completed, seconds: state.seconds,
          lessons: state.lessons.map { ls in
            ProgressJSON.Lesson(
              id: ls.lessonID, status: StatusJSON(ls.status), attempt: ls.attempt,
              bestScore: ls.bestScore, passed: ls.everPassed, seconds: ls.seconds,
              resume: ls.resumeItemID, lastActivity: ls.lastActivity)
          })
      })
  }
}

struct ProgressJSON: Encodable {
  struct Lesson: Encodable {
    var id: String
    var status: StatusJSON
    var attempt: Int
    var bestScore: Double?
    var passed: Bool
    var seconds: Double
    var resume: String?
    var lastActivity: String?
  }
  struct Course: Encodable {
    var id: String
    var title: String
    var completed: Bool
    var seconds: Double
    var lessons: [Lesson]
  }
  struct Learner: Encodable {
    var id: String
    var name: String
    var seconds: Double
    var firstActivity: String?
    var lastActivity: String?
    var courses: [Course]
  }
  var learners: [Learner]
}
