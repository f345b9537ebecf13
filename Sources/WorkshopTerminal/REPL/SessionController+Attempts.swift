#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

/// Reading a finished lesson again, starting it over within the retake rules, and an exam's
/// flags and submission. The engine decides (`LessonOpening`, `RetakeRule`, `LessonAttempt`);
/// this only says it.
extension SessionController {
  /// Shows a finished attempt to read again: pages, and each question with the learner's own
  /// answer and its feedback. Nothing is journaled, so the lesson's result stays as it is.
  mutating func openForReading(
    course: Course, lesson: Lesson, number: Int, progress: LessonProgress, retake: RetakeRule.Decision,
    out: inout SessionOutput
  ) {
    var run = LessonRun(
      course: course, number: number,
      attempt: LessonAttempt(
        courseID: course.id, lesson: lesson, learner: learnerKey, drawn: progress.drawn,
        standings: progress.records, reviewing: true, clock: clock))
    run.retake = retake
    out.say(lessonHeader(run))
    out.say(wrapped(Copy.readingAgain(Copy.status(progress.state))))
    out.say(wrapped(retakeNote(retake, lesson: lesson)))
    out.blank()
    show(&run, out: &out, navigated: true)
    mode = .lesson(run)
  }

  /// What `restart` would do now, in words: for an assessment, how many retakes are left or
  /// when the next is allowed.
  func retakeNote(_ retake: RetakeRule.Decision, lesson: Lesson) -> String {
    switch retake {
    case .allowed(let left):
      guard let left else { return Copy.restartToRetake }
      return Copy.restartToRetake + " " + Copy.retakesLeftAfter(left + 1)
    case .noneLeft(let attempts):
      return Copy.noRetakesLeft(attempts)
    case .notBefore(let date):
      return Copy.retakeNotBefore(Copy.moment(date))
    }
  }

  /// `restart`: asks first, unless the retake rule refuses a new attempt now.
  mutating func askToRestart(_ run: inout LessonRun, out: inout SessionOutput) {
    let state = progress(course: run.course, lesson: run.lesson).state
    let decision = RetakeRule.newAttempt(at: run.lesson, state: state, now: clock())
    guard case .allowed(let left) = decision else {
      out.say(wrapped(retakeNote(decision, lesson: run.lesson)))
      return
    }
    run.confirmingRestart = true
    var ask = state.everPassed ? Copy.confirmRestartKeepingBest : Copy.confirmRestart
    if let left { ask += " " + Copy.retakeUses(left: left) }
    out.say(wrapped(ask))
  }

  mutating func flag(_ run: inout LessonRun, out: inout SessionOutput) {
    switch run.attempt.toggleFlag() {
    case .notAQuestion: out.say(Copy.noQuestionHere)
    case .notAnExam: out.say(wrapped(Copy.flagOnlyInExam))
    case .flagged(let on): out.say(wrapped(on ? Copy.flagSet : Copy.flagCleared))
    }
  }

  /// The line typed at "Before you submit". Returns false when it is an ordinary command for
  /// `lessonInput` (menu, quit, help, progress, repeat).
  mutating func submitInput(_ input: LineInput, line: String, run: inout LessonRun, out: inout SessionOutput)
    -> Bool
  {
    let word = line.trimmingWhitespace().lowercased()
    if word == "submit" || word == ":submit" {
      run.confirmingSubmit = false
      let step = run.attempt.submit(seconds: attemptSeconds(course: run.course, lesson: run.lesson))
      render(step, run: &run, out: &out)
      return true
    }
    if let n = Int(word) {
      if let step = run.attempt.goToQuestion(n) {
        run.confirmingSubmit = false
        render(step, run: run, out: &out)
      } else {
        out.say(wrapped(Copy.noSuchQuestion(n, count: run.questions.count)))
      }
      return true
    }
    switch input {
    case .command(.back):
      run.confirmingSubmit = false
      if let step = run.attempt.goToQuestion(run.questions.count) { render(step, run: run, out: &out) }
      return true
    case .command(.menu), .command(.quit), .command(.help), .command(.progress):
      return false
    case .command(.repeat), .empty, .command(.next):
      let step = run.attempt.finish(seconds: 0)
      render(step, run: &run, out: &out)
      return true
    default:
      out.say(wrapped(Copy.submitInstruction(run.questions.count)))
      return true
    }
  }
}
