#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Exam mode, as in a quiz with navigation: an answer is held (journaled as answer-held, so a
/// crash loses nothing) and can be changed until the learner submits the attempt; only then
/// is each held answer graded and recorded, once, as answer-submitted. Until then the learner
/// may go back to any question, flag some to look at again, and is shown the unanswered ones.
extension LessonAttempt {
  public var holdsAnswers: Bool { policy.mode == .exam && !isReview }

  /// Answered for the purpose of moving on: done, or holding an exam answer.
  public func isAnswered(_ q: Question) -> Bool { isDone(q) || standing(q).held != nil }

  /// 1-based numbers, in the order asked, of the questions with no answer yet.
  public var unansweredNumbers: [Int] {
    questions.enumerated().filter { !isAnswered($0.element) }.map { $0.offset + 1 }
  }

  public var flaggedNumbers: [Int] {
    questions.enumerated().filter { flagged.contains($0.element.id) }.map { $0.offset + 1 }
  }

  mutating func hold(_ text: String, raw: String, for q: Question, presentation p: Presentation) -> AnswerStep {
    var standing = standing(q)
    if standing.isDone(policy: policy) { return .alreadyDone }
    let response: Response
    switch ResponseParser.parse(text, for: q, presentation: p) {
    case .failure(let error): return .unreadable(message: error.message)
    case .success(let r): response = r
    }
    let replaced = standing.held != nil
    let seconds = max(0, clock().timeIntervalSince(shownAt)) + (standing.heldSeconds ?? 0)
    shownAt = clock()
    standing.held = response
    standing.heldRaw = raw
    standing.heldSeconds = (seconds * 1000).rounded() / 1000
    standings[q.id] = standing
    var e = event(.answerHeld, question: q)
    e.raw = raw
    e.response = response
    e.seconds = standing.heldSeconds
    var journaling = Journaling()
    journaling.append(e)
    return .held(question: q, replaced: replaced, journaling: journaling)
  }

  public enum FlagStep: Sendable, Hashable {
    case notAQuestion
    /// Flags are for exam mode, where answers can still change.
    case notAnExam
    case flagged(Bool)
  }

  /// Flags the current question to come back to before submitting, or clears its flag.
  public mutating func toggleFlag() -> FlagStep {
    guard holdsAnswers else { return .notAnExam }
    guard case .question(let q) = current else { return .notAQuestion }
    if flagged.remove(q.id) == nil {
      flagged.insert(q.id)
      return .flagged(true)
    }
    return .flagged(false)
  }

  /// Goes to question `number` (1-based, in the order asked); nil when there is none.
  public mutating func goToQuestion(_ number: Int) -> ShowStep? {
    var seen = 0
    for (i, item) in items.enumerated() {
      guard case .question = item else { continue }
      seen += 1
      if seen == number {
        index = i
        return show()
      }
    }
    return nil
  }

  /// Hands in an exam attempt: each held answer is graded and recorded, a question with no
  /// answer is recorded as skipped, and the attempt is scored.
  public mutating func submit(seconds: Double) -> FinishStep {
    guard holdsAnswers else { return finish(seconds: seconds) }
    var journaling = Journaling()
    for q in questions where !isDone(q) {
      let standing = standing(q)
      if let held = standing.held {
        let graded = QuestionStep.grade(held, to: q, standing: standing, policy: policy)
        var e = event(.answerSubmitted, question: q)
        e.raw = standing.heldRaw
        e.response = held
        e.outcome = graded.grade.outcome
        e.credit = graded.grade.credit
        e.earned = graded.earned
        e.attempt = graded.attempt
        e.seconds = standing.heldSeconds
        standings[q.id] = graded.standing
        journaling.append(e)
      } else {
        var after = standing
        after.recordSkip()
        standings[q.id] = after
        journaling.append(event(.questionSkipped, question: q))
      }
    }
    flagged = []
    return complete(seconds: seconds, journaling: journaling)
  }
}
