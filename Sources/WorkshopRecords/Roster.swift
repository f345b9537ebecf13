import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

/// One input to a roster: a record (read from a file or built from a progress folder) with its
/// verification, or the reason it could not be read.
public struct RosterEntry: Sendable {
  public enum Verification: Sendable, Hashable {
    /// Digest and internal consistency hold and every response re-scored as recorded.
    case valid
    /// Digest and consistency hold; the course was not in the lesson pack to re-score against.
    case validNotRescored
    /// Built just now from the learner's own journal.
    case fromJournal
    case tampered([String])
    case contentMismatch([String])
    /// Made by an older workshop (an earlier record schema): to be exported again.
    case outdated([String])
    case unreadable(String)

    /// Only these count in totals and statistics.
    public var counts: Bool {
      switch self {
      case .valid, .validNotRescored, .fromJournal: true
      default: false
      }
    }

    public var label: String {
      switch self {
      case .valid: "valid"
      case .validNotRescored: "valid (not re-scored)"
      case .fromJournal: "from journal"
      case .tampered: "TAMPERED"
      case .contentMismatch: "CONTENT MISMATCH"
      case .outdated: "OUTDATED"
      case .unreadable: "UNREADABLE"
      }
    }

    public var details: [String] {
      switch self {
      case .tampered(let d), .contentMismatch(let d), .outdated(let d): d
      case .unreadable(let d): [d]
      default: []
      }
    }
  }

  public var source: String
  public var record: CompletionRecord?
  public var verification: Verification

  public init(source: String, record: CompletionRecord?, verification: Verification) {
    self.source = source
    self.record = record
    self.verification = verification
  }

  /// Reads and verifies a record file's bytes.
  public static func fromRecordData(
    _ data: Data, source: String, library: LessonLibraryLookup?, grading: RecordGrading
  ) -> RosterEntry {
    let report: VerificationReport
    let record: CompletionRecord?
    var isRecord = true
    do {
      (report, record) = try RecordVerifier.verify(
        data: data, course: { library?.course($0) }, grading: grading, requireContent: false, isRecord: &isRecord)
    } catch {
      return RosterEntry(source: source, record: nil, verification: .unreadable(error.description))
    }
    guard isRecord else {
      return RosterEntry(source: source, record: nil, verification: .unreadable("not a workshop completion record"))
    }
    let verification: Verification
    switch report.status {
    case .tampered: verification = .tampered(report.tampered.map(\.description))
    case .contentMismatch: verification = .contentMismatch(report.contentChanges.map(\.description))
    case .outdated: verification = .outdated(report.outdated.map(\.description))
    case .valid: verification = report.rescored ? .valid : .validNotRescored
    }
    return RosterEntry(source: source, record: record, verification: verification)
  }
}

extension RosterEntry {
  /// Reads and verifies record files on every core: parsing, hashing and re-scoring dominate.
  public static func readRecords(_ files: [String], library: LessonLibraryLookup?, grading: RecordGrading) -> [RosterEntry] {
    let results = ResultSlots(count: files.count)
    let grading = grading.cached()
    DispatchQueue.concurrentPerform(iterations: files.count) { i in
      let entry: RosterEntry
      if let data = FileManager.default.contents(atPath: files[i]) {
        entry = RosterEntry.fromRecordData(data, source: files[i], library: library, grading: grading)
      } else {
        entry = RosterEntry(source: files[i], record: nil, verification: .unreadable("cannot read \(files[i])"))
      }
      results.set(i, entry)
    }
    return results.values
  }
}

/// Fixed slots filled from concurrent iterations; each index is written by exactly one of them.
private final class ResultSlots: @unchecked Sendable {
  private var slots: [RosterEntry?]
  private let lock = Lock()

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(_ i: Int, _ entry: RosterEntry) {
    lock.lock()
    slots[i] = entry
    lock.unlock()
  }

  var values: [RosterEntry] { slots.compactMap { $0 } }
}

/// Looks up current content by course id (a `LessonLibrary` in the CLI).
public struct LessonLibraryLookup: Sendable {
  public var course: @Sendable (String) -> Course?
  public init(course: @escaping @Sendable (String) -> Course?) { self.course = course }
}

/// Item statistics for one question across the counted records.
public struct ItemStatistics: Sendable, Hashable {
  public var courseID: String
  public var lessonID: String
  public var questionID: String
  public var type: String
  /// Learners whose counted attempt asked the question.
  public var asked: Int
  /// Learners who answered it (at least once).
  public var answered: Int
  /// Learners whose first answer was fully correct.
  public var correct: Int
  /// Classical difficulty: the mean proportion of the points the first answers earned (their
  /// credit), over the learners who answered; nil ("no data") when nobody did.
  public var difficulty: Double?
  /// Correlation between the first answer's credit and the learner's rest score (the
  /// point-biserial when every answer is fully right or wrong); nil when undefined.
  public var discrimination: Double?
  public var skipRate: Double?
  public var hintRate: Double?
  public var meanSeconds: Double?
  /// For choice questions: how many first answers picked each choice (canonical order).
  public var choiceCounts: [Int]?
  /// Which choices are right (canonical order), when known.
  public var rightChoices: [Bool]?
  public var choiceLabels: [String]?
  public var flags: [String]
  /// The question's text and its lesson's title, when the lesson pack has them.
  public var prompt: String? = nil
  public var lessonTitle: String? = nil

  public var key: String { "\(lessonID)/\(questionID)" }
}

public struct LearnerRow: Sendable, Hashable {
  public var source: String
  public var name: String
  public var learnerID: String
  public var courseID: String
  public var completion: String
  public var courseScore: Double?
  /// Lesson id → score of the best finished attempt.
  public var lessonScores: [String: Double]
  public var lessonStates: [String: String]
  public var seconds: Double
  public var verification: String
  public var details: [String]
  public var counted: Bool
}

public struct Roster: Sendable {
  public struct CourseSection: Sendable {
    public var courseID: String
    public var title: String
    public var lessonIDs: [String]
    public var learners: [LearnerRow]
    public var items: [ItemStatistics]
  }

  public var sections: [CourseSection]
  /// Inputs that could not be tied to a course at all.
  public var unreadable: [LearnerRow]
  public var minimumForFlags: Int

  /// Flags need a few answers before they mean anything.
  public static let defaultMinimumForFlags = 5

  public static func build(
    entries: [RosterEntry], library: LessonLibraryLookup?, pseudonymize: Bool = false,
    minimumForFlags: Int = defaultMinimumForFlags
  ) -> Roster {
    var byCourse: [String: [RosterEntry]] = [:]
    var order: [String] = []
    var unreadable: [LearnerRow] = []
    for (index, original) in entries.enumerated() {
      var e = original
      // File and folder names often carry the learner's name.
      if pseudonymize { e.source = "input \(index + 1)" }
      guard let r = e.record else {
        unreadable.append(
          LearnerRow(
            source: e.source, name: "?", learnerID: "?", courseID: "?", completion: "?", courseScore: nil,
            lessonScores: [:], lessonStates: [:], seconds: 0, verification: e.verification.label,
            details: e.verification.details, counted: false))
        continue
      }
      if byCourse[r.course.id] == nil { order.append(r.course.id) }
      byCourse[r.course.id, default: []].append(e)
    }
    var sections: [CourseSection] = []
    for courseID in order {
      let group = byCourse[courseID]!
      let content = library?.course(courseID)
      var lessonIDs = content?.lessons.map(\.id) ?? []
      for e in group { for l in e.record!.lessons where !lessonIDs.contains(l.id) { lessonIDs.append(l.id) } }
      let rows = group.map { learnerRow($0, pseudonymize: pseudonymize) }
      let counted = group.filter(\.verification.counts).map { $0.record! }
      sections.append(
        CourseSection(
          courseID: courseID, title: content?.title ?? group[0].record!.course.title, lessonIDs: lessonIDs,
          learners: rows, items: itemAnalysis(counted, course: content, minimumForFlags: minimumForFlags)))
    }
    return Roster(sections: sections, unreadable: unreadable, minimumForFlags: minimumForFlags)
  }

  static func learnerRow(_ e: RosterEntry, pseudonymize: Bool) -> LearnerRow {
    let r = e.record!
    let name =
      pseudonymize && !r.learner.pseudonymous ? LearnerIdentity.pseudonym(for: r.learner.id) : r.learner.name
    var scores: [String: Double] = [:]
    var states: [String: String] = [:]
    for l in r.lessons {
      if let s = l.score { scores[l.id] = s }
      states[l.id] = l.state.rawValue
    }
    let completion =
      r.outcome.completed ? "completed" : (r.outcome.decided ? "not passed" : (r.lessons.contains { !$0.attempts.isEmpty } ? "in progress" : "not started"))
    return LearnerRow(
      source: e.source, name: name, learnerID: r.learner.id, courseID: r.course.id, completion: completion,
      courseScore: r.outcome.score, lessonScores: scores, lessonStates: states, seconds: r.outcome.seconds,
      verification: e.verification.label, details: e.verification.details, counted: e.verification.counts)
  }

  // MARK: Item analysis

  struct Observation {
    var correct: Double
    var credit: Double
    var choices: [Int]?
    var hinted: Bool
    var seconds: Double
  }

  /// Item statistics over counted records; the live session's roster uses it too, so the
  /// statistics mean the same everywhere.
  public static func itemAnalysis(
    _ records: [CompletionRecord], course: Course?, minimumForFlags: Int = defaultMinimumForFlags
  ) -> [ItemStatistics] {
    // Per learner: first answers to each question of the counted attempts, and skips. Items
    // are numbered as they are met so the per-answer work is array indexing, not string keys.
    var itemIndex: [String: [String: Int]] = [:]
    var meta: [(lesson: String, question: String, type: String)] = []
    var asked: [Int] = []
    var skipped: [Int] = []
    var observations: [[(learner: Int, obs: Observation)]] = []
    var totals = [Double](repeating: 0, count: records.count)

    func item(_ lesson: String, _ question: String, type: @autoclosure () -> String) -> Int {
      if let i = itemIndex[lesson]?[question] { return i }
      let i = meta.count
      itemIndex[lesson, default: [:]][question] = i
      meta.append((lesson, question, type()))
      asked.append(0)
      skipped.append(0)
      observations.append([])
      return i
    }

    for (li, r) in records.enumerated() {
      for lesson in r.lessons {
        guard
          let attempt = lesson.bestAttempt.flatMap({ n in lesson.attempts.first { $0.number == n } })
            ?? lesson.attempts.last
        else { continue }
        for id in attempt.asked {
          asked[item(lesson.id, id, type: course?.lesson(id: lesson.id)?.question(id: id)?.kind.rawValue ?? "")] += 1
        }
        for id in attempt.skipped { skipped[item(lesson.id, id, type: "")] += 1 }
        var hinted = Set<String>()
        for resp in attempt.responses where resp.hints > 0 { hinted.insert(resp.question) }
        var firstSeen = Set<String>()
        for resp in attempt.responses where firstSeen.insert(resp.question).inserted {
          let i = item(lesson.id, resp.question, type: resp.type)
          if meta[i].type.isEmpty { meta[i].type = resp.type }
          var choices: [Int]?
          if case .choices(let picked) = resp.response { choices = picked }
          let obs = Observation(
            correct: resp.outcome == .correct ? 1 : 0, credit: resp.credit, choices: choices,
            hinted: hinted.contains(resp.question), seconds: resp.seconds)
          observations[i].append((li, obs))
          totals[li] += resp.credit
        }
      }
    }

    return meta.indices.map { i in
      let m = meta[i]
      let obs = observations[i]
      let n = obs.count
      let correct = obs.reduce(0) { $0 + Int($1.obs.correct) }
      let askedCount = max(asked[i], n)
      let question = course?.lesson(id: m.lesson)?.question(id: m.question)
      var stats = ItemStatistics(
        courseID: records.first?.course.id ?? "", lessonID: m.lesson, questionID: m.question, type: m.type,
        asked: askedCount, answered: n, correct: correct,
        difficulty: n > 0 ? obs.reduce(0) { $0 + $1.obs.credit } / Double(n) : nil,
        discrimination: itemRestCorrelation(obs.map { ($0.obs.credit, totals[$0.learner] - $0.obs.credit) }),
        skipRate: askedCount > 0 ? Double(skipped[i]) / Double(askedCount) : nil,
        hintRate: n > 0 ? Double(obs.filter(\.obs.hinted).count) / Double(n) : nil,
        meanSeconds: n > 0 ? obs.reduce(0) { $0 + $1.obs.seconds } / Double(n) : nil,
        choiceCounts: nil, rightChoices: nil, choiceLabels: nil, flags: [],
        prompt: question?.prompt, lessonTitle: course?.lesson(id: m.lesson)?.title)
      // Choice distribution, for the types whose responses are choices.
      var optionCount: Int?
      switch question?.body {
      case .single(let choices), .multiple(let choices):
        optionCount = choices.count
        stats.rightChoices = choices.map(\.correct)
        stats.choiceLabels = choices.map(\.text)
      case .trueFalse(let answer, _, _):
        optionCount = 2
        stats.rightChoices = [answer, !answer]
        stats.choiceLabels = ["True", "False"]
      default:
        if ["single", "multiple", "truefalse"].contains(m.type) {
          optionCount = (obs.compactMap { $0.obs.choices?.max() }.max() ?? -1) + 1
          if m.type == "truefalse" { optionCount = 2 }
        }
      }
      if let count = optionCount, count > 0 {
        var counts = [Int](repeating: 0, count: count)
        for o in obs { for c in o.obs.choices ?? [] where c >= 0 && c < count { counts[c] += 1 } }
        stats.choiceCounts = counts
      }
      stats.flags = flags(stats, minimum: minimumForFlags)
      return stats
    }
  }

  /// Pearson's r between item scores (credit, 0…1) and rest scores. With items scored 0 or 1
  /// this is the point-biserial r_pb = (M1 − M0) / s · √(p·q). nil with fewer than two pairs or
  /// when either side does not vary (everybody, or nobody, right).
  static func itemRestCorrelation(_ pairs: [(item: Double, rest: Double)]) -> Double? {
    guard pairs.count >= 2 else { return nil }
    let n = Double(pairs.count)
    let meanItem = pairs.reduce(0) { $0 + $1.item } / n
    let meanRest = pairs.reduce(0) { $0 + $1.rest } / n
    var covariance = 0.0
    var itemVariance = 0.0
    var restVariance = 0.0
    for (item, rest) in pairs {
      covariance += (item - meanItem) * (rest - meanRest)
      itemVariance += (item - meanItem) * (item - meanItem)
      restVariance += (rest - meanRest) * (rest - meanRest)
    }
    guard itemVariance > 1e-12, restVariance > 1e-12 else { return nil }
    return covariance / (itemVariance * restVariance).squareRoot()
  }

  static func flags(_ s: ItemStatistics, minimum: Int) -> [String] {
    guard s.answered >= minimum else { return [] }
    var out: [String] = []
    if let d = s.discrimination, d < 0 { out.append("negative discrimination") }
    if let counts = s.choiceCounts, let right = s.rightChoices, right.count == counts.count {
      let letters = counts.indices.map(Presentation.letter)
      for i in counts.indices where !right[i] && counts[i] == 0 {
        out.append("distractor \(letters[i].uppercased()) never picked")
      }
      let rightCounts = counts.indices.filter { right[$0] }.map { counts[$0] }
      if let leastRight = rightCounts.min() {
        for i in counts.indices where !right[i] && counts[i] > leastRight {
          out.append("wrong choice \(letters[i].uppercased()) picked more often than the right answer")
        }
      }
    }
    return out
  }
}
