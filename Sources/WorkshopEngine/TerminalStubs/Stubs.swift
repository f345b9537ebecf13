// TEMPORARY stand-ins for engine APIs being written on other branches; removed on merge.
import Foundation

public struct Diagnostic: Sendable, Hashable, Codable {
  public enum Severity: String, Sendable, Codable { case error, warning }
  public var severity: Severity; public var path: String; public var line: Int; public var column: Int
  public var message: String
  public var description: String { "\(path):\(line):\(column): \(severity.rawValue): \(message)" }
}
public struct LessonLibrary: Sendable {
  public var root: String; public var courses: [Course]
  public init(root: String, courses: [Course]) { self.root = root; self.courses = courses }
  public func course(id: String) -> Course? { courses.first { $0.id == id } }
  public func lesson(id: String) -> (Course, Lesson)? {
    for c in courses { if let l = c.lesson(id: id) { return (c, l) } }
    return nil
  }
}
public enum LessonLoader {
  public static func load(root: String) -> (library: LessonLibrary, diagnostics: [Diagnostic]) {
    (LessonLibrary(root: root, courses: []), [])
  }
}
public struct Presentation: Sendable, Hashable, Codable {
  public var order: [Int]
  public init(order: [Int]) { self.order = order }
  public static func canonical(count: Int) -> Presentation { Presentation(order: Array(0..<count)) }
}
public enum Shuffler {
  public static func presentation(for question: Question, learner: String, shuffle: Bool) -> Presentation {
    switch question.body {
    case .single(let c), .multiple(let c): return .canonical(count: c.count)
    case .trueFalse: return .canonical(count: 2)
    case .ordering(let items): return Presentation(order: Array((0..<items.count).reversed()))
    case .matching(let p): return Presentation(order: Array((0..<p.count).reversed()))
    default: return .canonical(count: 0)
    }
  }
  public static func seed(_ parts: String...) -> UInt64 { UInt64(parts.joined().count) }
}
public enum AssessmentDraw {
  public static func draw(from lesson: Lesson, count: Int, learner: String, courseID: String, attempt: Int)
    -> (questionIDs: [String], seed: UInt64)
  { (Array(lesson.questions.map(\.id).prefix(count)), 7) }
}
public struct InputError: Error, Sendable, Hashable { public var message: String
  public init(message: String) { self.message = message } }
public enum ResponseParser {
  public static func parse(_ input: String, for question: Question, presentation: Presentation) -> Result<Response, InputError> {
    let t = input.trimmingCharacters(in: .whitespaces).lowercased()
    func letter(_ s: Substring) -> Int? {
      guard let c = s.unicodeScalars.first, s.count == 1, c.value >= 97, c.value < 97 + UInt32(presentation.order.count) else { return nil }
      return presentation.order[Int(c.value - 97)]
    }
    switch question.body {
    case .single:
      guard let i = letter(Substring(t)) else { return .failure(InputError(message: "Type one letter.")) }
      return .success(.choices([i]))
    case .multiple:
      let parts = t.split(whereSeparator: { $0 == " " || $0 == "," })
      let idx = parts.compactMap(letter)
      guard !idx.isEmpty, idx.count == parts.count else { return .failure(InputError(message: "Type letters.")) }
      return .success(.choices(idx.sorted()))
    case .trueFalse:
      if ["t", "true", "yes", "a"].contains(t) { return .success(.choices([0])) }
      if ["f", "false", "no", "b"].contains(t) { return .success(.choices([1])) }
      return .failure(InputError(message: "Type true or false."))
    case .shortAnswer: return .success(.text(input))
    case .numeric:
      guard let d = Double(t.replacingOccurrences(of: ",", with: "")) else { return .failure(InputError(message: "Type a number.")) }
      return .success(.number(d))
    case .ordering:
      let n = t.split(separator: " ").compactMap { Int($0) }.map { presentation.order[$0 - 1] }
      return .success(.order(n))
    case .matching: return .failure(InputError(message: "unsupported"))
    }
  }
  public static func describe(_ response: Response, for question: Question, presentation: Presentation) -> String {
    switch response {
    case .choices(let c): return c.map { String(UnicodeScalar(UInt8(97 + (presentation.order.firstIndex(of: $0) ?? 0)))).uppercased() }.joined(separator: ", ")
    case .text(let t): return t
    case .number(let d): return "\(d)"
    default: return "?"
    }
  }
}
public enum Grader {
  public static func grade(_ question: Question, _ response: Response) -> Grade {
    switch (question.body, response) {
    case (.single(let c), .choices(let i)), (.multiple(let c), .choices(let i)):
      let right = Set(c.indices.filter { c[$0].correct })
      let ok = Set(i) == right
      return Grade(outcome: ok ? .correct : .wrong, credit: ok ? 1 : 0, feedback: i.compactMap { c[$0].feedback })
    case (.trueFalse(let a, let ft, let ff), .choices(let i)):
      let pick = i.first == 0
      return Grade(outcome: pick == a ? .correct : .wrong, credit: pick == a ? 1 : 0, feedback: [pick ? ft : ff].compactMap { $0 })
    case (.shortAnswer(let s), .text(let t)):
      let ok = s.accepted.map { $0.lowercased() }.contains(t.lowercased().trimmingCharacters(in: .whitespaces))
      return Grade(outcome: ok ? .correct : .wrong, credit: ok ? 1 : 0, feedback: ok ? [] : [s.otherwiseFeedback].compactMap { $0 })
    case (.numeric(let n), .number(let d)):
      if case .exact(let v) = n.rule, v == d { return Grade(outcome: .correct, credit: 1) }
      return Grade(outcome: .wrong, credit: 0)
    case (.ordering(let items), .order(let o)):
      return o == Array(items.indices) ? Grade(outcome: .correct, credit: 1) : Grade(outcome: .wrong, credit: 0)
    default: return Grade(outcome: .wrong, credit: 0)
    }
  }
}
public enum Scoring {
  public static func earned(points: Double, credit: Double, attempt: Int, hintsShown: Int, policy: Policy) -> Double {
    max(0, points * credit * policy.creditMultiplier(attempt: attempt) - points * policy.hintCost * Double(hintsShown))
  }
}
public enum LearnerError: Error { case invalidID }
public struct LearnerID: Sendable, Hashable, Codable, CustomStringConvertible {
  public let rawValue: String
  public init(validating: String) throws { rawValue = validating }
  public static func slug(fromName: String) -> LearnerID? { try? LearnerID(validating: fromName.lowercased()) }
  public var description: String { rawValue }
}
public struct LearnerProfile: Sendable, Codable, Hashable { public var id: LearnerID; public var name: String; public var created: String }
public struct ProgressStore: Sendable {
  public var root: String
  public init(root: String) { self.root = root }
  public func learners() -> [LearnerID] { [] }
  public func profile(_ id: LearnerID) -> LearnerProfile? { nil }
  public func createProfile(name: String) throws -> LearnerProfile { LearnerProfile(id: LearnerID.slug(fromName: name)!, name: name, created: "") }
  public func directory(for id: LearnerID) -> String { root + "/" + id.rawValue }
  public func openJournal(_ id: LearnerID) throws -> JournalWriter { JournalWriter() }
}
public final class JournalWriter {
  public var summary = JournalSummary()
  public func append(_ event: JournalEvent) throws { summary.apply(event) }
  public func close() {}
}
public struct JournalSummary: Sendable, Codable, Hashable {
  public var events: [JournalEvent] = []
  public init() {}
  public mutating func apply(_ event: JournalEvent) { events.append(event) }
}
public struct QuestionProgress: Sendable, Hashable {
  public var attempts: Int; public var hints: Int; public var skipped: Bool
  public var outcome: Grade.Outcome?; public var earned: Double; public var response: Response?
}
public struct LessonState: Sendable, Hashable {
  public enum Status: Sendable, Hashable { case notStarted, inProgress(answered: Int, total: Int), passed(score: Double), notPassed(score: Double) }
  public var lessonID: String; public var status: Status
  public var resumeItemID: String?
  public var questions: [String: QuestionProgress]
  public var drawn: [String]?
  public var attempt: Int
}
public struct CourseState: Sendable, Hashable { public var courseID: String; public var lessons: [LessonState]; public var completed: Bool }
public enum ProgressDeriver {
  public static func state(of course: Course, summary: JournalSummary) -> CourseState {
    var lessons: [LessonState] = []
    for lesson in course.lessons {
      var s = LessonState(lessonID: lesson.id, status: .notStarted, resumeItemID: nil, questions: [:], drawn: nil, attempt: 0)
      for e in summary.events where e.lesson == lesson.id && e.course == course.id {
        switch e.kind {
        case .lessonStarted: s.attempt += 1; s.questions = [:]; s.drawn = nil; s.resumeItemID = nil
          s.status = .inProgress(answered: 0, total: lesson.questions.count)
        case .lessonRestarted: s.attempt += 1; s.questions = [:]; s.drawn = nil; s.resumeItemID = nil
        case .questionsDrawn: s.drawn = e.questions
        case .pageViewed: s.resumeItemID = e.page
        case .hintShown: s.questions[e.question!, default: QuestionProgress(attempts: 0, hints: 0, skipped: false, outcome: nil, earned: 0, response: nil)].hints += 1
          s.resumeItemID = e.question
        case .answerSubmitted:
          var q = s.questions[e.question!, default: QuestionProgress(attempts: 0, hints: 0, skipped: false, outcome: nil, earned: 0, response: nil)]
          q.attempts += 1; q.outcome = e.outcome; q.earned = e.earned ?? 0; q.response = e.response
          s.questions[e.question!] = q; s.resumeItemID = e.question
          s.status = .inProgress(answered: s.questions.count, total: lesson.questions.count)
        case .questionSkipped:
          s.questions[e.question!, default: QuestionProgress(attempts: 0, hints: 0, skipped: false, outcome: nil, earned: 0, response: nil)].skipped = true
          s.resumeItemID = e.question
        case .lessonCompleted: s.status = (e.passed ?? false) ? .passed(score: e.score ?? 0) : .notPassed(score: e.score ?? 0)
        default: break
        }
      }
      lessons.append(s)
    }
    return CourseState(courseID: course.id, lessons: lessons, completed: false)
  }
}
public enum JournalReader {
  public static func read(path: String) throws -> (events: [JournalEvent], warnings: [String]) { ([], []) }
}
