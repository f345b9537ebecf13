// TEMPORARY stand-ins for engine APIs being written on other branches; removed on merge.
import Foundation

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
