// TEMPORARY: stands in for the real loader (another branch) so `list` and `progress` compile.
// Delete this file when the loader lands on main.

public struct Diagnostic: Sendable, Hashable, Codable {
  public enum Severity: String, Sendable, Codable { case error, warning }
  public var severity: Severity
  public var path: String
  public var line: Int
  public var column: Int
  public var message: String
  public var description: String { "\(path):\(line):\(column): \(severity.rawValue): \(message)" }
}

public struct LessonLibrary: Sendable {
  public var root: String
  public var courses: [Course]
  public func course(id: String) -> Course? { courses.first { $0.id == id } }
  public func lesson(id: String) -> (Course, Lesson)? {
    for course in courses { if let lesson = course.lesson(id: id) { return (course, lesson) } }
    return nil
  }
}

public enum LessonLoader {
  public static func load(root: String) -> (library: LessonLibrary, diagnostics: [Diagnostic]) {
    (LessonLibrary(root: root, courses: []), [])
  }
}
