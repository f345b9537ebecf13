/// A course: an ordered list of lessons loaded from one folder of `lessons/`.
public struct Course: Sendable, Hashable {
  public var id: String
  public var title: String
  public var version: String
  public var description: String
  public var language: String
  /// Policy defaults for every lesson; a lesson may override parts of it.
  public var policy: Policy
  /// Lessons in the order `course.yaml` lists them; the final assessment, if any, comes last.
  public var lessons: [Lesson]
  /// The folder the course was loaded from.
  public var directory: String
  /// SHA-256 over the course's canonical content (metadata, policy and every lesson digest).
  public var digest: String

  public init(
    id: String, title: String, version: String, description: String, language: String,
    policy: Policy, lessons: [Lesson], directory: String, digest: String
  ) {
    self.id = id
    self.title = title
    self.version = version
    self.description = description
    self.language = language
    self.policy = policy
    self.lessons = lessons
    self.directory = directory
    self.digest = digest
  }

  public func lesson(id: String) -> Lesson? { lessons.first { $0.id == id } }

  /// The lessons that must be passed for the course to count as completed.
  public var requiredLessons: [Lesson] { lessons.filter(\.required) }
}

/// One lesson: reading pages and questions, in the order the author placed them.
public struct Lesson: Sendable, Hashable {
  public enum Kind: String, Sendable, Hashable, Codable {
    case lesson
    /// A final assessment: by default exam mode, and it may draw a subset of its questions.
    case assessment
  }

  // Lessons are copied into attempts, review cards and menus far more often than they change:
  // their fields live in one shared, immutable box, so a copy is one reference.
  private struct Fields: Sendable, Hashable {
    var id: String
    var title: String
    var summary: String
    var objectives: [String]
    var estimatedMinutes: Int
    var kind: Kind
    var required: Bool
    var policy: Policy
    var draw: Int?
    var blueprint: [BlueprintQuota]
    var teaches: [String]
    var items: [LessonItem]
    var path: String
    var digest: String
    /// The pages and questions of `items`, in order: every reader of a lesson asks for them.
    var pages: [Page] = []
    var questions: [Question] = []

    mutating func splitItems() {
      pages = []
      questions = []
      for item in items {
        switch item {
        case .page(let page): pages.append(page)
        case .question(let question): questions.append(question)
        }
      }
    }
  }

  private final class Box: Sendable {
    let fields: Fields
    init(_ fields: Fields) { self.fields = fields }
  }

  private var box: Box

  private mutating func change(_ body: (inout Fields) -> Void) {
    var fields = box.fields
    body(&fields)
    box = Box(fields)
  }

  public var id: String {
    get { box.fields.id }
    set { change { $0.id = newValue } }
  }
  public var title: String {
    get { box.fields.title }
    set { change { $0.title = newValue } }
  }
  public var summary: String {
    get { box.fields.summary }
    set { change { $0.summary = newValue } }
  }
  public var objectives: [String] {
    get { box.fields.objectives }
    set { change { $0.objectives = newValue } }
  }
  public var estimatedMinutes: Int {
    get { box.fields.estimatedMinutes }
    set { change { $0.estimatedMinutes = newValue } }
  }
  public var kind: Kind {
    get { box.fields.kind }
    set { change { $0.kind = newValue } }
  }
  /// Whether passing this lesson is needed to complete the course.
  public var required: Bool {
    get { box.fields.required }
    set { change { $0.required = newValue } }
  }
  /// The course policy with this lesson's overrides applied.
  public var policy: Policy {
    get { box.fields.policy }
    set { change { $0.policy = newValue } }
  }
  /// When set, each learner is asked this many questions drawn from the lesson's questions.
  public var draw: Int? {
    get { box.fields.draw }
    set { change { $0.draw = newValue } }
  }
  /// How many of the drawn questions must carry each tag, in the order the author wrote them.
  /// Empty: the draw is a plain seeded sample.
  public var blueprint: [BlueprintQuota] {
    get { box.fields.blueprint }
    set { change { $0.blueprint = newValue } }
  }
  /// Topic tags this lesson teaches; an assessment's questions name the ones they test in
  /// `assesses`, and lint checks that each is taught somewhere.
  public var teaches: [String] {
    get { box.fields.teaches }
    set { change { $0.teaches = newValue } }
  }
  public var items: [LessonItem] {
    get { box.fields.items }
    set {
      change {
        $0.items = newValue
        $0.splitItems()
      }
    }
  }
  /// Path of the Markdown file, as given to the loader.
  public var path: String {
    get { box.fields.path }
    set { change { $0.path = newValue } }
  }
  /// SHA-256 over the lesson's canonical content.
  public var digest: String {
    get { box.fields.digest }
    set { change { $0.digest = newValue } }
  }
  public var pages: [Page] { box.fields.pages }
  public var questions: [Question] { box.fields.questions }

  public init(
    id: String, title: String, summary: String, objectives: [String], estimatedMinutes: Int,
    kind: Kind, required: Bool, policy: Policy, draw: Int?, items: [LessonItem], path: String,
    digest: String, blueprint: [BlueprintQuota] = [], teaches: [String] = []
  ) {
    var fields = Fields(
      id: id, title: title, summary: summary, objectives: objectives, estimatedMinutes: estimatedMinutes,
      kind: kind, required: required, policy: policy, draw: draw, blueprint: blueprint, teaches: teaches,
      items: items, path: path, digest: digest)
    fields.splitItems()
    box = Box(fields)
  }

  public static func == (a: Lesson, b: Lesson) -> Bool { a.box === b.box || a.box.fields == b.box.fields }

  public func hash(into hasher: inout Hasher) { box.fields.hash(into: &hasher) }

  public func question(id: String) -> Question? { questions.first { $0.id == id } }
}

/// One line of an exam blueprint: draw at least `count` questions tagged `tag`.
public struct BlueprintQuota: Sendable, Hashable {
  public var tag: String
  public var count: Int

  public init(tag: String, count: Int) {
    self.tag = tag
    self.count = count
  }
}

/// A step of a lesson: a page to read or a question to answer.
public enum LessonItem: Sendable, Hashable {
  case page(Page)
  case question(Question)

  /// Stable id: the page's heading slug or the question's id.
  public var id: String {
    switch self {
    case .page(let page): page.id
    case .question(let question): question.id
    }
  }
}

/// A page of reading. Each `##` heading starts a new page.
public struct Page: Sendable, Hashable {
  /// Slug of the heading (or `introduction` for text before the first `##`).
  public var id: String
  public var title: String
  /// The page's Markdown source, heading included.
  public var markdown: String
  /// Line in the lesson file where the page starts.
  public var line: Int

  public init(id: String, title: String, markdown: String, line: Int) {
    self.id = id
    self.title = title
    self.markdown = markdown
    self.line = line
  }
}
