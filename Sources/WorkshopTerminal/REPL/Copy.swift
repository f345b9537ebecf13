#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

/// What the session says, kept together so it can be read and reviewed as prose.
package enum Copy {
  static let welcome = "Welcome to workshop."
  static let askName = "What shall I call you? Type your name and press Enter."
  static let whoIsLearning = "Who is learning today?"
  static let pickLearnerHint = "Type your number or your name, or new to add a learner."
  static func pickOnlyLearnerHint(_ name: String) -> String {
    "Press Enter to go on as \(name), or type new to add a learner."
  }
  static let menuPick = "Type a lesson number or id to open it, or press Enter to start with the first lesson not yet passed. Type help for all commands."
  static let pickLessonFirst = "Pick a lesson first: type its number or id."
  static let saved = "Your progress is saved. See you next time."
  static let progressSaved = "Your progress is saved."
  static let atStart = "This is the start of the lesson."
  static let confirmRestart = "Start this lesson over? Your earlier answers stay in your journal but no longer count. Type yes to start over, anything else to stay."
  static let confirmRestartKeepingBest = "Take this lesson again? Your best result so far is kept; the new attempt starts with nothing answered. Type yes to start over, anything else to stay."
  static let restartCancelled = "Staying where you are."
  static let readingOnly = "You are reading this lesson again, so answers are not taken and your result stays as it is. Type restart to take it again, or press Enter to go on."
  static let notAnsweredInReview = "You did not answer this question in your last attempt (or it has changed since). Press Enter to go on."
  static let restartToRetake = "Type restart to take it again."
  static let answerHeld = "Answer saved. You can change it until you submit the assessment."
  static let answerChanged = "Answer changed. You can change it until you submit the assessment."
  static let changeHeld = "Type another answer to change it, flag to mark it for a second look, or press Enter to go on."
  static let flaggedNote = "You flagged this question to look at again."
  static let flagSet = "Flagged: this question is listed before you submit, so you can come back to it."
  static let flagCleared = "Flag removed."
  static let flagOnlyInExam = "Flags are for exam questions, where answers can change until you submit."
  static let postponedInExam = "Left unanswered for now: it is listed before you submit, so you can come back to it."
  static let objectivesResultTitle = "What you showed of this lesson's objectives:"
  static let beforeSubmitTitle = "Before you submit"
  static let examHelp = "In this exam: flag marks a question to look at again; after the last question you can go back to any question by its number, then type submit to hand in your answers."

  static let restarted = "The lesson starts over."
  static let lessonOver = "This lesson is finished. Press Enter to go on, restart to take it again, or menu."
  static let noQuestionHere = "There is no question on this page. Press Enter to go on."
  static let alreadyAnswered = "This question is done. Press Enter to go on."
  static let noAttemptUsed = "(That did not use an attempt.)"
  package static let answerSaved = "Answer saved."
  static let pressEnter = "Press Enter to continue."
  static let pressEnterToFinish = "Press Enter to finish the lesson."
  static let hintsOff = "Hints are turned off for this lesson."
  static let noHints = "This question has no hints."
  static let noMoreHints = "That was the last hint."
  static let skipOff = "Skipping is turned off for this lesson: please give an answer."
  static let skipped = "Skipped. It scores no points; restart the lesson to try it again."
  static let postponed = "Left for later: this question comes back once before the lesson ends."
  static let skipAgainIsFinal = "Answer it now, or skip again to leave it unanswered (no points)."
  static let youSkipped = "You skipped this question."
  static let examHeld = "Your answer is submitted. Feedback comes at the end of the assessment."
  static let examNote = "Exam mode: no feedback until the end. You can go back and change your answers until you submit them."
  static let examResults = "Your answers"
  static let missedTitle = "Questions to look at again"
  static let questionWord = "Question"
  static let skippedWord = "skipped."
  static let lessonWord = "Lesson"
  static let assessmentWord = "Assessment"
  static let correct = "Correct."
  static let partial = "Partly right."
  static let wrong = "Not quite."
  static let matchLeft = "Match each of these:"
  static let matchRight = "with one of these:"
  static let helpTitle = "Commands (type the word on its own line, or with a colon in front, as in :hint):"
  static let answerRule = "Answers and commands: a line that is exactly a command word is a command. To give a command word as the answer to a free-text question, start it with =, as in =next. A leading = is always removed from answers."
  static let keys = "Keys: Tab completes commands, choice letters and lesson ids. Up and Down recall earlier lines. Ctrl-C clears the line. Ctrl-D on an empty line saves and leaves."
  static let lastLessonDone = "That was the last lesson of the course. Press Enter for the menu."
  static let revisitTitle = "Lessons to revisit before you try again (they teach what you missed):"
  static let objectivesTitle = "In this lesson you will learn to:"
  static let stillToPassTitle = "Still to pass for the course:"

  static func numberedLesson(_ number: Int, title: String, id: String) -> String {
    "\(number). \(title) (\(id))"
  }

  static let reviewTitle = "Review"
  static let reviewDone = "Review finished."
  static let reviewSkipped = "Skipped. The card stays due."
  static let notInReview = "Reviews go one card at a time: answer, skip, or type menu."
  static let pressEnterNextCard = "Press Enter for the next card."

  static func reviewIntro(due: Int, limit: Int, minutes: Int) -> String {
    let cards = due == 1 ? "1 card is" : "\(due) cards are"
    return "\(cards) due. The least well remembered come first; the session stops after \(limit) cards or \(minutes) minutes. Type menu to stop sooner."
  }

  static func nothingToReview(next: String?) -> String {
    guard let next else { return "No review cards yet: every question you answer in a lesson becomes one." }
    return "Nothing to review right now. The next card is due at \(next)."
  }

  static func nextReview(_ when: String) -> String { "This card comes back \(when)." }

  static func reviewSummary(answered: Int, remembered: Int) -> String {
    "You reviewed \(answered) card\(answered == 1 ? "" : "s") and remembered \(remembered)."
  }

  static func reviewLeft(_ count: Int) -> String {
    "\(count) card\(count == 1 ? " is" : "s are") still due: type review to go on."
  }

  static func reviewDue(_ count: Int) -> String {
    "\(count) review card\(count == 1 ? " is" : "s are") due today: type review to practise \(count == 1 ? "it" : "them")."
  }

  static func hello(_ name: String, returning: Bool) -> String {
    returning ? "Welcome back, \(name)." : "Hello, \(name)."
  }

  static func noLessons(_ root: String) -> String {
    "No courses found in '\(root)'. Point workshop at a lessons folder with --lessons DIR, or check it with workshop lint."
  }

  static func menuContinue(_ title: String) -> String {
    "Press Enter to continue \"\(title)\" where you left off, or type a lesson number or id. Type help for all commands."
  }

  static func noSuchLesson(_ text: String, count: Int) -> String {
    "There is no lesson '\(text)'. Type a number from 1 to \(count), a lesson id, or help."
  }

  package static func unknownCommand(_ word: String) -> String {
    "'\(word)' is not a command. Type help for the list."
  }

  static func answerFirst(skip: Bool, hint: Bool) -> String {
    switch (hint, skip) {
    case (true, true): "Type your answer first, or hint, or skip."
    case (true, false): "Type your answer first, or hint."
    case (false, true): "Type your answer first, or skip."
    case (false, false): "Type your answer first."
    }
  }

  static func answerWithCommandWord(_ word: String) -> String {
    "If your answer is the word \(word), type =\(word)."
  }

  static func readingAgain(_ status: String) -> String {
    "You have finished this lesson (\(status)). You are reading it again: your answers are shown as you gave them, and nothing here changes your result."
  }

  static func readingDone(_ title: String) -> String { "End of your reading of \(title)." }

  /// `retakes`: retakes still allowed now, the next one included.
  static func retakesLeftAfter(_ retakes: Int) -> String {
    retakes == 1 ? "You may take it once more." : "You may take it \(retakes) more times."
  }

  static func retakeUses(left: Int) -> String {
    left == 0 ? "This is your last attempt at it." : "After this attempt you may take it \(left) more time\(left == 1 ? "" : "s")."
  }

  static func noRetakesLeft(_ attempts: Int) -> String {
    "You have used all \(attempts) attempts the course allows at this assessment, so it cannot be taken again. Your best result counts."
  }

  static func retakeNotBefore(_ when: String) -> String {
    "You can take it again from \(when). Until then, revisit the lessons it covers."
  }

  /// A moment for the learner: UTC to the minute, as `2026-12-01 14:05 UTC`.
  static func moment(_ date: Date) -> String {
    let iso = Timestamp.format(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded(.up)))
    return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(5)) + " UTC"
  }

  static func objectiveWord(_ standing: ObjectiveResult.Standing) -> String {
    switch standing {
    case .shown: "Shown"
    case .notYet: "Not shown yet"
    case .notChecked: "Not checked"
    }
  }

  static func objectiveNote(_ standing: ObjectiveResult.Standing, missed: [Int]) -> String {
    switch standing {
    case .shown: return ""
    case .notChecked: return " (no question in this attempt checks it)"
    case .notYet:
      guard !missed.isEmpty else { return "" }
      return " (look again at question\(missed.count == 1 ? "" : "s") \(numberList(missed)))"
    }
  }

  static func partCredit(earned: Double, of points: Double) -> String {
    "It earns \(number(earned)) of \(number(points)) point\(points == 1 ? "" : "s"): later attempts and hints earn less."
  }

  static func yourAnswerSoFar(_ text: String) -> String { "Your answer so far: \(text)" }

  static func answeredCount(_ answered: Int, of total: Int) -> String {
    "You have answered \(answered) of \(total) question\(total == 1 ? "" : "s")."
  }

  static func numberList(_ numbers: [Int]) -> String {
    let words = numbers.map(String.init)
    guard words.count > 1 else { return words.first ?? "" }
    return words.dropLast().joined(separator: ", ") + " and " + words.last!
  }

  static func unansweredList(_ numbers: [Int]) -> String {
    (numbers.count == 1 ? "No answer yet: question " : "No answer yet: questions ") + numberList(numbers)
      + ". If you submit now, \(numbers.count == 1 ? "it scores" : "they score") no points."
  }

  static func flaggedList(_ numbers: [Int]) -> String {
    (numbers.count == 1 ? "Flagged to look at again: question " : "Flagged to look at again: questions ")
      + numberList(numbers) + "."
  }

  static func submitInstruction(_ count: Int) -> String {
    "Type a question number (1 to \(count)) to go back to it, or submit to hand in your answers. Once submitted, answers cannot be changed."
  }

  static func noSuchQuestion(_ n: Int, count: Int) -> String {
    "There is no question \(n): type a number from 1 to \(count), or submit."
  }

  static func resumedStanding(attempts: Int, of total: Int, hints: Int) -> String {
    var parts: [String] = []
    if attempts > 0 {
      let left = total - attempts
      parts.append("you have used \(attempts) of \(total) attempts" + (left == 1 ? ", so the next is your last" : ""))
    }
    if hints > 0 { parts.append("you have seen \(hints) hint\(hints == 1 ? "" : "s")") }
    let text = parts.joined(separator: " and ")
    return text.prefix(1).uppercased() + text.dropFirst() + " on this question."
  }

  static func resuming(_ position: String) -> String { "Picking up where you left off: \(position)." }

  static func stillOpen(_ n: Int) -> String {
    n == 1 ? "One question still needs an answer before the lesson ends." : "\(n) questions still need an answer before the lesson ends."
  }

  static func tryAgain(attempt: Int, of total: Int, hint: Bool) -> String {
    "Try again: attempt \(attempt) of \(total)." + (hint ? " Type hint for a hint." : "")
  }

  static func rightAnswer(_ text: String) -> String { "The right answer: \(text)" }
  static func previewDraw(_ draw: Int, of pool: Int) -> String {
    "Each learner is asked \(draw) of these \(pool) questions, drawn for them."
  }
  package static func youAnswered(_ text: String) -> String { "Your answer: \(text)" }
  static let yourOrder = "Your order:"
  static let rightOrder = "The right order:"
  static let yourMatches = "Your matches:"
  static let rightMatches = "The right matches:"

  static func hintLabel(_ n: Int, of total: Int) -> String { "Hint \(n) of \(total):" }

  static func hintCostBefore(_ cost: Double) -> String {
    "A hint costs \(percent(cost)) of this question's points."
  }

  static func hintCost(_ cost: Double) -> String {
    "Each hint takes \(percent(cost)) of this question's points."
  }

  /// A displayed choice's letter, upper case; the engine's `Presentation.letter` is the rule.
  package static func letter(_ display: Int) -> String { Presentation.letter(display).uppercased() }

  static func kindWords(_ kind: Question.Kind) -> String {
    switch kind {
    case .single: "Choose one answer."
    case .multiple: "Select all that apply."
    case .truefalse: "True or false."
    case .short: "Short answer."
    case .numeric: "Numeric answer."
    case .ordering: "Put these in order."
    case .matching: "Match the pairs."
    }
  }

  package static func instruction(_ kind: Question.Kind) -> String {
    switch kind {
    case .single: "Type the letter of your answer."
    case .multiple: "Type the letters of every choice that applies, for example a c."
    case .truefalse: "Type true or false (or t or f)."
    case .short: "Type your answer."
    case .numeric: "Type a number."
    case .ordering: "Type the item numbers in the right order, for example 3 1 2."
    case .matching: "Type each letter with its number, for example a-2 b-1."
    }
  }

  package static func outcomeWord(_ outcome: Grade.Outcome) -> String {
    switch outcome {
    case .correct: "correct."
    case .partial: "partly right."
    case .wrong: "not right."
    }
  }

  /// A lesson passed before and taken again keeps its best result beside the new attempt.
  static func status(_ state: LessonState?) -> String {
    guard let state else { return status(.notStarted) }
    if case .inProgress = state.status, state.everPassed, let best = state.bestScore {
      return status(.passed(score: best)) + "; new attempt " + status(state.status)
    }
    return status(state.status)
  }

  static func status(_ status: LessonState.Status) -> String {
    switch status {
    case .notStarted: "not started"
    case .inProgress(let answered, let total): "in progress, \(answered) of \(total) answered"
    case .passed(let score): "passed, \(percent(score))"
    case .notPassed(let score): "not passed, \(percent(score))"
    }
  }

  static func minutes(_ n: Int) -> String { n == 1 ? "about 1 minute" : "about \(n) minutes" }
  static func minutesSentence(_ n: Int) -> String { "A" + minutes(n).dropFirst() }

  static func courseProgress(passed: Int, total: Int, completed: Bool) -> String {
    "\(passed) of \(total) lessons passed" + (completed ? "; course completed." : ".")
  }

  static func lessonDone(_ title: String, assessment: Bool = false) -> String {
    (assessment ? "End of assessment: " : "End of lesson: ") + title
  }

  static func score(earned: Double, total: Double, share: Double) -> String {
    "Score: \(number(earned)) of \(number(total)) points (\(percent(share)))."
  }

  static func passLine(passed: Bool, mark: Double) -> String {
    passed ? "Passed (the pass mark is \(percent(mark)))." : "Not passed yet (the pass mark is \(percent(mark)))."
  }

  static func timeTaken(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    if s < 60 { return "Time: \(s) seconds." }
    let m = s / 60
    return "Time: \(m) min \(s % 60) s."
  }

  static func whatNext(number: Int, of total: Int, title: String, minutes: Int) -> String {
    "Next: lesson \(number) of \(total), \"\(title)\" (\(self.minutes(minutes))). Press Enter to start it, restart to take this lesson again, or menu."
  }

  static func courseDone(_ title: String) -> String { "Course completed: \(title)" }

  static let exportPointer = "Well done. For a certificate to print or share, run:"
  /// The command in pieces that are never split across lines (an option stays with its value).
  static func exportCommand(courseID: String, learner: String) -> [String] {
    ["workshop export", "--learner \(learner)", "--course \(courseID)", "--format html",
     "--out certificate.html"]
  }

  package static func percent(_ share: Double) -> String { "\(Int((share * 100).rounded()))%" }

  package static func number(_ v: Double) -> String {
    if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
    return String((v * 100).rounded() / 100)
  }
}

extension Copy {
  static let noProfile = "That learner has no profile any more. Pick again, or type new."
}
