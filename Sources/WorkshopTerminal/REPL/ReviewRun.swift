#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

/// One `workshop review` session: the cards still to ask, the one on screen, and the limits.
struct ReviewRun {
  var launch: ReviewLaunch
  var queue: [ReviewItem]
  /// The card on screen and the answers given to it so far.
  var current: ReviewAttempt?
  let startedAt: Date
  /// Cards answered (settled) or skipped in this session.
  var done = 0
  var ratings: [ReviewRating] = []
  /// Cards skipped in this session: not asked again before it ends.
  var skipped: Set<String> = []

  func timeIsUp(at now: Date) -> Bool { now.timeIntervalSince(startedAt) >= launch.seconds }

  var isFull: Bool { done >= launch.cards }
}
