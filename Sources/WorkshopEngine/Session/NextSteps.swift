/// What a learner should do after finishing a lesson, decided from the course and their progress,
/// so that every front end says the same true thing.
public struct NextSteps: Sendable {
  public struct Entry: Sendable {
    /// 1-based position in the course.
    public var number: Int
    public var lesson: Lesson
  }

  /// The lesson after the finished one in course order.
  public var nextLesson: Entry?
  /// Required lessons other than the finished one that are not passed yet, in course order.
  public var stillToPass: [Entry]
  /// After a failed assessment: the lessons that teach what the missed questions asked, in
  /// course order.
  public var toRevisit: [Entry]

  /// `missed`: the finished attempt's questions not answered right.
  public init(course: Course, finished lesson: Lesson, passed: Bool, missed: [Question], state: CourseState) {
    let numbered = course.lessons.enumerated().map { Entry(number: $0.offset + 1, lesson: $0.element) }
    let position = numbered.firstIndex { $0.lesson.id == lesson.id }
    nextLesson = position.flatMap { $0 + 1 < numbered.count ? numbered[$0 + 1] : nil }
    stillToPass = numbered.filter { entry in
      guard entry.lesson.required, entry.lesson.id != lesson.id else { return false }
      if case .passed = state.lesson(entry.lesson.id)?.status { return false }
      return true
    }
    toRevisit =
      lesson.kind == .assessment && !passed
      ? Self.teaching(missed, among: numbered.filter { $0.lesson.kind == .lesson }) : []
  }

  /// Lessons whose own questions share a tag with a missed question, or whose id names it as one
  /// of its words (`openness` → `openness-and-access`). A tag that most lessons use (such as
  /// `scenario`) says nothing about where a topic is taught, so it is ignored.
  static func teaching(_ missed: [Question], among lessons: [Entry]) -> [Entry] {
    let tagsByLesson = lessons.map { entry in
      Set(entry.lesson.questions.flatMap(\.tags))
        .union(entry.lesson.id.split(separator: "-").map(String.init))
    }
    var uses: [String: Int] = [:]
    for tags in tagsByLesson { for tag in tags { uses[tag, default: 0] += 1 } }
    let telling = Set(uses.filter { $0.value * 2 <= lessons.count }.keys)
    let wanted = Set(missed.flatMap(\.tags)).intersection(telling)
    return lessons.indices.filter { !tagsByLesson[$0].isDisjoint(with: wanted) }.map { lessons[$0] }
  }
}
