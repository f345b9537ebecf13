#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

extension SessionController {
  var learnerKey: String { learner?.id.rawValue ?? "" }

  // MARK: - Opening

  /// Opens a lesson as the engine decides (`LessonOpening`): resumes the current attempt where
  /// it stopped, begins a new one, or shows a finished attempt again to read.
  mutating func openLesson(course: Course, lesson: Lesson, out: inout SessionOutput) {
    let progress = progress(course: course, lesson: lesson)
    let number = (course.lessons.firstIndex { $0.id == lesson.id } ?? 0) + 1
    let fresh: Bool
    switch LessonOpening.decide(lesson: lesson, state: progress.state, now: clock()) {
    case .review(let retake):
      openForReading(course: course, lesson: lesson, number: number, progress: progress, retake: retake, out: &out)
      return
    case .begin: fresh = true
    case .resume: fresh = false
    }
    if fresh {
      emit(
        &out,
        JournalEvent(
          at: self.now(), kind: .lessonStarted, course: course.id, lesson: lesson.id,
          lessonDigest: lesson.digest))
    }
    var drawn = fresh ? nil : progress.drawn
    if let count = lesson.draw, drawn == nil {
      let attempt = progress.attempt + (fresh ? 1 : 0)
      drawn = draw(
        course: course, lesson: lesson, count: count, attempt: attempt,
        seen: progress.drawnBefore(attempt: attempt), out: &out)
    }
    var run = LessonRun(
      course: course, number: number,
      attempt: LessonAttempt(
        courseID: course.id, lesson: lesson, learner: learnerKey, drawn: drawn,
        standings: fresh ? [:] : progress.records, clock: clock))

    out.say(lessonHeader(run))
    if fresh, !lesson.summary.isEmpty {
      out.say(wrapped(clean(lesson.summary, newlines: false), .italic))
    }
    if fresh, !lesson.objectives.isEmpty {
      out.blank()
      out.say(style(Copy.objectivesTitle, .bold))
      for objective in lesson.objectives { out.say(wrapped("- " + clean(objective, newlines: false), indent: 2)) }
    }
    if !fresh, progress.resumeItemID == nil, !run.questions.isEmpty,
      run.questions.allSatisfy({ run.attempt.isAnswered($0) })
    {
      // Every answer was saved but the lesson was never closed (the session stopped before the
      // last Enter): close it now, straight to the summary (or, in an exam, to submitting).
      out.blank()
      let step = run.attempt.finish(seconds: attemptSeconds(course: course, lesson: lesson))
      render(step, run: &run, out: &out)
      mode = .lesson(run)
      return
    }
    if !fresh {
      run.index = run.attempt.resumeIndex(at: progress.resumeItemID)
      out.say(wrapped(Copy.resuming(position(run, run.index))))
      if case .question(let q) = run.current, !run.isDone(q) {
        let standing = run.record(q)
        if standing.attempts > 0 || standing.hints > 0 {
          out.say(wrapped(Copy.resumedStanding(attempts: standing.attempts, of: run.policy.effectiveAttempts, hints: standing.hints)))
        }
      }
    }
    out.blank()
    show(&run, out: &out, navigated: true)
    mode = .lesson(run)
  }

  /// Assessment with `draw`: the same learner and attempt always get the same questions, and
  /// the draw is journaled so a resumed session asks exactly those.
  mutating func draw(
    course: Course, lesson: Lesson, count: Int, attempt: Int, seen: Set<String>, out: inout SessionOutput
  ) -> [String] {
    let result = AssessmentDraw.draw(
      from: lesson, count: count, learner: learnerKey, courseID: course.id, attempt: max(1, attempt),
      seen: seen)
    emit(
      &out,
      JournalEvent(
        at: now(), kind: .questionsDrawn, course: course.id, lesson: lesson.id,
        lessonDigest: lesson.digest, attempt: max(1, attempt), questions: result.questionIDs,
        seed: result.seed))
    return result.questionIDs
  }

  // MARK: - Input

  mutating func lessonInput(_ line: String, run: inout LessonRun, out: inout SessionOutput) {
    let input = LineInput.classify(line)
    if run.confirmingRestart {
      run.confirmingRestart = false
      let word = line.trimmingWhitespace().lowercased()
      if word == "yes" || word == "y" {
        restart(&run, out: &out)
      } else {
        out.say(Copy.restartCancelled)
      }
      return
    }
    if run.confirmingSubmit, submitInput(input, line: line, run: &run, out: &out) { return }
    if run.attempt.holdsAnswers, ExamWord.isFlag(line) {
      flag(&run, out: &out)
      return
    }
    if run.finished {
      afterLesson(input, line: line, run: &run, out: &out)
      return
    }
    // A command word typed at a free-text question may have been meant as the answer: a
    // refusal then names the escape. Enter alone is not a word and gets no note.
    run.typedCommandWord = nil
    if case .command(let command) = input, run.attempt.awaitsFreeText { run.typedCommandWord = command.rawValue }
    switch input {
    case .empty, .command(.next):
      advance(&run, out: &out)
    case .command(.back):
      if let step = run.attempt.back() {
        render(step, run: run, out: &out)
      } else {
        out.say(Copy.atStart)
      }
    case .command(.hint):
      hint(&run, out: &out)
    case .command(.skip):
      skip(&run, out: &out)
    case .command(.repeat):
      show(&run, out: &out, navigated: false)
    case .command(.menu):
      out.say(Copy.progressSaved)
      out.blank()
      mode = .menu
      showMenu(&out)
    case .command(.progress):
      showProgress(&out)
      // A question is shown again under the list, so the learner can answer it there.
      if case .question = run.current { show(&run, out: &out, navigated: false) }
    case .command(.restart):
      askToRestart(&run, out: &out)
    case .command(.help):
      showHelp(&out, inLesson: true)
      if run.attempt.holdsAnswers { out.say(wrapped(Copy.examHelp)) }
    case .command(.quit):
      quit(&out)
    case .unknownCommand(let word):
      out.say(Copy.unknownCommand(clean(word, newlines: false)))
    case .answer(let text):
      answer(text, raw: line, run: &run, out: &out)
    }
  }

  mutating func afterLesson(_ input: LineInput, line: String, run: inout LessonRun, out: inout SessionOutput) {
    switch input {
    case .empty, .command(.next):
      if let next = run.nextLesson {
        openLesson(course: run.course, lesson: next, out: &out)
      } else {
        mode = .menu
        showMenu(&out)
      }
    case .command(.restart):
      askToRestart(&run, out: &out)
    case .command(.back), .command(.hint), .command(.skip):
      out.say(Copy.lessonOver)
    case .command(.repeat):
      finishSummary(run, score: nil, out: &out)
    case .command(.progress):
      // The end of the lesson stays where it was: Enter, restart and menu still apply to it.
      showProgress(&out)
      out.say(wrapped(Copy.lessonOver))
    case .command(.help):
      showHelp(&out, inLesson: true)
    default:
      mode = .menu
      menuInput(line, &out)
    }
  }

  /// Active time in the current attempt, across sessions, as the journal measures it.
  func attemptSeconds(course: Course, lesson: Lesson) -> Double {
    progress(course: course, lesson: lesson).attemptSeconds
  }

  mutating func advance(_ run: inout LessonRun, out: inout SessionOutput) {
    let (course, lesson) = (run.course, run.lesson)
    let step = run.attempt.advance(seconds: attemptSeconds(course: course, lesson: lesson))
    render(step, run: &run, out: &out)
  }

  mutating func render(_ step: AdvanceStep, run: inout LessonRun, out: inout SessionOutput) {
    switch step {
    case .answerFirst(let skipAllowed, let hintLeft):
      out.say(wrapped(Copy.answerFirst(skip: skipAllowed, hint: hintLeft) + escapeNote(run)))
    case .shown(let shown):
      render(shown, run: run, out: &out)
    case .finished(let finish):
      render(finish, run: &run, out: &out)
    case .reviewEnded:
      run.finished = true
      out.say(wrapped(Copy.readingDone(clean(run.lesson.title, newlines: false)), .heading))
      if let retake = run.retake { out.say(wrapped(retakeNote(retake, lesson: run.lesson))) }
      if let next = run.nextLesson, let number = run.course.lessons.firstIndex(where: { $0.id == next.id }) {
        out.say(wrapped(Copy.whatNext(number: number + 1, of: run.lessonCount, title: clean(next.title, newlines: false), minutes: next.estimatedMinutes)))
      } else {
        out.say(wrapped(Copy.lastLessonDone))
      }
    }
  }

  mutating func restart(_ run: inout LessonRun, out: inout SessionOutput) {
    emit(
      &out,
      JournalEvent(
        at: now(), kind: .lessonRestarted, course: run.course.id, lesson: run.lesson.id,
        lessonDigest: run.lesson.digest))
    var drawn: [String]? = nil
    if let count = run.lesson.draw {
      let progress = progress(course: run.course, lesson: run.lesson)
      drawn = draw(
        course: run.course, lesson: run.lesson, count: count, attempt: max(1, progress.attempt),
        seen: progress.drawnBefore(attempt: progress.attempt), out: &out)
    }
    run.attempt.restart(drawn: drawn)
    run.finished = false
    run.confirmingSubmit = false
    run.retake = nil
    out.say(Copy.restarted)
    out.blank()
    show(&run, out: &out, navigated: true)
  }

  // MARK: - Questions

  mutating func answer(_ text: String, raw: String, run: inout LessonRun, out: inout SessionOutput) {
    let answer: LessonAttempt.GradedAnswer
    switch run.attempt.answer(text, raw: raw) {
    case .notAQuestion:
      out.say(Copy.noQuestionHere)
      return
    case .alreadyDone:
      out.say(Copy.alreadyAnswered)
      return
    case .reviewing:
      out.say(wrapped(Copy.readingOnly))
      return
    case .unreadable(let message):
      out.say(wrapped(clean(message, newlines: false) + " " + Copy.noAttemptUsed))
      return
    case .held(_, let replaced, let journaling):
      emit(&out, journaling)
      out.say(wrapped(replaced ? Copy.answerChanged : Copy.answerHeld))
      out.blank()
      advance(&run, out: &out)
      return
    case .graded(let graded):
      answer = graded
    }
    emit(&out, answer.journaling)
    let q = answer.question
    if run.isExam {
      out.say(Copy.answerSaved)
      out.blank()
      advance(&run, out: &out)
      return
    }
    out.say(verdict(answer.grade.outcome))
    if answer.grade.outcome == .correct, answer.earned < q.points - 1e-9 {
      out.say(wrapped(Copy.partCredit(earned: answer.earned, of: q.points)))
    }
    for (k, f) in answer.grade.feedback.enumerated() where !f.isEmpty {
      // Feedback on a choice names it by the letter the learner saw.
      if let about = answer.grade.feedbackChoices, about.indices.contains(k) {
        let letter = Copy.letter(answer.presentation.display(about[k]))
        out.say(markdown((theme.plain ? "Choice \(letter): " : "\(letter): ") + f))
      } else {
        out.say(markdown(f))
      }
    }
    if answer.done {
      if answer.grade.outcome != .correct {
        out.say(wrapped(Copy.rightAnswer(rightAnswer(q, answer.presentation))))
      }
      if !q.explanation.isEmpty {
        out.blank()
        out.say(markdown(q.explanation))
      }
      out.blank()
      out.say(footer(Copy.pressEnter))
    } else {
      out.say(wrapped(Copy.tryAgain(attempt: answer.attempt + 1, of: run.policy.effectiveAttempts, hint: answer.hintsLeft > 0)))
    }
  }

  /// After a refused command typed at a free-text question: how to give that word as the answer.
  func escapeNote(_ run: LessonRun) -> String {
    run.typedCommandWord.map { " " + Copy.answerWithCommandWord($0) } ?? ""
  }

  mutating func hint(_ run: inout LessonRun, out: inout SessionOutput) {
    switch run.attempt.hint() {
    case .notAQuestion: out.say(Copy.noQuestionHere)
    case .alreadyDone: out.say(Copy.alreadyAnswered)
    case .reviewing: out.say(wrapped(Copy.readingOnly))
    case .hintsOff: out.say(wrapped(Copy.hintsOff + escapeNote(run)))
    case .noHints: out.say(wrapped(Copy.noHints + escapeNote(run)))
    case .noMoreHints: out.say(wrapped(Copy.noMoreHints + escapeNote(run)))
    case .shown(let text, let number, let count, let cost, let journaling):
      emit(&out, journaling)
      out.say(style(Copy.hintLabel(number, of: count), .accent))
      out.say(markdown(text))
      // The cost is told before the first hint (under the question) and once with it, not
      // after every hint.
      if cost > 0, number == 1 {
        out.say(footer(Copy.hintCost(cost)))
      }
    }
  }

  mutating func skip(_ run: inout LessonRun, out: inout SessionOutput) {
    let (course, lesson) = (run.course, run.lesson)
    switch run.attempt.skip(forLater: true, seconds: attemptSeconds(course: course, lesson: lesson)) {
    case .movedOn(let step):
      render(step, run: &run, out: &out)
    case .postponed(let then):
      out.say(wrapped(run.attempt.holdsAnswers ? Copy.postponedInExam : Copy.postponed))
      out.blank()
      render(then, run: &run, out: &out)
    case .skipOff:
      out.say(wrapped(Copy.skipOff + escapeNote(run)))
    case .skipped(let journaling, let then):
      emit(&out, journaling)
      out.say(Copy.skipped)
      out.blank()
      render(then, run: &run, out: &out)
    }
  }

  // MARK: - Showing items

  /// Shows the current item. `navigated` is false for `repeat`, which journals nothing.
  mutating func show(_ run: inout LessonRun, out: inout SessionOutput, navigated: Bool) {
    render(run.attempt.show(navigated: navigated), run: run, out: &out)
  }

  mutating func render(_ step: ShowStep, run: LessonRun, out: inout SessionOutput) {
    // A blank line sets each page or question apart from what came before.
    if !out.text.hasSuffix("\n\n") { out.text += "\n" }
    emit(&out, step.journaling)
    switch step.item {
    case nil:
      break
    case .page(let page):
      out.say(positionLine(run))
      out.say(markdown(page.markdown))
      out.blank()
      let last = run.index + 1 == run.items.count
      out.say(footer(last ? Copy.pressEnterToFinish : Copy.pressEnter))
    case .question(let q):
      let p = run.presentation(q)
      out.say(positionLine(run))
      out.say(markdown(q.prompt))
      out.blank()
      let listing = choiceListing(q, p)
      if !listing.isEmpty {
        out.say(listing)
        out.blank()
      }
      let record = run.record(q)
      if record.isDone(policy: run.policy) {
        reviewAnswer(q, p, record: record, exam: run.isExam && !run.attempt.isReview, out: &out)
      } else if let held = record.held {
        let said = clean(ResponseParser.describe(held, for: q, presentation: p), newlines: false)
        out.say(wrapped(Copy.yourAnswerSoFar(said)))
        if run.attempt.flagged.contains(q.id) { out.say(wrapped(Copy.flaggedNote)) }
        out.say(footer(Copy.changeHeld))
      } else {
        if run.attempt.flagged.contains(q.id) { out.say(wrapped(Copy.flaggedNote)) }
        if run.attempt.isReview {
          out.say(footer(Copy.notAnsweredInReview))
        } else if run.policy.hintsAllowed, run.policy.hintCost > 0, record.hints < q.hints.count, !run.isExam {
          out.say(footer(Copy.instruction(q.kind) + " " + Copy.hintCostBefore(run.policy.hintCost)))
        } else {
          out.say(footer(Copy.instruction(q.kind)))
        }
      }
    }
  }

  func reviewAnswer(_ q: Question, _ p: Presentation, record: QuestionStanding, exam: Bool, out: inout SessionOutput) {
    if record.skipped {
      out.say(Copy.youSkipped)
    } else if let response = record.response {
      let said = clean(ResponseParser.describe(response, for: q, presentation: p), newlines: false)
      out.say(wrapped(Copy.youAnswered(said)))
      if !exam {
        out.say(verdict(record.outcome ?? .wrong))
      }
    }
    if !exam {
      if record.outcome != .correct {
        out.say(wrapped(Copy.rightAnswer(rightAnswer(q, p))))
      }
      if !q.explanation.isEmpty { out.say(markdown(q.explanation)) }
    } else {
      out.say(Copy.examHeld)
    }
    out.blank()
    out.say(footer(Copy.pressEnter))
  }

  func lessonHeader(_ run: LessonRun) -> String {
    let title = clean(run.lesson.title, newlines: false)
    let minutes = theme.plain ? Copy.minutesSentence(run.lesson.estimatedMinutes) : Copy.minutes(run.lesson.estimatedMinutes)
    let kind = run.lesson.kind == .assessment ? Copy.assessmentWord : Copy.lessonWord
    if theme.plain {
      var s = "\(kind) \(run.number) of \(run.lessonCount): \(title). \(minutes)."
      if run.isExam { s += " " + Copy.examNote }
      return wrapped(s)
    }
    let head = [Span("\(kind) \(run.number) of \(run.lessonCount): \(title)", .heading), Span(" · \(minutes)", .dim)]
    var s = Wrapper.wrap(head, width: contentWidth).map(theme.render).joined(separator: "\n")
    if run.isExam { s += "\n" + wrapped(Copy.examNote, .dim) }
    return s
  }

  func position(_ run: LessonRun, _ i: Int) -> String {
    switch run.items[i] {
    case .page:
      let (n, total) = run.pagePosition(i)
      return "page \(n) of \(total)"
    case .question:
      let (n, total) = run.questionPosition(i)
      return "question \(n) of \(total)"
    }
  }

  func positionLine(_ run: LessonRun) -> String {
    let where_ = position(run, run.index)
    if theme.plain {
      var s = where_.prefix(1).uppercased() + where_.dropFirst() + "."
      if case .question(let q) = run.current { s += " " + Copy.kindWords(q.kind) }
      return s
    }
    let kind = run.lesson.kind == .assessment ? Copy.assessmentWord : Copy.lessonWord
    var s = "\(kind) \(run.number) of \(run.lessonCount) · \(where_)"
    if case .question(let q) = run.current { s += " · " + Copy.kindWords(q.kind).lowercased().dropLast() }
    return style(s, .dim)
  }

  func footer(_ text: String) -> String { wrapped(text, .dim) }

  func verdict(_ outcome: Grade.Outcome) -> String { FeedbackText(theme: theme).verdict(outcome) }

  /// Choices (or items, or the two columns) in the learner's order.
  func choiceListing(_ q: Question, _ p: Presentation) -> String {
    func entry(_ label: String, _ text: String) -> String {
      let prefix = theme.plain ? label + " " : "  " + label + " "
      let body = markdown(text, indent: DisplayWidth.of(prefix))
      return prefix + body.drop { $0 == " " }
    }
    switch q.body {
    case .single(let choices), .multiple(let choices):
      return p.order.enumerated().map { display, canonical in
        let letter = Copy.letter(display)
        return entry(theme.plain ? "Choice \(letter):" : "\(letter).", choices[canonical].text)
      }.joined(separator: "\n")
    case .ordering(let items, _):
      return p.order.enumerated().map { display, canonical in
        entry(theme.plain ? "Item \(display + 1):" : "\(display + 1).", items[canonical])
      }.joined(separator: "\n")
    case .matching(let pairs, _):
      var lines = [Copy.matchLeft]
      for (i, pair) in pairs.enumerated() {
        let letter = Copy.letter(i).lowercased()
        lines.append(entry(theme.plain ? "Item \(letter):" : "\(letter).", pair.left))
      }
      lines.append(Copy.matchRight)
      for (display, canonical) in p.order.enumerated() {
        lines.append(entry(theme.plain ? "Option \(display + 1):" : "\(display + 1).", pairs[canonical].right))
      }
      return lines.joined(separator: "\n")
    default:
      return ""
    }
  }

  /// The right answer, written the way the learner would type it plus the text it stands for.
  func rightAnswer(_ q: Question, _ p: Presentation) -> String {
    switch q.body {
    case .single(let choices), .multiple(let choices):
      return choices.indices.filter { choices[$0].correct }
        .sorted { p.display($0) < p.display($1) }
        .map { "\(Copy.letter(p.display($0))). \(clean(choices[$0].text, newlines: false))" }
        .joined(separator: "; ")
    case .trueFalse(let answer, _, _):
      return answer ? "true" : "false"
    case .shortAnswer(let s):
      return clean(s.accepted.first ?? "", newlines: false)
    case .numeric(let n):
      switch n.rule {
      case .exact(let v): return Copy.number(v)
      case .tolerance(let v, let t): return "\(Copy.number(v)) (± \(Copy.number(t)))"
      case .range(let a, let b): return "\(Copy.number(a)) to \(Copy.number(b))"
      }
    case .ordering(let items, _):
      return items.indices.map { String(p.display($0) + 1) }.joined(separator: " ")
    case .matching(let pairs, _):
      return pairs.indices.map { "\(Copy.letter($0).lowercased())-\(p.display($0) + 1)" }
        .joined(separator: " ")
    }
  }

  // MARK: - End of lesson

  mutating func render(_ step: LessonAttempt.FinishStep, run: inout LessonRun, out: inout SessionOutput) {
    switch step {
    case .stillOpen(let count, let shown):
      out.say(wrapped(Copy.stillOpen(count) + " " + Copy.skipAgainIsFinal))
      out.blank()
      render(shown, run: run, out: &out)
    case .finished(let score, let seconds, let journaling):
      emit(&out, journaling)
      run.finished = true
      run.confirmingSubmit = false
      finishSummary(run, score: score, seconds: seconds, out: &out)
    case .awaitingSubmission(let unanswered, let flagged):
      run.confirmingSubmit = true
      if !out.text.hasSuffix("\n\n") { out.text += "\n" }
      out.say(wrapped(Copy.beforeSubmitTitle, .heading))
      let total = run.questions.count
      out.say(wrapped(Copy.answeredCount(total - unanswered.count, of: total)))
      if !unanswered.isEmpty { out.say(wrapped(Copy.unansweredList(unanswered))) }
      if !flagged.isEmpty { out.say(wrapped(Copy.flaggedList(flagged))) }
      out.blank()
      out.say(footer(Copy.submitInstruction(total)))
    }
  }

  func finishSummary(
    _ run: LessonRun, score: LessonScore?, seconds: Double = 0, out: inout SessionOutput
  ) {
    let title = clean(run.lesson.title, newlines: false)
    out.say(wrapped(Copy.lessonDone(title, assessment: run.lesson.kind == .assessment), .heading))
    if let score {
      out.say(wrapped(Copy.score(earned: score.earned, total: score.possible, share: score.share)))
      out.say(style(Copy.passLine(passed: score.passed, mark: run.policy.passMark), score.passed ? [.success, .bold] : [.failure, .bold]))
      out.say(wrapped(Copy.timeTaken(seconds)))
    }
    let objectives = run.attempt.objectiveResults
    if !objectives.isEmpty {
      out.blank()
      out.say(style(Copy.objectivesResultTitle, .bold))
      for result in objectives { out.say(objectiveLine(result)) }
    }
    let missed = run.questions.enumerated().filter { run.record($0.element).outcome != .correct }
    if run.isExam {
      out.blank()
      out.say(style(Copy.examResults, .bold))
      for (i, q) in run.questions.enumerated() {
        let r = run.record(q)
        out.say(wrapped("\(Copy.questionWord) \(i + 1): " + (r.skipped ? Copy.skippedWord : Copy.outcomeWord(r.outcome ?? .wrong))))
      }
    }
    if !missed.isEmpty {
      out.blank()
      out.say(style(Copy.missedTitle, .bold))
      for (i, q) in missed {
        let p = run.presentation(q)
        let r = run.record(q)
        out.blank()
        out.say(style("\(Copy.questionWord) \(i + 1)", .bold))
        out.say(markdown(q.prompt, indent: 2))
        if r.skipped || r.response == nil {
          out.say(wrapped(Copy.youSkipped, indent: 2))
        }
        if let itemized = itemizedReview(q, p, response: r.response, indent: 2) {
          out.say(itemized)
        } else {
          if let response = r.response, !r.skipped {
            let said = clean(ResponseParser.describe(response, for: q, presentation: p), newlines: false)
            out.say(wrapped(Copy.youAnswered(said), indent: 2))
          }
          out.say(wrapped(Copy.rightAnswer(rightAnswer(q, p)), indent: 2))
        }
        if !q.explanation.isEmpty { out.say(markdown(q.explanation, indent: 2)) }
      }
    }
    out.blank()
    let state = courseState(run.course)
    if state.completed {
      out.say(wrapped(Copy.courseDone(clean(run.course.title, newlines: false)), .heading))
      for (i, lesson) in run.course.lessons.enumerated() {
        let ls = state.lessons.first { $0.lessonID == lesson.id }
        out.say(menuLine(number: i + 1, lesson: lesson, state: ls))
      }
      out.say(wrapped(Copy.exportPointer))
      out.say(shellCommand(Copy.exportCommand(courseID: run.course.id, learner: learnerKey)))
      out.blank()
    }
    let passed = score?.passed ?? (state.lesson(run.lesson.id).map { if case .passed = $0.status { true } else { false } } ?? false)
    let steps = NextSteps(
      course: run.course, finished: run.lesson, passed: passed, missed: missed.map(\.element), state: state)
    if run.lesson.kind == .assessment, !passed, let lessonState = state.lesson(run.lesson.id) {
      out.say(wrapped(retakeNote(RetakeRule.newAttempt(at: run.lesson, state: lessonState, now: clock()), lesson: run.lesson)))
      out.blank()
    }
    if !steps.toRevisit.isEmpty {
      out.say(style(Copy.revisitTitle, .bold))
      for entry in steps.toRevisit { out.say(wrapped(lessonLine(entry), indent: 2)) }
      out.blank()
    }
    if !state.completed, !steps.stillToPass.isEmpty, steps.nextLesson == nil || run.lesson.kind == .assessment {
      out.say(style(Copy.stillToPassTitle, .bold))
      for entry in steps.stillToPass { out.say(wrapped(lessonLine(entry), indent: 2)) }
      out.blank()
    }
    if let next = steps.nextLesson {
      out.say(wrapped(Copy.whatNext(number: next.number, of: run.lessonCount, title: clean(next.lesson.title, newlines: false), minutes: next.lesson.estimatedMinutes)))
    } else {
      out.say(wrapped(Copy.lastLessonDone))
    }
  }

  /// An objective ticked off: a mark (or, in `--plain`, a word) and the objective, wrapped under
  /// itself.
  func objectiveLine(_ result: ObjectiveResult) -> String {
    let text = clean(result.objective, newlines: false)
    let note = Copy.objectiveNote(result.standing, missed: result.missedQuestions)
    if theme.plain { return wrapped(Copy.objectiveWord(result.standing) + ": " + text + note) }
    let (mark, markStyle): (String, TextStyle) =
      switch result.standing {
      case .shown: ("✓", .success)
      case .notYet: ("✗", .failure)
      case .notChecked: ("·", .dim)
      }
    let lines = Wrapper.wrap(
      [Span(text), Span(note, .dim)], width: contentWidth, first: [Span("  "), Span(mark, markStyle), Span(" ")],
      rest: [Span("    ")])
    return lines.map(theme.render).joined(separator: "\n")
  }

  private func lessonLine(_ entry: NextSteps.Entry) -> String {
    Copy.numberedLesson(entry.number, title: clean(entry.lesson.title, newlines: false), id: entry.lesson.id)
  }
}
