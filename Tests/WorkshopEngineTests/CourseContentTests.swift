import Foundation
import Testing
import WorkshopEngine

/// The bundled course is part of the product: these tests hold it to the rules in the content brief,
/// so that a careless edit to a lesson fails CI instead of reaching learners.
enum BundledCourse {
  static let id = "open-innovation-principles"

  /// Located from this file so the tests work from any working directory.
  static let root: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // WorkshopEngineTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()  // package root
    .appendingPathComponent("lessons")
    .appendingPathComponent(id)
    .path

  static let files = [
    "00-welcome.md", "01-openness-and-access.md", "02-selection-and-choice.md",
    "03-safety-and-security.md", "04-privacy-and-transparency.md",
    "05-economy-and-development.md", "06-societal-impact.md",
    "07-putting-principles-into-practice.md", "08-final-assessment.md",
  ]
  static let lessonIDs = [
    "welcome", "openness-and-access", "selection-and-choice", "safety-and-security",
    "privacy-and-transparency", "economy-and-development", "societal-impact",
    "principles-in-practice", "final-assessment",
  ]
  /// Lessons 1–7: the ones the per-lesson rules apply to.
  static let coreLessonIDs = Array(lessonIDs[1...7])
  static let assessmentID = "final-assessment"

  /// Phrases that non-native readers may not understand; the brief bans them.
  static let idioms = [
    "tip of the iceberg", "ballpark", "low-hanging fruit", "low hanging fruit", "silver bullet",
    "at the end of the day", "game changer", "game-changer", "move the needle", "no-brainer",
    "ducks in a row", "boil the ocean", "think outside the box", "piece of cake",
    "in a nutshell", "hit the ground running", "level playing field", "back to square one",
    "the whole nine yards", "ahead of the curve", "rule of thumb", "a drop in the bucket",
    "bite the bullet", "cut corners", "on the same page", "wake-up call", "deep dive",
  ]

  static let loaded = LessonLoader.load(root: root)

  static func course() throws -> Course {
    try #require(
      loaded.library.course(id: id),
      "course did not load: \(loaded.diagnostics.map(\.description).joined(separator: "\n"))")
  }

  static func lesson(_ lessonID: String) throws -> Lesson {
    try #require(try course().lesson(id: lessonID), "lesson \(lessonID) is missing")
  }

  /// Words a reader reads: tokens with at least one letter or digit (Markdown markers do not count).
  /// Question blocks are skipped in case a page's Markdown keeps them: they are not reading.
  static func wordCount(_ markdown: String) -> Int {
    var inQuestion = false
    var words = 0
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if inQuestion {
        if trimmed.hasPrefix("```") { inQuestion = false }
        continue
      }
      if trimmed.hasPrefix("```question") {
        inQuestion = true
        continue
      }
      words += line.split(whereSeparator: \.isWhitespace)
        .filter { $0.contains { $0.isLetter || $0.isNumber } }
        .count
    }
    return words
  }

  static func normalizedPrompt(_ text: String) -> String {
    text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
  }

  static func isBlank(_ text: String?) -> Bool {
    (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
  }
}

@Suite("Bundled course content")
struct CourseContentTests {
  @Test func courseLoadsWithoutDiagnostics() throws {
    let diagnostics = BundledCourse.loaded.diagnostics
    #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description).joined(separator: "\n"))")
    _ = try BundledCourse.course()
  }

  @Test func lintIsClean() {
    let diagnostics = Linter.lint(root: BundledCourse.root)
    let errors = diagnostics.filter { $0.severity == .error }
    let warnings = diagnostics.filter { $0.severity == .warning }
    #expect(errors.isEmpty, "\(errors.map(\.description).joined(separator: "\n"))")
    #expect(warnings.isEmpty, "\(warnings.map(\.description).joined(separator: "\n"))")
  }

  @Test func manifestListsAllLessonsInOrder() throws {
    let manifest = try String(
      contentsOfFile: BundledCourse.root + "/course.yaml", encoding: .utf8)
    var searchFrom = manifest.startIndex
    for file in BundledCourse.files {
      let found = manifest.range(of: file, range: searchFrom..<manifest.endIndex)
      #expect(found != nil, "course.yaml does not list \(file) after the lessons before it")
      if let found { searchFrom = found.upperBound }
    }

    let course = try BundledCourse.course()
    #expect(course.title == "Open Innovation Principles for AI")
    #expect(course.language == "en")
    #expect(course.lessons.map(\.id) == BundledCourse.lessonIDs)
    #expect(
      course.lessons.map { URL(fileURLWithPath: $0.path).lastPathComponent } == BundledCourse.files)
    #expect(course.lessons.first?.required == false, "the welcome lesson is optional")
    #expect(course.lessons.dropFirst().allSatisfy { $0.required })
    #expect(course.lessons.last?.kind == .assessment)
    #expect(course.lessons.dropLast().allSatisfy { $0.kind == .lesson })

    let policy = course.policy
    #expect(policy.mode == .learn)
    #expect(policy.attempts == 2)
    #expect(policy.creditPerAttempt == [1.0, 0.5])
    #expect(policy.hintCost == 0.1)
    #expect(policy.hintsAllowed && policy.skipAllowed && policy.shuffle)
    #expect(policy.passMark == 0.7)
  }

  @Test func welcomeIsShortAndLight() throws {
    let lesson = try BundledCourse.lesson("welcome")
    #expect((2...3).contains(lesson.pages.count))
    #expect((2...4).contains(lesson.questions.count))
    for page in lesson.pages {
      #expect(BundledCourse.wordCount(page.markdown) <= 300, "page \(page.id) is too long")
    }
  }

  @Test(arguments: BundledCourse.coreLessonIDs)
  func lessonReadingFollowsTheBrief(lessonID: String) throws {
    let lesson = try BundledCourse.lesson(lessonID)
    let pages = lesson.pages
    #expect((3...6).contains(pages.count), "\(lessonID) has \(pages.count) pages")
    var words = 0
    for page in pages {
      let count = BundledCourse.wordCount(page.markdown)
      words += count
      #expect(count <= 300, "\(lessonID)/\(page.id) has \(count) words")
    }
    guard case .page(let last)? = lesson.items.last else {
      Issue.record("\(lessonID) must end with its Further reading page")
      return
    }
    #expect(last.title == "Further reading", "\(lessonID) ends with \(last.title)")
    #expect(last.markdown.contains("https://"), "\(lessonID): Further reading cites no URL")

    // About one minute per 150 words of reading plus one per question.
    let estimate = Double(words) / 150 + Double(lesson.questions.count)
    let slack = max(3, estimate * 0.3)
    #expect(
      abs(Double(lesson.estimatedMinutes) - estimate) <= slack,
      "\(lessonID): minutes \(lesson.estimatedMinutes), content suggests about \(Int(estimate))")
  }

  @Test(arguments: BundledCourse.coreLessonIDs)
  func lessonQuestionsFollowTheBrief(lessonID: String) throws {
    let lesson = try BundledCourse.lesson(lessonID)
    let questions = lesson.questions
    #expect((6...10).contains(questions.count), "\(lessonID) has \(questions.count) questions")
    let kinds = Set(questions.map(\.kind))
    #expect(kinds.count >= 3, "\(lessonID) uses only \(kinds.map(\.rawValue).sorted())")
    let scenarios = questions.filter { $0.tags.contains("scenario") }.count
    #expect(scenarios * 2 >= questions.count, "\(lessonID): \(scenarios) scenarios")

    for question in questions {
      let where_ = "\(lessonID)/\(question.id)"
      #expect(!BundledCourse.isBlank(question.explanation), "\(where_) has no explanation")
      checkFeedback(question, where_)
      switch question.kind {
      case .multiple, .ordering, .matching, .short:
        #expect(question.hints.count >= 2, "\(where_) needs two graduated hints")
      default:
        break
      }
      if question.kind == .short || question.kind == .numeric {
        let examples = question.examples
        #expect((examples?.accept.count ?? 0) >= 2, "\(where_) needs accepted examples")
        #expect((examples?.reject.count ?? 0) >= 2, "\(where_) needs rejected examples")
      }
    }
  }

  @Test func assessmentIsAnExamWithALargePool() throws {
    let course = try BundledCourse.course()
    let exam = try BundledCourse.lesson(BundledCourse.assessmentID)
    #expect(exam.kind == .assessment)
    #expect(exam.policy.mode == .exam)
    #expect(exam.policy.attempts == 1)
    #expect(exam.policy.effectiveAttempts == 1)
    #expect(exam.policy.passMark == 0.8)
    #expect(!exam.policy.hintsAllowed)
    #expect(!exam.policy.skipAllowed)
    #expect(exam.draw == 20)
    #expect(exam.questions.count >= 40, "pool has \(exam.questions.count) questions")

    let taught = course.lessons.filter { $0.kind == .lesson }.flatMap(\.questions)
    let taughtIDs = Set(taught.map(\.id))
    let taughtPrompts = Set(taught.map { BundledCourse.normalizedPrompt($0.prompt) })
    for question in exam.questions {
      #expect(!taughtIDs.contains(question.id), "\(question.id) reuses a lesson question id")
      #expect(
        !taughtPrompts.contains(BundledCourse.normalizedPrompt(question.prompt)),
        "\(question.id) copies a lesson question's prompt")
      #expect(!BundledCourse.isBlank(question.explanation), "\(question.id) has no explanation")
      checkFeedback(question, "\(BundledCourse.assessmentID)/\(question.id)")
    }
  }

  @Test func noIdiomsAnywhere() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: BundledCourse.root)
      .filter { $0.hasSuffix(".md") || $0.hasSuffix(".yaml") }
    #expect(names.count >= BundledCourse.files.count + 1)
    for name in names {
      let text = try String(contentsOfFile: BundledCourse.root + "/" + name, encoding: .utf8)
      let flat = text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
      for idiom in BundledCourse.idioms where flat.contains(idiom) {
        Issue.record("\(name) uses the idiom \"\(idiom)\"")
      }
    }
  }

  private func checkFeedback(_ question: Question, _ where_: String) {
    switch question.body {
    case .single(let choices), .multiple(let choices):
      for choice in choices where !choice.correct {
        #expect(!BundledCourse.isBlank(choice.feedback), "\(where_): no feedback for \(choice.text)")
      }
    case .trueFalse(_, let feedbackTrue, let feedbackFalse):
      #expect(!BundledCourse.isBlank(feedbackTrue), "\(where_): no feedback for true")
      #expect(!BundledCourse.isBlank(feedbackFalse), "\(where_): no feedback for false")
    default:
      break
    }
  }
}

/// The answer key and the exam as a test-wise learner meets them: what a guesser could score
/// without knowing the subject, and whether every draw is fair to every principle.
@Suite("Bundled course assessment design")
struct CourseAssessmentDesignTests {
  /// The blueprint tags of the six headings of the principles.
  static let principleTags = ["openness", "choice", "safety", "privacy", "economy", "societal"]

  /// The principles' text, kept next to the repository (as in CI); nil in a checkout without it.
  static let seedText: String? = {
    let path = URL(fileURLWithPath: BundledCourse.root)
      .deletingLastPathComponent()  // lessons
      .deletingLastPathComponent()  // package root
      .deletingLastPathComponent()  // the folder that holds the repository
      .appendingPathComponent("shared/seed/open-innovation-principles.txt").path
    return try? String(contentsOfFile: path, encoding: .utf8)
  }()

  static func trueShare(_ questions: [Question]) -> (keyedTrue: Int, total: Int) {
    var keyedTrue = 0
    var total = 0
    for question in questions {
      if case .trueFalse(let answer, _, _) = question.body {
        total += 1
        if answer { keyedTrue += 1 }
      }
    }
    return (keyedTrue, total)
  }

  static func expectBalanced(_ questions: [Question], _ what: String) {
    let (keyedTrue, total) = trueShare(questions)
    guard total >= 6 else { return }
    let share = Double(keyedTrue) / Double(total)
    #expect((0.35...0.65).contains(share), "\(what): \(keyedTrue) of \(total) true/false keys are true")
  }

  @Test func trueFalseKeysAreBalanced() throws {
    let course = try BundledCourse.course()
    let lessons = course.lessons.filter { $0.kind == .lesson }
    for lesson in course.lessons { Self.expectBalanced(lesson.questions, lesson.id) }
    Self.expectBalanced(lessons.flatMap(\.questions), "lessons together")
    let exam = try BundledCourse.lesson(BundledCourse.assessmentID)
    let (_, poolTotal) = Self.trueShare(exam.questions)
    #expect(poolTotal >= 6, "the pool's balance is only measured from six true/false items")
    let (_, lessonsTotal) = Self.trueShare(lessons.flatMap(\.questions))
    #expect(lessonsTotal >= 6)
  }

  @Test func keyedChoiceDoesNotStandOutByLength() throws {
    for lesson in try BundledCourse.course().lessons {
      var singles = 0
      var keyedLongest = 0
      for question in lesson.questions {
        guard case .single(let choices) = question.body,
          let keyed = choices.first(where: \.correct)
        else { continue }
        let keyedLength = keyed.text.trimmingCharacters(in: .whitespacesAndNewlines).count
        let others = choices.filter { !$0.correct }
          .map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines).count }
        let longestOther = others.max() ?? 0
        singles += 1
        if keyedLength > longestOther { keyedLongest += 1 }
        #expect(
          Double(keyedLength) <= 1.5 * Double(longestOther),
          "\(lesson.id)/\(question.id): keyed choice \(keyedLength) characters, next \(longestOther)")
      }
      #expect(
        keyedLongest * 2 <= singles,
        "\(lesson.id): the keyed choice is the longest in \(keyedLongest) of \(singles) questions")
    }
  }

  @Test func poolCoversEveryPrincipleEvenly() throws {
    let exam = try BundledCourse.lesson(BundledCourse.assessmentID)
    for question in exam.questions {
      let principles = question.tags.filter(Self.principleTags.contains)
      #expect(principles.count == 1, "\(question.id) has principle tags \(principles)")
    }
    for tag in Self.principleTags {
      let pool = exam.questions.filter { $0.tags.contains(tag) }.count
      #expect(pool >= 8, "the pool has \(pool) '\(tag)' questions")
    }
  }

  /// A quotation shares a run of three words with the principles when it reads as their words;
  /// such a quotation must then be their exact words.
  @Test(.enabled(if: seedText != nil, "needs ../shared/seed/open-innovation-principles.txt"))
  func quotationsOfThePrinciplesAreExact() throws {
    let seedWords = Self.words(try #require(Self.seedText))
    let seedLine = " " + seedWords.joined(separator: " ") + " "
    let seedTriples = Self.triples(seedWords)
    var checked = 0
    for lesson in try BundledCourse.course().lessons {
      for text in Self.texts(of: lesson) {
        for quotation in Self.quotations(in: text) {
          let words = Self.words(quotation)
          guard words.count >= 3 else { continue }
          guard !Self.triples(words).isDisjoint(with: seedTriples) else { continue }
          checked += 1
          #expect(
            seedLine.contains(" " + words.joined(separator: " ") + " "),
            "\(lesson.id): \"\(quotation)\" is not the principles' exact wording")
        }
      }
    }
    #expect(checked >= 20, "only \(checked) quotations of the principles were found")
  }

  static func words(_ text: String) -> [String] {
    text.lowercased()
      .split { !($0.isLetter || $0.isNumber || $0 == "'") }
      .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "'")) }
      .filter { !$0.isEmpty }
  }

  /// Every run of three consecutive words.
  static func triples(_ words: [String]) -> Set<String> {
    Set(words.indices.dropLast(2).map { words[$0...($0 + 2)].joined(separator: " ") })
  }

  static func quotations(in text: String) -> [String] {
    var found: [String] = []
    var current: String?
    for character in text {
      if character == "\"" || character == "\u{201C}" || character == "\u{201D}" {
        if let open = current {
          found.append(open)
          current = nil
        } else {
          current = ""
        }
      } else if current != nil {
        current?.append(character)
      }
    }
    return found
  }

  /// Every text a learner reads in a lesson: pages, prompts, choices, feedback, hints.
  static func texts(of lesson: Lesson) -> [String] {
    var texts: [String] = []
    for item in lesson.items {
      switch item {
      case .page(let page):
        texts.append(page.markdown)
      case .question(let question):
        texts.append(question.prompt)
        texts.append(question.explanation)
        texts += question.hints
        switch question.body {
        case .single(let choices), .multiple(let choices):
          for choice in choices { texts += [choice.text, choice.feedback ?? ""] }
        case .trueFalse(_, let feedbackTrue, let feedbackFalse):
          texts += [feedbackTrue ?? "", feedbackFalse ?? ""]
        default:
          break
        }
      }
    }
    return texts
  }
}

@Suite struct BundledNextStepsTests {
  @Test("a failed final assessment points each missed principle at the lesson that teaches it")
  func missedPrinciplesPointAtTheirLessons() throws {
    let course = try BundledCourse.course()
    let assessment = try BundledCourse.lesson(BundledCourse.assessmentID)
    let missed = assessment.questions.filter { $0.tags.contains("openness") || $0.tags.contains("privacy") }
    #expect(!missed.isEmpty)
    let state = ProgressDeriver.state(of: course, summary: JournalSummary())
    let steps = NextSteps(course: course, finished: assessment, passed: false, missed: missed, state: state)
    #expect(steps.toRevisit.map(\.lesson.id) == ["openness-and-access", "privacy-and-transparency"])
    #expect(steps.nextLesson == nil)
    #expect(steps.stillToPass.map(\.lesson.id) == Array(BundledCourse.coreLessonIDs))
  }
}
