/// The item-writing checks `workshop lint` runs on every pack: questions that a test-wise learner
/// could answer without knowing the subject, an exam that tests what no lesson teaches, and
/// quotations that are not the quoted source's words. Each is a warning (an error with
/// `--strict`) whose message ends with the check's name in brackets, so that authors can look it
/// up in docs/lesson-format.md.
public enum ItemWritingCheck: String, CaseIterable, Sendable {
  case keyLength = "key-length"
  case trueFalseBalance = "true-false-balance"
  case catchAllChoice = "catch-all-choice"
  case nearDuplicateChoice = "near-duplicate-choice"
  case answerInText = "answer-in-text"
  case matchingOverlap = "matching-overlap"
  case untaughtTopic = "untaught-topic"
  case sourceQuotation = "source-quotation"

  /// The check that reported `diagnostic`, or nil when another part of lint did.
  public static func of(_ diagnostic: Diagnostic) -> ItemWritingCheck? {
    guard diagnostic.message.hasSuffix("]"),
      let open = diagnostic.message.lastIndex(of: "[")
    else { return nil }
    let name = diagnostic.message[diagnostic.message.index(after: open)..<diagnostic.message.index(before: diagnostic.message.endIndex)]
    return ItemWritingCheck(rawValue: String(name))
  }
}

/// One course as lint sees it, and the warnings found in it so far.
struct ItemWritingReview {
  let course: Course
  let lessonSites: [String: LessonSites]
  /// course.yaml's `source`, when it names one.
  let source: (path: String, site: SourceSite)?
  let manifestPath: String
  private(set) var diagnostics: [Diagnostic] = []

  init(
    course: Course, sites: [String: LessonSites], source: (path: String, site: SourceSite)?,
    manifestPath: String
  ) {
    self.course = course
    self.lessonSites = sites
    self.source = source
    self.manifestPath = manifestPath
  }

  mutating func warn(_ check: ItemWritingCheck, _ path: String, _ site: SourceSite, _ message: String) {
    diagnostics.append(
      Diagnostic(
        severity: .warning, path: path, line: max(site.line, 1), column: max(site.column, 1),
        message: "\(message) [\(check.rawValue)]"))
  }

  func sites(of question: Question, in lesson: Lesson) -> QuestionSites {
    if let found = lessonSites[lesson.path]?.questions[question.id] { return found }
    let fence = SourceSite(line: question.line, column: 1)
    return QuestionSites(fence: fence)
  }

  func idSite(of lesson: Lesson) -> SourceSite {
    lessonSites[lesson.path]?.id ?? SourceSite(line: 1, column: 1)
  }
}

enum ItemWriting {
  /// Every item-writing check over one loaded course: the checks of each lesson on its own,
  /// lessons on all cores, then those that compare lessons.
  static func review(_ loaded: LessonLoader.LoadedCourse) -> [Diagnostic] {
    let context = ItemWritingReview(
      course: loaded.course, sites: loaded.sites, source: loaded.source,
      manifestPath: loaded.manifestPath)
    let source = SourceQuotationCheck.Source(loaded.source)
    let perLesson = LessonLoader.parallelMap(loaded.course.lessons) { lesson in
      var review = context
      KeyLengthCheck.run(lesson, &review)
      TrueFalseBalanceCheck.run(lesson, &review)
      CatchAllChoiceCheck.run(lesson, &review)
      NearDuplicateChoiceCheck.run(lesson, &review)
      AnswerInTextCheck.run(lesson, &review)
      MatchingOverlapCheck.run(lesson, &review)
      if let source { SourceQuotationCheck.run(lesson, source: source, &review) }
      return review.diagnostics
    }
    var review = context
    TrueFalseBalanceCheck.runOnCourse(&review)
    UntaughtTopicCheck.run(&review)
    return perLesson.flatMap { $0 } + review.diagnostics
  }
}

extension QuestionSites {
  /// Every part at the block's opening fence, for a question whose YAML was not recorded.
  init(fence: SourceSite) {
    self.fence = fence
    prompt = fence
    explanation = fence
  }
}
