/// True/false keys that lean one way: a learner who always answers "false" should not pass. Judged
/// in each lesson, in an assessment's pool, and over a course's lessons together.
enum TrueFalseBalanceCheck {
  static let lowestTrueShare = 0.35
  static let highestTrueShare = 0.65
  /// Balance is only judged once there are this many true/false questions.
  static let minimumQuestions = 6

  static func run(_ lesson: Lesson, _ review: inout ItemWritingReview) {
    if let problem = imbalance(keys(of: lesson), in: lesson.kind == .assessment ? "this pool" : "this lesson") {
      review.warn(.trueFalseBalance, lesson.path, review.idSite(of: lesson), problem)
    }
  }

  /// A course whose lessons each have a few true/false questions can still lean one way overall.
  static func runOnCourse(_ review: inout ItemWritingReview) {
    let lessons = review.course.lessons.filter { $0.kind == .lesson }
    if !lessons.contains(where: { lesson in
      lesson.questions.count { $0.kind == .truefalse } >= minimumQuestions
    }), let problem = imbalance(lessons.flatMap(keys(of:)), in: "the course's lessons") {
      review.warn(.trueFalseBalance, review.manifestPath, SourceSite(line: 1, column: 1), problem)
    }
  }

  static func keys(of lesson: Lesson) -> [Bool] {
    lesson.questions.compactMap { question -> Bool? in
      if case .trueFalse(let answer, _, _) = question.body { answer } else { nil }
    }
  }

  static func imbalance(_ keys: [Bool], in scope: String) -> String? {
    guard keys.count >= minimumQuestions else { return nil }
    let trues = keys.count { $0 }
    let share = Double(trues) / Double(keys.count)
    guard share < lowestTrueShare || share > highestTrueShare else { return nil }
    return "\(trues) of the \(keys.count) true/false questions in \(scope) are keyed true (\(Int((share * 100).rounded()))%, outside \(Int(lowestTrueShare * 100))–\(Int(highestTrueShare * 100))%), so always answering '\(share < lowestTrueShare ? "false" : "true")' scores well; rewrite some as \(share < lowestTrueShare ? "true" : "false") statements the learner must confirm"
  }
}
