import WorkshopEngine

/// Everything the instructor's page and terminal show, as one snapshot.
public struct InstructorView: Sendable, Hashable, Codable {
  public struct LessonEntry: Sendable, Hashable, Codable {
    public var id: String
    public var title: String
  }
  public struct Person: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var alias: String
    public var connected: Bool
    public var removed: Bool
    /// Has an answer to the current question.
    public var answered: Bool
    public var outcome: Grade.Outcome?
    /// That answer with the lesson file's letters (`Classroom.asAuthored`), the same for everyone.
    public var answer: String?
    public var earned: Double
    public var possible: Double
    /// Student-paced: the item the participant is on.
    public var position: Int?
  }
  public struct Item: Sendable, Hashable, Codable {
    public var kind: String
    public var title: String
    public var question: String?
    public var prompt: String?
    public var key: String?
    public var explanation: String?
    public var status: String?
    public var deadline: Int64?
  }

  public var session: String
  public var code: String
  public var course: String
  public var courseTitle: String
  public var pacing: Pacing
  public var locked: Bool
  public var ended: Bool
  public var anonymous: Bool
  public var leaderboard: Bool
  public var lessons: [LessonEntry]
  public var lesson: String?
  public var lessonTitle: String?
  public var index: Int
  public var count: Int
  public var item: Item?
  public var people: [Person]
  public var answeredCount: Int
  public var connectedCount: Int
  public var buckets: [DistributionBucket]
  public var roster: LiveRoster?
  /// Increases with every change; lets the page skip redrawing identical views.
  public var version: Int

  public static func make(_ room: Classroom, version: Int) -> InstructorView {
    var view = InstructorView(
      session: room.sessionID, code: room.joinCode, course: room.course.id, courseTitle: room.course.title,
      pacing: room.pacing, locked: room.locked, ended: room.ended, anonymous: room.settings.anonymous,
      leaderboard: room.settings.leaderboard,
      lessons: room.course.lessons.map { LessonEntry(id: $0.id, title: $0.title) },
      lesson: room.lessonID, lessonTitle: room.lesson?.title, index: room.itemIndex,
      count: room.lesson?.items.count ?? 0, item: nil, people: [], answeredCount: 0, connectedCount: 0,
      buckets: [], roster: nil, version: version)
    var key: String?
    var question: Question?
    if let lesson = room.lesson, let item = room.currentItem {
      switch item {
      case .page(let page):
        view.item = Item(kind: "page", title: page.title)
      case .question(let q):
        let k = Classroom.key(lesson: lesson.id, question: q.id)
        key = k
        question = q
        let run = room.runs[k]
        view.item = Item(
          kind: "question", title: q.id, question: q.id, prompt: q.prompt, key: q.keyText,
          explanation: q.explanation, status: run?.status.rawValue ?? "not opened", deadline: run?.deadline)
        view.buckets = room.distribution(of: q, in: lesson)
      }
    }
    for pid in room.order {
      guard let p = room.participants[pid] else { continue }
      let s = room.score(of: pid)
      let answer = key.flatMap { p.answers[$0] }
      view.people.append(
        Person(
          id: pid, name: p.name, alias: p.alias, connected: p.connection != nil, removed: p.removed,
          answered: answer != nil, outcome: answer?.outcome,
          answer: answer.flatMap { a in question.map { Classroom.asAuthored(a.response, to: $0) } },
          earned: s.earned, possible: s.possible,
          position: room.lessonID.flatMap { p.position[$0] }))
    }
    let active = view.people.filter { !$0.removed }
    view.answeredCount = active.filter(\.answered).count
    view.connectedCount = active.filter(\.connected).count
    if room.ended { view.roster = LiveRoster.make(room) }
    return view
  }
}
