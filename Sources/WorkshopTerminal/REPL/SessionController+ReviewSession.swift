#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

extension SessionController {
  // MARK: - Deck

  /// The learner's cards now, narrowed as `launch` asks.
  func reviewItems(_ launch: ReviewLaunch? = nil) -> [ReviewItem] {
    ReviewDeck.items(
      summary: summary, courses: library.courses, learner: learner?.review,
      now: Self.milliseconds(clock()), courseID: launch?.courseID, lessonID: launch?.lessonID)
  }

  /// Cards due by the end of the learner's day, for the menu and the greeting.
  func cardsDueToday() -> Int {
    let items = reviewItems()
    return items.isEmpty ? 0 : ReviewDeck.dueToday(items, now: Self.milliseconds(clock()))
  }

  static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

  // MARK: - Opening

  mutating func openReview(_ launch: ReviewLaunch, out: inout SessionOutput) {
    let now = clock()
    let queue = ReviewDeck.queue(reviewItems(launch), now: Self.milliseconds(now))
    guard !queue.isEmpty else {
      out.say(wrapped(Copy.nothingToReview(next: nextDue(launch))))
      out.blank()
      mode = .menu
      showMenu(&out)
      return
    }
    var run = ReviewRun(launch: launch, queue: queue, startedAt: now)
    out.say(style(Copy.reviewTitle, .heading))
    out.say(wrapped(Copy.reviewIntro(due: queue.count, limit: launch.cards, minutes: Int(launch.seconds / 60)), .dim))
    nextCard(&run, out: &out)
    if case .ended = mode { return }
    if run.current != nil { mode = .review(run) }
  }

  func nextDue(_ launch: ReviewLaunch) -> String? {
    guard let due = reviewItems(launch).map(\.card.due).min() else { return nil }
    return Timestamp.format(milliseconds: due)
  }

  /// Moves to the next card, or ends the session when the limits are reached or nothing is due.
  mutating func nextCard(_ run: inout ReviewRun, out: inout SessionOutput) {
    let now = clock()
    if run.isFull || run.timeIsUp(at: now) {
      endReview(run, out: &out)
      return
    }
    if run.queue.isEmpty {
      // Cards answered wrongly come back after a minute or ten: ask those again while the
      // session lasts.
      run.queue = ReviewDeck.queue(reviewItems(run.launch), now: Self.milliseconds(now))
        .filter { !run.skipped.contains($0.key) }
    }
    guard !run.queue.isEmpty else {
      endReview(run, out: &out)
      return
    }
    run.current = ReviewAttempt(item: run.queue.removeFirst(), learner: learnerKey, shownAt: now)
    showCard(run, out: &out)
  }

  func showCard(_ run: ReviewRun, out: inout SessionOutput) {
    guard let attempt = run.current else { return }
    let item = attempt.item
    if !out.text.hasSuffix("\n\n") { out.text += "\n" }
    let number = run.done + 1
    let lessonTitle = clean(item.lesson.title, newlines: false)
    if theme.plain {
      out.say("Review card \(number). From \(lessonTitle). \(Copy.kindWords(item.question.kind))")
    } else {
      out.say(style("Review · card \(number) · \(lessonTitle) · " + Copy.kindWords(item.question.kind).lowercased().dropLast(), .dim))
    }
    out.say(markdown(item.question.prompt))
    out.blank()
    let listing = choiceListing(item.question, attempt.presentation)
    if !listing.isEmpty {
      out.say(listing)
      out.blank()
    }
    if attempt.isDone {
      out.say(footer(Copy.pressEnterNextCard))
    } else {
      out.say(footer(Copy.instruction(item.question.kind)))
    }
  }

  // MARK: - Input

  mutating func reviewInput(_ line: String, run: inout ReviewRun, out: inout SessionOutput) {
    switch LineInput.classify(line) {
    case .empty, .command(.next):
      if let attempt = run.current, !attempt.isDone {
        out.say(Copy.answerFirst(skip: true, hint: true))
      } else {
        nextCard(&run, out: &out)
      }
    case .command(.skip):
      if let attempt = run.current, !attempt.isDone {
        run.skipped.insert(attempt.item.key)
        run.done += 1
        out.say(Copy.reviewSkipped)
      }
      nextCard(&run, out: &out)
    case .command(.hint):
      reviewHint(&run, out: &out)
    case .command(.repeat):
      showCard(run, out: &out)
    case .command(.back), .command(.restart):
      out.say(Copy.notInReview)
    case .command(.menu):
      endReview(run, out: &out)
    case .command(.progress):
      showProgress(&out)
    case .command(.help):
      showHelp(&out, inLesson: true)
    case .command(.quit):
      quit(&out)
    case .unknownCommand(let word):
      out.say(Copy.unknownCommand(clean(word, newlines: false)))
    case .answer(let text):
      reviewAnswer(text, raw: line, run: &run, out: &out)
    }
  }

  mutating func reviewHint(_ run: inout ReviewRun, out: inout SessionOutput) {
    guard var attempt = run.current else { return out.say(Copy.alreadyAnswered) }
    let step = attempt.hint(now: clock())
    run.current = attempt
    switch step {
    case .alreadyDone: out.say(Copy.alreadyAnswered)
    case .hintsOff: out.say(Copy.hintsOff)
    case .noHints: out.say(Copy.noHints)
    case .noMoreHints: out.say(Copy.noMoreHints)
    case .shown(let text, let number, let count, let event):
      emit(&out, event)
      out.say(style(Copy.hintLabel(number, of: count), .accent))
      out.say(markdown(text))
    }
  }

  mutating func reviewAnswer(_ text: String, raw: String, run: inout ReviewRun, out: inout SessionOutput) {
    guard var attempt = run.current else { return nextCard(&run, out: &out) }
    let step = attempt.answer(text, raw: raw, now: clock())
    run.current = attempt
    let answer: ReviewAttempt.GradedAnswer
    switch step {
    case .alreadyDone:
      return out.say(Copy.alreadyAnswered)
    case .unreadable(let message):
      return out.say(wrapped(clean(message, newlines: false) + " " + Copy.noAttemptUsed))
    case .graded(let graded):
      answer = graded
    }
    emit(&out, answer.event)
    let q = attempt.item.question
    out.say(verdict(answer.grade.outcome))
    for f in answer.grade.feedback where !f.isEmpty { out.say(markdown(f)) }
    guard let rating = answer.rating else {
      out.say(
        wrapped(Copy.tryAgain(attempt: answer.attempt + 1, of: attempt.policy.effectiveAttempts, hint: answer.hintsLeft > 0)))
      return
    }
    run.done += 1
    run.ratings.append(rating)
    if answer.grade.outcome != .correct {
      out.say(wrapped(Copy.rightAnswer(rightAnswer(q, attempt.presentation))))
    }
    if !q.explanation.isEmpty {
      out.blank()
      out.say(markdown(q.explanation))
    }
    if let after = reviewItems(run.launch).first(where: { $0.key == attempt.item.key }) {
      out.say(footer(Copy.nextReview(Self.dueWords(after.card.due, now: Self.milliseconds(clock())))))
    }
    out.blank()
    out.say(footer(Copy.pressEnterNextCard))
  }

  mutating func endReview(_ run: ReviewRun, out: inout SessionOutput) {
    out.blank()
    out.say(style(Copy.reviewDone, .heading))
    let remembered = run.ratings.filter { $0 != .again }.count
    out.say(wrapped(Copy.reviewSummary(answered: run.ratings.count, remembered: remembered)))
    let left = ReviewDeck.queue(reviewItems(run.launch), now: Self.milliseconds(clock())).count
    if left > 0 { out.say(wrapped(Copy.reviewLeft(left))) }
    out.blank()
    mode = .menu
    showMenu(&out)
  }

  /// "in 10 minutes", "in 3 days": how far off a card's next review is.
  static func dueWords(_ due: Int64, now: Int64) -> String {
    let minutes = max(1, Int((Double(due - now) / 60_000).rounded()))
    if minutes < 60 { return minutes == 1 ? "in 1 minute" : "in \(minutes) minutes" }
    let hours = Int((Double(minutes) / 60).rounded())
    if hours < 24 { return hours == 1 ? "in 1 hour" : "in \(hours) hours" }
    let days = Int((Double(hours) / 24).rounded())
    return days == 1 ? "tomorrow" : "in \(days) days"
  }
}
