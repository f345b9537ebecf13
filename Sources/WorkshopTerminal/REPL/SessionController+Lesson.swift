import Foundation
import WorkshopEngine

extension SessionController {
  var learnerKey: String { learner?.id.rawValue ?? "" }

  // MARK: - Opening

  /// Opens a lesson: resumes the current attempt where it stopped, or begins a new one.
  mutating func openLesson(course: Course, lesson: Lesson, out: inout SessionOutput) {
    let progress = progress(course: course, lesson: lesson)
    let number = (course.lessons.firstIndex { $0.id == lesson.id } ?? 0) + 1
    let fresh: Bool
    switch progress.status {
    case .notStarted, .passed, .notPassed: fresh = true
    case .inProgress: fresh = false
    }
    let now = clock()
    var run = LessonRun(
      course: course, lesson: lesson, number: number, items: lesson.items,
      shownAt: now)
    var drawn = fresh ? nil : progress.drawn
    if fresh {
      emit(
        &out,
        JournalEvent(
          at: self.now(), kind: .lessonStarted, course: course.id, lesson: lesson.id,
          lessonDigest: lesson.digest))
    } else {
      run.records = progress.records
    }
    if let count = lesson.draw, drawn == nil {
      drawn = draw(course: course, lesson: lesson, count: count, attempt: progress.attempt + (fresh ? 1 : 0), out: &out)
    }
    if let drawn { run.items = Self.items(of: lesson, drawn: drawn) }

    out.say(lessonHeader(run))
    if fresh, !lesson.summary.isEmpty {
      out.say(wrapped(clean(lesson.summary, newlines: false), .italic))
    }
    if !fresh {
      run.index = resumeIndex(run, progress.resumeItemID)
      out.say(wrapped(Copy.resuming(position(run, run.index))))
    }
    out.blank()
    show(&run, out: &out, navigated: true)
    mode = .lesson(run)
  }

  /// Assessment with `draw`: the same learner and attempt always get the same questions, and
  /// the draw is journaled so a resumed session asks exactly those.
  mutating func draw(course: Course, lesson: Lesson, count: Int, attempt: Int, out: inout SessionOutput)
    -> [String]
  {
    let result = AssessmentDraw.draw(
      from: lesson, count: count, learner: learnerKey, courseID: course.id, attempt: max(1, attempt))
    emit(
      &out,
      JournalEvent(
        at: now(), kind: .questionsDrawn, course: course.id, lesson: lesson.id,
        lessonDigest: lesson.digest, attempt: max(1, attempt), questions: result.questionIDs,
        seed: result.seed))
    return result.questionIDs
  }

  /// The pages before the first question, then the drawn questions in the order drawn, then
  /// the remaining pages (the order the progress deriver resumes in).
  static func items(of lesson: Lesson, drawn: [String]) -> [LessonItem] {
    let first = lesson.items.firstIndex { if case .question = $0 { true } else { false } }
      ?? lesson.items.count
    let after = lesson.items[first...].filter { if case .page = $0 { true } else { false } }
    let questions = drawn.compactMap { lesson.question(id: $0).map(LessonItem.question) }
    return Array(lesson.items[..<first]) + questions + after
  }

  func resumeIndex(_ run: LessonRun, _ itemID: String?) -> Int {
    if let itemID, let i = run.items.firstIndex(where: { $0.id == itemID }) {
      if case .question(let q) = run.items[i], run.isDone(q) {
        return firstOpen(run, from: i) ?? i
      }
      return i
    }
    return firstOpen(run, from: 0) ?? 0
  }

  /// The first question at or after `from` still waiting for an answer.
  func firstOpen(_ run: LessonRun, from: Int) -> Int? {
    for i in from..<run.items.count {
      if case .question(let q) = run.items[i], !run.isDone(q) { return i }
    }
    return nil
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
    if run.finished {
      afterLesson(input, line: line, run: &run, out: &out)
      return
    }
    switch input {
    case .empty, .command(.next):
      advance(&run, out: &out)
    case .command(.back):
      if run.index == 0 {
        out.say(Copy.atStart)
      } else {
        run.index -= 1
        show(&run, out: &out, navigated: true)
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
    case .command(.restart):
      run.confirmingRestart = true
      out.say(wrapped(Copy.confirmRestart))
    case .command(.help):
      showHelp(&out, inLesson: true)
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
      openLesson(course: run.course, lesson: run.lesson, out: &out)
    case .command(.back), .command(.hint), .command(.skip):
      out.say(Copy.lessonOver)
    case .command(.repeat):
      finishSummary(run, score: nil, out: &out)
    default:
      mode = .menu
      menuInput(line, &out)
    }
  }

  mutating func advance(_ run: inout LessonRun, out: inout SessionOutput) {
    if case .question(let q) = run.current, !run.isDone(q) {
      out.say(Copy.answerFirst(skip: run.policy.skipAllowed))
      return
    }
    if run.index + 1 < run.items.count {
      run.index += 1
      show(&run, out: &out, navigated: true)
    } else {
      finish(&run, out: &out)
    }
  }

  mutating func restart(_ run: inout LessonRun, out: inout SessionOutput) {
    emit(
      &out,
      JournalEvent(
        at: now(), kind: .lessonRestarted, course: run.course.id, lesson: run.lesson.id,
        lessonDigest: run.lesson.digest))
    run.records = [:]
    run.index = 0
    run.finished = false
    if let count = run.lesson.draw {
      let attempt = progress(course: run.course, lesson: run.lesson).attempt
      let drawn = draw(course: run.course, lesson: run.lesson, count: count, attempt: max(1, attempt), out: &out)
      run.items = Self.items(of: run.lesson, drawn: drawn)
    }
    out.say(Copy.restarted)
    out.blank()
    show(&run, out: &out, navigated: true)
  }

  // MARK: - Questions

  mutating func answer(_ text: String, raw: String, run: inout LessonRun, out: inout SessionOutput) {
    guard case .question(let q) = run.current else {
      out.say(Copy.noQuestionHere)
      return
    }
    var record = run.record(q)
    if record.isDone(policy: run.policy) {
      out.say(Copy.alreadyAnswered)
      return
    }
    let p = run.presentation(q, learner: learnerKey)
    let response: Response
    switch ResponseParser.parse(text, for: q, presentation: p) {
    case .failure(let error):
      out.say(wrapped(clean(error.message, newlines: false) + " " + Copy.noAttemptUsed))
      return
    case .success(let r):
      response = r
    }
    let grade = Grader.grade(q, response)
    let attempt = record.attempts + 1
    let earned = Scoring.earned(
      points: q.points, credit: grade.credit, attempt: attempt, hintsShown: record.hints,
      policy: run.policy)
    let seconds = max(0, clock().timeIntervalSince(run.shownAt))
    emit(
      &out,
      JournalEvent(
        at: now(), kind: .answerSubmitted, course: run.course.id, lesson: run.lesson.id,
        lessonDigest: run.lesson.digest, question: q.id, questionDigest: q.digest,
        raw: raw, response: response, outcome: grade.outcome,
        credit: grade.credit, earned: earned, attempt: attempt,
        seconds: (seconds * 1000).rounded() / 1000))
    record.attempts = attempt
    record.outcome = grade.outcome
    record.earned = earned
    record.response = response
    run.records[q.id] = record

    if run.isExam {
      out.say(Copy.answerSaved)
      out.blank()
      advance(&run, out: &out)
      return
    }
    out.say(verdict(grade.outcome))
    for f in grade.feedback where !f.isEmpty {
      out.say(markdown(f))
    }
    if record.isDone(policy: run.policy) {
      if grade.outcome != .correct {
        out.say(wrapped(Copy.rightAnswer(rightAnswer(q, p))))
      }
      if !q.explanation.isEmpty {
        out.blank()
        out.say(markdown(q.explanation))
      }
      out.blank()
      out.say(footer(Copy.pressEnter))
    } else {
      let hintsLeft = run.policy.hintsAllowed && record.hints < q.hints.count
      out.say(wrapped(Copy.tryAgain(attempt: attempt + 1, of: run.policy.effectiveAttempts, hint: hintsLeft)))
    }
  }

  mutating func hint(_ run: inout LessonRun, out: inout SessionOutput) {
    guard case .question(let q) = run.current else {
      out.say(Copy.noQuestionHere)
      return
    }
    var record = run.record(q)
    if record.isDone(policy: run.policy) {
      out.say(Copy.alreadyAnswered)
      return
    }
    guard run.policy.hintsAllowed else {
      out.say(Copy.hintsOff)
      return
    }
    guard record.hints < q.hints.count else {
      out.say(q.hints.isEmpty ? Copy.noHints : Copy.noMoreHints)
      return
    }
    record.hints += 1
    run.records[q.id] = record
    emit(
      &out,
      JournalEvent(
        at: now(), kind: .hintShown, course: run.course.id, lesson: run.lesson.id,
        lessonDigest: run.lesson.digest, question: q.id, questionDigest: q.digest,
        hint: record.hints))
    let label = Copy.hintLabel(record.hints, of: q.hints.count)
    out.say(style(label, .accent))
    out.say(markdown(q.hints[record.hints - 1]))
    if run.policy.hintCost > 0 {
      out.say(footer(Copy.hintCost(run.policy.hintCost)))
    }
  }

  mutating func skip(_ run: inout LessonRun, out: inout SessionOutput) {
    guard case .question(let q) = run.current else {
      advance(&run, out: &out)
      return
    }
    var record = run.record(q)
    if record.isDone(policy: run.policy) {
      advance(&run, out: &out)
      return
    }
    guard run.policy.skipAllowed else {
      out.say(Copy.skipOff)
      return
    }
    emit(
      &out,
      JournalEvent(
        at: now(), kind: .questionSkipped, course: run.course.id, lesson: run.lesson.id,
        lessonDigest: run.lesson.digest, question: q.id, questionDigest: q.digest))
    record.skipped = true
    run.records[q.id] = record
    out.say(Copy.skipped)
    out.blank()
    advance(&run, out: &out)
  }

  // MARK: - Showing items

  /// Shows the current item. `navigated` is false for `repeat`, which journals nothing.
  mutating func show(_ run: inout LessonRun, out: inout SessionOutput, navigated: Bool) {
    // A blank line sets each page or question apart from what came before.
    if !out.text.hasSuffix("\n\n") { out.text += "\n" }
    switch run.current {
    case .page(let page):
      if navigated {
        emit(
          &out,
          JournalEvent(
            at: now(), kind: .pageViewed, course: run.course.id, lesson: run.lesson.id,
            lessonDigest: run.lesson.digest, page: page.id))
      }
      out.say(positionLine(run))
      out.say(markdown(page.markdown))
      out.blank()
      let last = run.index + 1 == run.items.count
      out.say(footer(last ? Copy.pressEnterToFinish : Copy.pressEnter))
    case .question(let q):
      if navigated {
        emit(
          &out,
          JournalEvent(
            at: now(), kind: .questionShown, course: run.course.id, lesson: run.lesson.id,
            lessonDigest: run.lesson.digest, question: q.id, questionDigest: q.digest))
      }
      let p = run.presentation(q, learner: learnerKey)
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
        reviewAnswer(q, p, record: record, exam: run.isExam, out: &out)
      } else {
        run.shownAt = clock()
        out.say(footer(Copy.instruction(q.kind)))
      }
    }
  }

  func reviewAnswer(_ q: Question, _ p: Presentation, record: AnswerRecord, exam: Bool, out: inout SessionOutput) {
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
    var s = style("\(kind) \(run.number) of \(run.lessonCount): \(title)", .heading)
    s += style(" · \(minutes)", .dim)
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

  mutating func finish(_ run: inout LessonRun, out: inout SessionOutput) {
    let open = run.questions.filter { !run.isDone($0) }
    if !open.isEmpty, let i = firstOpen(run, from: 0) {
      out.say(wrapped(Copy.stillOpen(open.count)))
      out.blank()
      run.index = i
      show(&run, out: &out, navigated: true)
      return
    }
    let total = run.questions.reduce(0) { $0 + $1.points }
    let earned = run.questions.reduce(0) { $0 + run.record($1).earned }
    let score = total > 0 ? min(1, earned / total) : 1
    let passed = score + 1e-9 >= run.policy.passMark
    // Active time in this attempt, across sessions, as the journal measures it.
    let seconds = progress(course: run.course, lesson: run.lesson).attemptSeconds
    emit(
      &out,
      JournalEvent(
        at: now(), kind: .lessonCompleted, course: run.course.id, lesson: run.lesson.id,
        lessonDigest: run.lesson.digest, seconds: seconds.rounded(), score: score, passed: passed))
    run.finished = true
    finishSummary(run, score: (score, passed, earned, total, seconds), out: &out)
  }

  func finishSummary(
    _ run: LessonRun, score: (Double, Bool, Double, Double, Double)?, out: inout SessionOutput
  ) {
    let title = clean(run.lesson.title, newlines: false)
    out.say(style(Copy.lessonDone(title), .heading))
    if let (share, passed, earned, total, seconds) = score {
      out.say(wrapped(Copy.score(earned: earned, total: total, share: share)))
      out.say(style(Copy.passLine(passed: passed, mark: run.policy.passMark), passed ? [.success, .bold] : [.failure, .bold]))
      out.say(wrapped(Copy.timeTaken(seconds)))
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
        let p = run.presentation(q, learner: learnerKey)
        let r = run.record(q)
        out.blank()
        out.say(style("\(Copy.questionWord) \(i + 1)", .bold))
        out.say(markdown(q.prompt, indent: 2))
        if r.skipped || r.response == nil {
          out.say(wrapped(Copy.youSkipped, indent: 2))
        } else if let response = r.response {
          let said = clean(ResponseParser.describe(response, for: q, presentation: p), newlines: false)
          out.say(wrapped(Copy.youAnswered(said), indent: 2))
        }
        out.say(wrapped(Copy.rightAnswer(rightAnswer(q, p)), indent: 2))
        if !q.explanation.isEmpty { out.say(markdown(q.explanation, indent: 2)) }
      }
    }
    out.blank()
    let state = courseState(run.course)
    if state.completed {
      out.say(style(Copy.courseDone(clean(run.course.title, newlines: false)), .heading))
      for (i, lesson) in run.course.lessons.enumerated() {
        let ls = state.lessons.first { $0.lessonID == lesson.id }
        out.say(menuLine(number: i + 1, lesson: lesson, status: ls?.status ?? .notStarted))
      }
      out.say(wrapped(Copy.exportPointer(courseID: run.course.id)))
      out.blank()
    }
    if let next = run.nextLesson {
      out.say(wrapped(Copy.whatNext(number: run.number + 1, of: run.lessonCount, title: clean(next.title, newlines: false), minutes: next.estimatedMinutes)))
    } else {
      out.say(wrapped(Copy.lastLessonDone))
    }
  }
}
