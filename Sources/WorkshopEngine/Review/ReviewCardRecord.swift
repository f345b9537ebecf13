/// What the journal says about one review card, folded without looking at the lessons:
/// the lesson answer that introduced it and the reviews since. `ReviewDeck` turns it into a
/// schedule against the current content and the learner's settings.
public struct ReviewCardRecord: Sendable, Codable, Hashable {
  /// The lesson answer that gives the card its first rating.
  public struct Introduction: Sendable, Codable, Hashable {
    public var rating: ReviewRating
    /// Milliseconds since 1970.
    public var at: Int64
    /// The lesson attempt the answer belongs to: an assessment's answers count only once that
    /// attempt was submitted.
    public var lessonAttempt: Int
    public var durationMs: Int64?
  }

  /// One answer in `workshop review`.
  public struct Review: Sendable, Codable, Hashable {
    public var rating: ReviewRating
    public var at: Int64
    public var durationMs: Int64?
  }

  /// A review begun and not yet settled: answers that left attempts and hints shown. The
  /// card's next review carries on from it, so leaving after a hint still costs the rating.
  public struct Pending: Sendable, Codable, Hashable {
    public var attempts: Int
    public var hints: Int
  }

  public var course: String
  public var lesson: String
  public var question: String
  /// Digest of the question content last answered; the card keeps its schedule across edits.
  public var digest: String?
  public var introduction: Introduction?
  public var reviews: [Review] = []
  /// The card after every rating above on `FSRSScheduler.standard`, kept up to date as the
  /// journal is folded so that opening the queue need not replay each card's history. Only a
  /// shortcut: `ReviewDeck` replays when a lesson schedules differently.
  public internal(set) var schedule: ReviewCard?
  public internal(set) var pending: Pending?

  public init(course: String, lesson: String, question: String) {
    self.course = course
    self.lesson = lesson
    self.question = question
  }

  /// A card's identity in one string, for sets of cards.
  public static func key(course: String, lesson: String, question: String) -> String {
    course + "\u{1F}" + lesson + "\u{1F}" + question
  }

  /// The automatic rating of a lesson answer (Easy is never given automatically): wrong or
  /// partly right → Again; right after a hint or at a later attempt → Hard; right at the first
  /// attempt → Good.
  public static func rating(outcome: Grade.Outcome?, attempt: Int, hintsShown: Int) -> ReviewRating {
    guard outcome == .correct else { return .again }
    return attempt <= 1 && hintsShown == 0 ? .good : .hard
  }

  /// Folds a lesson answer in. The answers of the lesson attempt that first answered the
  /// question set the first rating (a right answer at attempt 2 turns Again into Hard); once the
  /// card has been reviewed, or that attempt was completed, later lesson attempts leave it alone.
  mutating func applyLessonAnswer(
    _ event: JournalEvent, at: Int64, lessonAttempt: Int, hintsShown: Int,
    completedAttempts: some Sequence<Int>
  ) {
    guard reviews.isEmpty else { return }
    if let current = introduction, current.lessonAttempt != lessonAttempt,
      completedAttempts.contains(current.lessonAttempt)
    {
      return
    }
    digest = event.questionDigest ?? digest
    let introduction = Introduction(
      rating: Self.rating(outcome: event.outcome, attempt: event.attempt ?? 1, hintsShown: hintsShown),
      at: at, lessonAttempt: lessonAttempt, durationMs: event.seconds.map(Self.milliseconds))
    self.introduction = introduction
    schedule = FSRSScheduler.standard.review(
      ReviewCard(due: introduction.at), rating: introduction.rating, at: introduction.at,
      durationMs: introduction.durationMs
    ).card
  }

  mutating func applyReview(_ event: JournalEvent, at: Int64) {
    var pending = self.pending ?? Pending(attempts: 0, hints: 0)
    pending.hints = max(pending.hints, event.hint ?? 0)
    if event.kind == .reviewHintShown {
      self.pending = pending
      return
    }
    guard let value = event.rating, let rating = ReviewRating(rawValue: value) else {
      pending.attempts = max(pending.attempts, event.attempt ?? pending.attempts + 1)
      self.pending = pending
      return
    }
    self.pending = nil
    if let digest = event.questionDigest { self.digest = digest }
    let review = Review(rating: rating, at: at, durationMs: event.seconds.map(Self.milliseconds))
    reviews.append(review)
    if let card = schedule {
      schedule = FSRSScheduler.standard.review(card, rating: review.rating, at: review.at, durationMs: review.durationMs).card
    }
  }

  static func milliseconds(_ seconds: Double) -> Int64 {
    guard seconds.isFinite, seconds >= 0, seconds < 1e12 else { return 0 }
    return Int64((seconds * 1000).rounded())
  }
}
