import Foundation
import Testing
import WorkshopEngine
import WorkshopTestSupport

/// Where the test fixtures are: the copied resource bundle, else next to this file.
enum Fixtures {
  static let root: String = {
    if let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) { return url.path }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures").path
  }()

  static func broken(_ name: String) -> String { root + "/broken/" + name }
  static var valid: String { root + "/valid" }

  static let packageRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

  /// The repository's own lessons folder.
  static var lessons: String { packageRoot + "/lessons" }
}

/// A throwaway folder that tests fill with files.
struct TemporaryFolder: ~Copyable {
  let path: String

  init() throws {
    path = TestScratch.path("engine")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }

  func write(_ name: String, _ text: String) throws {
    let file = path + "/" + name
    try FileManager.default.createDirectory(
      atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: file))
  }

  func write(_ name: String, bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path + "/" + name))
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A course folder with one lesson holding `questionYAML` as its only question.
func oneQuestionCourse(_ folder: borrowing TemporaryFolder, _ questionYAML: String) throws {
  try folder.write("course.yaml", "id: temp\ntitle: Temp\nlessons: [01-lesson.md]\n")
  try folder.write(
    "01-lesson.md", "---\nid: lesson\ntitle: Lesson\n---\n\n```question\n\(questionYAML)```\n")
}

@Suite struct LoadingTests {
  let library: LessonLibrary
  let diagnostics: [Diagnostic]

  init() {
    (library, diagnostics) = LessonLoader.load(root: Fixtures.valid)
  }

  @Test func validCourseLoadsWithoutDiagnostics() throws {
    #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))")
    let course = try #require(library.course(id: "sample-course"))
    #expect(course.title == "Sample Course")
    #expect(course.version == "2.1.0")
    #expect(course.description == "A course used by the loader's tests.")
    #expect(course.lessons.map(\.id) == ["intro", "basics", "final"])
    #expect(course.lessons.map(\.kind) == [.lesson, .lesson, .assessment])
    #expect(course.lessons.map(\.required) == [false, true, true])
    #expect(course.requiredLessons.map(\.id) == ["basics", "final"])
    #expect(course.directory == Fixtures.valid + "/sample-course")
  }

  @Test func policiesInheritAndOverride() throws {
    let course = try #require(library.course(id: "sample-course"))
    #expect(course.policy.attempts == 3)
    #expect(course.policy.creditPerAttempt == [1.0, 0.5, 0.25])
    #expect(course.policy.passMark == 0.8)
    let basics = try #require(course.lesson(id: "basics"))
    #expect(basics.policy.passMark == 0.5)
    #expect(basics.policy.shuffle == false)
    #expect(basics.policy.attempts == 3)
    #expect(basics.policy.mode == .learn)
    let final = try #require(course.lesson(id: "final"))
    #expect(final.policy.mode == .exam)
    #expect(final.draw == 1)
  }

  @Test func pagesSplitOnLevelTwoHeadings() throws {
    let (_, intro) = try #require(library.lesson(id: "intro"))
    #expect(intro.pages.map(\.id) == ["introduction", "first-steps", "cafe-creme-deja-vu"])
    #expect(intro.pages.map(\.title) == ["Introduction", "First steps", "Café & Crème: déjà vu!"])
    #expect(intro.pages[0].markdown == "Welcome text before any heading.")
    #expect(intro.pages[0].line == 9)
    #expect(intro.pages[1].markdown == "## First steps\n\nRead this.")
    #expect(intro.pages[1].line == 11)
    #expect(intro.questions.isEmpty)
    #expect(intro.summary == "Nothing but reading.")
  }

  @Test func questionBlocksEndTheirPage() throws {
    let (_, basics) = try #require(library.lesson(id: "basics"))
    #expect(
      basics.items.map(\.id) == [
        "choosing", "pick-one", "choosing-2", "pick-many", "other-types", "is-it-true", "type-it",
        "how-many", "in-range", "put-in-order", "match-up",
      ])
    #expect(basics.pages[0].markdown == "## Choosing\n\nText before the first question.")
    #expect(basics.pages[1].markdown == "Text after the first question, on the same page.")
    #expect(basics.pages[1].title == "Choosing")
    #expect(basics.estimatedMinutes == 7)
    #expect(basics.objectives == ["Answer questions."])
  }

  @Test func questionsDecodeEveryType() throws {
    let (_, basics) = try #require(library.lesson(id: "basics"))
    let single = try #require(basics.question(id: "pick-one"))
    #expect(single.line == 17)
    #expect(single.hints == ["Not that one."])
    #expect(single.tags == ["scenario"])
    #expect(
      single.body
        == .single([
          .init(text: "This one", correct: true, feedback: "Yes."),
          .init(text: "That one", correct: false, feedback: "No."),
        ]))
    #expect(basics.question(id: "pick-many")?.points == 2)
    #expect(
      basics.question(id: "is-it-true")?.body
        == .trueFalse(answer: true, feedbackTrue: "Yes.", feedbackFalse: "It is true."))
    let short = try #require(basics.question(id: "type-it"))
    #expect(
      short.body
        == .shortAnswer(
          .init(
            accepted: ["it", "the thing"], pattern: "i+t",
            wrongAnswers: [.init(answer: "that", feedback: "Not that.")],
            otherwiseFeedback: "Try again.")))
    #expect(short.examples == .init(accept: ["IT", "  it  ", "iiit"], reject: ["that"]))
    #expect(
      basics.question(id: "how-many")?.body
        == .numeric(.init(rule: .tolerance(value: 42, tolerance: 0.5))))
    #expect(basics.question(id: "in-range")?.body == .numeric(.init(rule: .range(min: 1, max: 5))))
    #expect(
      basics.question(id: "put-in-order")?.body == .ordering(items: ["first", "second", "third"]))
    #expect(
      basics.question(id: "match-up")?.body
        == .matching(pairs: [.init(left: "one", right: "1"), .init(left: "two", right: "2")]))
  }

  @Test func digestsAreHexAndDistinct() throws {
    let course = try #require(library.courses.first)
    var all = [course.digest]
    for lesson in course.lessons {
      all.append(lesson.digest)
      all += lesson.questions.map(\.digest)
    }
    #expect(all.allSatisfy { $0.count == 64 && $0.allSatisfy(\.isHexDigit) })
    #expect(Set(all).count == all.count)
    for lesson in course.lessons {
      #expect(lesson.digest == Digests.lesson(lesson))
      for question in lesson.questions { #expect(question.digest == Digests.question(question)) }
    }
    #expect(course.digest == Digests.course(course))
    // Loading again gives the same digests.
    let again = LessonLoader.load(root: Fixtures.valid).library.courses.first
    #expect(again?.digest == course.digest)
  }

  @Test func canonicalFormOfAQuestion() {
    let question = Question(
      id: "q", prompt: "Say \"hi\"\n", points: 1,
      body: .single([.init(text: "A", correct: true), .init(text: "B", correct: false, feedback: "No")]),
      explanation: "Because", hints: ["h"], tags: [], line: 99)
    #expect(
      Digests.canonicalJSON(question)
        == #"{"choices":[{"correct":true,"text":"A"},{"correct":false,"feedback":"No","text":"B"}],"#
        + #""explanation":"Because","hints":["h"],"id":"q","points":1,"prompt":"Say \"hi\"\n","#
        + #""tags":[],"type":"single"}"#)
    var moved = question
    moved.line = 5
    #expect(Digests.question(moved) == Digests.question(question))
  }

  @Test func courseFolderAndLessonsFolderBothLoad() {
    let fromCourse = LessonLoader.load(root: Fixtures.valid + "/sample-course")
    #expect(fromCourse.diagnostics.isEmpty)
    #expect(fromCourse.library.courses.map(\.id) == ["sample-course"])
    #expect(fromCourse.library.courses.first?.digest == library.courses.first?.digest)
  }

  @Test func reformattedYAMLKeepsTheDigest() throws {
    let block = """
      id: q
      type: short
      prompt: |
        Name it.
      answers: [Ed25519, ed 25519]
      explanation: It is Ed25519.
      hints:
        - A curve.

      """
    let reformatted = """
      # Same question, written differently.
      explanation: "It is Ed25519."
      answers:
        - 'Ed25519'
        - "ed 25519"
      hints: [A curve.]
      prompt: "Name it.\\n"
      type: short
      id: q
      examples: {accept: [ed25519]}

      """
    let changed = block.replacingOccurrences(of: "Name it.", with: "Name the curve.")
    var digests: [String] = []
    for text in [block, reformatted, changed] {
      let folder = try TemporaryFolder()
      try oneQuestionCourse(folder, text)
      let (library, diagnostics) = LessonLoader.load(root: folder.path)
      #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))")
      digests.append(try #require(library.courses.first?.lessons.first?.questions.first?.digest))
    }
    #expect(digests[0] == digests[1])
    #expect(digests[0] != digests[2])
  }

  @Test func coursesWithErrorsAreLeftOut() {
    let (library, diagnostics) = LessonLoader.load(root: Fixtures.broken("single-two-correct"))
    #expect(library.courses.isEmpty)
    #expect(diagnostics.errorCount == 1)
  }

  @Test func missingRootIsADiagnostic() {
    let (library, diagnostics) = LessonLoader.load(root: "/nonexistent/lessons")
    #expect(library.courses.isEmpty)
    #expect(diagnostics.map(\.description) == ["/nonexistent/lessons:1:1: error: no such folder"])
  }

  @Test func diagnosticDescriptionFormat() {
    let diagnostic = Diagnostic(
      severity: .warning, path: "a/b.md", line: 3, column: 7, message: "something")
    #expect(diagnostic.description == "a/b.md:3:7: warning: something")
  }
}
