import Foundation
import WorkshopEngine

/// One `workshop review` session: the cards still to ask, the one on screen, and the limits.
struct ReviewRun {
  var launch: ReviewLaunch
  var queue: [ReviewItem]
  /// The card on screen, with the answers given to it so far in this review.
  var current: ReviewItem?
  var record = AnswerRecord()
  var presentation = Presentation(order: [])
  var shownAt: Date
  let startedAt: Date
  /// Cards answered (settled) or skipped in this session.
  var done = 0
  var ratings: [ReviewRating] = []
  /// Cards skipped in this session: not asked again before it ends.
  var skipped: Set<String> = []

  var policy: Policy {
    // Reviews are practice: feedback after every answer, whatever the lesson's mode.
    var policy = current?.lesson.policy ?? Policy()
    policy.mode = .learn
    return policy
  }

  var isSettled: Bool { record.isDone(policy: policy) }

  func timeIsUp(at now: Date) -> Bool { now.timeIntervalSince(startedAt) >= launch.seconds }

  var isFull: Bool { done >= launch.cards }
}
