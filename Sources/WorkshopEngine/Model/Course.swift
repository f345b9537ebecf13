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

  public var id: String
  public var title: String
  public var summary: String
  public var objectives: [String]
  public var estimatedMinutes: Int
  public var kind: Kind
  /// Whether passing this lesson is needed to complete the course.
  public var required: Bool
  /// The course policy with this lesson's overrides applied.
  public var policy: Policy
  /// When set, each learner is asked this many questions drawn from the lesson's questions.
  public var draw: Int?
  /// How many of the drawn questions must carry each tag, in the order the author wrote them.
  /// Empty: the draw is a plain seeded sample.
  public var blueprint: [BlueprintQuota]
  /// Topic tags this lesson teaches; an assessment's questions name the ones they test in
  /// `assesses`, and lint checks that each is taught somewhere.
  public var teaches: [String]
  public var items: [LessonItem]
  /// Path of the Markdown file, as given to the loader.
  public var path: String
  /// SHA-256 over the lesson's canonical content.
  public var digest: String

  public init(
    id: String, title: String, summary: String, objectives: [String], estimatedMinutes: Int,
    kind: Kind, required: Bool, policy: Policy, draw: Int?, items: [LessonItem], path: String,
    digest: String, blueprint: [BlueprintQuota] = [], teaches: [String] = []
  ) {
    self.id = id
    self.title = title
    self.summary = summary
    self.objectives = objectives
    self.estimatedMinutes = estimatedMinutes
    self.kind = kind
    self.required = required
    self.policy = policy
    self.draw = draw
    self.blueprint = blueprint
    self.teaches = teaches
    self.items = items
    self.path = path
    self.digest = digest
  }

  public var pages: [Page] { items.compactMap { if case .page(let p) = $0 { p } else { nil } } }
  public var questions: [Question] {
    items.compactMap { if case .question(let q) = $0 { q } else { nil } }
  }
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
