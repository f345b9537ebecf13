/// Every course found under a lessons folder.
public struct LessonLibrary: Sendable {
  /// The folder given to the loader.
  public var root: String
  /// Courses sorted by folder name.
  public var courses: [Course]

  public init(root: String, courses: [Course]) {
    self.root = root
    self.courses = courses
  }

  public func course(id: String) -> Course? { courses.first { $0.id == id } }

  /// Lesson ids are unique only within a course, so this returns the first course's match.
  public func lesson(id: String) -> (Course, Lesson)? {
    for course in courses {
      if let lesson = course.lesson(id: id) { return (course, lesson) }
    }
    return nil
  }

  public var lessonCount: Int { courses.reduce(0) { $0 + $1.lessons.count } }
  public var questionCount: Int {
    courses.reduce(0) { sum, course in
      sum + course.lessons.reduce(0) { $0 + $1.questions.count }
    }
  }
}
