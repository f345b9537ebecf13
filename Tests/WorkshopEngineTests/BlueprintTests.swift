import Foundation
import Testing

@testable import WorkshopEngine

/// An assessment lesson whose questions carry the given tags.
private func pool(_ tags: [[String]], blueprint: [BlueprintQuota], draw: Int) -> Lesson {
  let items: [LessonItem] = tags.enumerated().map { index, tags in
    .question(
      Question(
        id: "q\(index)", prompt: "?", body: .trueFalse(answer: true, feedbackTrue: nil, feedbackFalse: nil),
        explanation: "e", tags: tags))
  }
  return Lesson(
    id: "final", title: "Final", summary: "", objectives: [], estimatedMinutes: 5, kind: .assessment,
    required: true, policy: .default, draw: draw, items: items, path: "final.md", digest: "",
    blueprint: blueprint)
}

/// Whether the drawn questions can fill every quota with each question counted once
/// (a bipartite matching of quota slots to questions, found by augmenting paths).
private func satisfies(_ drawn: [String], _ lesson: Lesson) -> Bool {
  let slots = lesson.blueprint.flatMap { Array(repeating: $0.tag, count: $0.count) }
  let questions = drawn.compactMap { lesson.question(id: $0) }
  var owner = Array(repeating: -1, count: questions.count)
  func place(_ slot: Int, _ seen: inout [Bool]) -> Bool {
    for q in questions.indices where !seen[q] && questions[q].tags.contains(slots[slot]) {
      seen[q] = true
      if owner[q] < 0 || place(owner[q], &seen) {
        owner[q] = slot
        return true
      }
    }
    return false
  }
  for slot in slots.indices {
    var seen = Array(repeating: false, count: questions.count)
    if !place(slot, &seen) { return false }
  }
  return true
}

@Suite struct BlueprintDrawTests {
  let principles = ["openness", "choice", "safety"]

  private func principlePool() -> Lesson {
    // Four per principle, every second one also a scenario.
    let tags = (0..<12).map { i in [principles[i % 3]] + (i % 2 == 0 ? ["scenario"] : []) }
    return pool(
      tags,
      // Scenario first: quotas are filled in the order written, so the narrower tag is served
      // before the principle quotas can use up its questions.
      blueprint: [BlueprintQuota(tag: "scenario", count: 2)] + principles.map { BlueprintQuota(tag: $0, count: 2) },
      draw: 9)
  }

  @Test func everyLearnersDrawMeetsTheBlueprint() {
    let lesson = principlePool()
    #expect(BlueprintFeasibility.shortfalls(lesson.blueprint, questions: lesson.questions).isEmpty)
    for learner in 0..<200 {
      let draw = AssessmentDraw.draw(from: lesson, count: 9, learner: "l\(learner)", courseID: "c", attempt: 1)
      #expect(draw.questionIDs.count == 9)
      #expect(Set(draw.questionIDs).count == 9)
      #expect(satisfies(draw.questionIDs, lesson), "\(draw.questionIDs)")
    }
  }

  @Test func theDrawIsSeededAndRepeatable() {
    let lesson = principlePool()
    let a = AssessmentDraw.draw(from: lesson, count: 9, learner: "ana", courseID: "c", attempt: 1)
    let b = AssessmentDraw.draw(from: lesson, count: 9, learner: "ana", courseID: "c", attempt: 1)
    let c = AssessmentDraw.draw(from: lesson, count: 9, learner: "ana", courseID: "c", attempt: 2)
    #expect(a.questionIDs == b.questionIDs)
    #expect(a.seed == Shuffler.seed("ana", "c", "final", "1"))
    #expect(a.questionIDs != c.questionIDs)
  }

  /// Packs without a blueprint keep the draw they always had, so journaled draws stay meaningful.
  @Test func withoutABlueprintTheDrawIsThePlainSeededSample() {
    let lesson = pool((0..<15).map { ["t\($0 % 4)"] }, blueprint: [], draw: 6)
    let draw = AssessmentDraw.draw(from: lesson, count: 6, learner: "ana", courseID: "c", attempt: 1)
    var ids = lesson.questions.map(\.id)
    var rng = SplitMix64(seed: Shuffler.seed("ana", "c", "final", "1"))
    rng.shuffle(&ids)
    #expect(draw.questionIDs == Array(ids.prefix(6)))
  }

  /// Whenever lint's proof passes, no learner's draw falls short: random pools and blueprints,
  /// many learners each.
  @Test func theFeasibilityProofIsSound() {
    var rng = SplitMix64(seed: 42)
    var proved = 0
    for _ in 0..<150 {
      let tagNames = ["a", "b", "c"]
      let tags = (0..<(4 + rng.next(below: 8))).map { _ in tagNames.filter { _ in rng.next(below: 3) == 0 } }
      let blueprint = tagNames.shuffled(using: &rng).prefix(1 + rng.next(below: 3)).map {
        BlueprintQuota(tag: $0, count: 1 + rng.next(below: 3))
      }
      let total = blueprint.reduce(0) { $0 + $1.count }
      let lesson = pool(tags, blueprint: blueprint, draw: total)
      guard BlueprintFeasibility.shortfalls(blueprint, questions: lesson.questions).isEmpty else { continue }
      proved += 1
      for learner in 0..<30 {
        let draw = AssessmentDraw.draw(from: lesson, count: total, learner: "l\(learner)", courseID: "c", attempt: 1)
        #expect(satisfies(draw.questionIDs, lesson), "\(tags) \(blueprint) \(draw.questionIDs)")
      }
    }
    #expect(proved > 20)
  }

  @Test func sharedQuestionsAreCountedOnce() {
    // Two questions tagged both a and b, one tagged b only: {a: 2, b: 2} can leave b one short.
    let blueprint = [BlueprintQuota(tag: "a", count: 2), BlueprintQuota(tag: "b", count: 2)]
    let lesson = pool([["a", "b"], ["a", "b"], ["b"]], blueprint: blueprint, draw: 4)
    let shortfalls = BlueprintFeasibility.shortfalls(blueprint, questions: lesson.questions)
    #expect(shortfalls.map(\.quota) == [1])
    #expect(shortfalls.first?.message.contains("each question counts once") == true)
  }
}

@Suite struct BlueprintLoadingTests {
  private func exam(front: String, tags: [String]) -> String {
    var text = "---\nid: exam\ntitle: Exam\n\(front)---\n\n## Exam\n\nGo.\n"
    for (index, tag) in tags.enumerated() {
      text += "\n```question\nid: q\(index)\ntype: truefalse\nprompt: Is it?\nanswer: \(index % 2 == 0)\nexplanation: Because.\nfeedback: {true: \"a\", false: \"b\"}\ntags: [\(tag)]\nassesses: [\(tag)]\n```\n"
    }
    return text
  }

  private func course(_ folder: borrowing TemporaryFolder, front: String, tags: [String]) throws {
    try folder.write("course.yaml", "id: temp\ntitle: Temp\nlessons: [01-lesson.md]\nassessment: 02-exam.md\n")
    try folder.write(
      "01-lesson.md",
      "---\nid: lesson\ntitle: Lesson\nteaches: [safety, privacy]\n---\n\n## Page\n\nText.\n")
    try folder.write("02-exam.md", exam(front: front, tags: tags))
  }

  @Test func blueprintTeachesAndAssessesAreRead() throws {
    let folder = try TemporaryFolder()
    try course(folder, front: "blueprint:\n  safety: 2\n  privacy: 1\n", tags: ["safety", "privacy", "safety", "privacy"])
    let (library, diagnostics) = LessonLoader.load(root: folder.path)
    #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))")
    let course = try #require(library.courses.first)
    let exam = try #require(course.lesson(id: "exam"))
    #expect(exam.blueprint == [BlueprintQuota(tag: "safety", count: 2), BlueprintQuota(tag: "privacy", count: 1)])
    #expect(exam.draw == 3, "without 'draw', a blueprint draws the sum of its counts")
    #expect(course.lesson(id: "lesson")?.teaches == ["safety", "privacy"])
    #expect(exam.questions.first?.assesses == ["safety"])
  }

  @Test func aBlueprintThatCannotBeMetIsAnError() throws {
    let folder = try TemporaryFolder()
    try course(folder, front: "draw: 3\nblueprint: {safety: 2, privacy: 2}\n", tags: ["safety", "privacy", "safety"])
    let messages = Linter.lint(root: folder.path).map { "\($0.line):\($0.column) \($0.severity.rawValue) \($0.message)" }
    #expect(messages.contains { $0.hasPrefix("4:7 error 'draw' is 3 but the blueprint asks for 4 questions") }, "\(messages)")
    #expect(
      messages.contains { $0.hasPrefix("5:33 error the blueprint asks for 2 'privacy' questions but only 1 has that tag") },
      "\(messages)")
  }

  @Test func aBlueprintWithoutQuestionsForATagIsAnError() throws {
    let folder = try TemporaryFolder()
    try course(folder, front: "blueprint: {ethics: 1}\n", tags: ["safety"])
    let diagnostics = Linter.lint(root: folder.path)
    #expect(diagnostics.contains { $0.severity == .error && $0.message.contains("no question has that tag") })
  }

  @Test func aBadBlueprintIsExplained() throws {
    let folder = try TemporaryFolder()
    try course(folder, front: "blueprint: [safety]\n", tags: ["safety"])
    let diagnostics = Linter.lint(root: folder.path)
    #expect(diagnostics.contains { $0.line == 4 && $0.message.contains("'blueprint' must be a mapping of tag to count") })
    let zero = try TemporaryFolder()
    try course(zero, front: "blueprint: {safety: 0}\n", tags: ["safety"])
    #expect(Linter.lint(root: zero.path).contains { $0.message.contains("blueprint count for 'safety' must be 1 or more") })
  }

  /// teaches and assesses are lint's notes: adding them leaves progress digests alone. A blueprint
  /// changes what learners are asked, so it is part of the lesson's digest.
  @Test func digestsCoverTheBlueprintOnly() throws {
    let plain = try TemporaryFolder()
    try plain.write("course.yaml", "id: temp\ntitle: Temp\nlessons: [01-lesson.md]\n")
    let question = "```question\nid: q1\ntype: truefalse\nprompt: Is it?\nanswer: true\nexplanation: Because.\nfeedback: {false: \"b\"}\n"
    try plain.write("01-lesson.md", "---\nid: lesson\ntitle: Lesson\n---\n\n\(question)tags: [a]\n```\n")
    let noted = try TemporaryFolder()
    try noted.write("course.yaml", "id: temp\ntitle: Temp\nlessons: [01-lesson.md]\n")
    try noted.write("01-lesson.md", "---\nid: lesson\ntitle: Lesson\nteaches: [a]\n---\n\n\(question)tags: [a]\nassesses: [a]\n```\n")
    let drawn = try TemporaryFolder()
    try drawn.write("course.yaml", "id: temp\ntitle: Temp\nlessons: [01-lesson.md]\n")
    try drawn.write("01-lesson.md", "---\nid: lesson\ntitle: Lesson\ndraw: 1\nblueprint: {a: 1}\n---\n\n\(question)tags: [a]\n```\n")
    let drawnOnly = try TemporaryFolder()
    try drawnOnly.write("course.yaml", "id: temp\ntitle: Temp\nlessons: [01-lesson.md]\n")
    try drawnOnly.write("01-lesson.md", "---\nid: lesson\ntitle: Lesson\ndraw: 1\n---\n\n\(question)tags: [a]\n```\n")
    func lesson(_ root: String) throws -> Lesson {
      let (library, diagnostics) = LessonLoader.load(root: root)
      #expect(diagnostics.isEmpty, "\(diagnostics.map(\.description))")
      return try #require(library.courses.first?.lessons.first)
    }
    let a = try lesson(plain.path)
    let b = try lesson(noted.path)
    #expect(a.digest == b.digest)
    #expect(a.questions[0].digest == b.questions[0].digest)
    #expect(try lesson(drawn.path).digest != lesson(drawnOnly.path).digest)
  }

  @Test func theLibraryCacheKeepsTheNewFields() throws {
    let folder = try TemporaryFolder()
    try course(folder, front: "blueprint: {safety: 1, privacy: 1}\n", tags: ["safety", "privacy"])
    let cacheFolder = try TemporaryFolder()
    let cache = cacheFolder.path + "/workshop"
    _ = LessonLoader.loadCached(root: folder.path, cacheDirectory: cache)
    let cached = try #require(LibraryCache.read(path: LibraryCache.file(for: folder.path, in: cache), root: folder.path))
    let fresh = LessonLoader.load(root: folder.path)
    #expect(cached.0.courses == fresh.library.courses)
    let exam = try #require(cached.0.courses.first?.lesson(id: "exam"))
    #expect(exam.blueprint.count == 2)
    #expect(exam.questions.first?.assesses == ["safety"])
    #expect(cached.0.courses.first?.lesson(id: "lesson")?.teaches == ["safety", "privacy"])
  }
}
