import Foundation
import WorkshopEngine

/// Writes a learner's journal of typical events (page views, hints, answers) without fsync.
enum SyntheticJournal {
  static func write(store: ProgressStore, learner: LearnerID, events count: Int) throws {
    _ = try store.createProfile(name: learner.rawValue)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count * 400)
    var ms: Int64 = 1_800_000_000_000
    for n in 0..<count {
      ms += Int64(n % 50 * 1000 + 700)
      let at = Timestamp.format(milliseconds: ms)
      let lesson = "lesson-\(n / 40 % 12)"
      let question = "question-\(n % 9)"
      let event: JournalEvent
      switch n % 5 {
      case 0:
        event = JournalEvent(
          at: at, kind: .pageViewed, course: "open-innovation-principles", lesson: lesson,
          lessonDigest: String(repeating: "ab", count: 32), page: "why-openness-matters")
      case 1:
        event = JournalEvent(
          at: at, kind: .hintShown, course: "open-innovation-principles", lesson: lesson,
          question: question, questionDigest: String(repeating: "cd", count: 32), hint: 1)
      default:
        event = JournalEvent(
          at: at, kind: .answerSubmitted, course: "open-innovation-principles", lesson: lesson,
          lessonDigest: String(repeating: "ab", count: 32), question: question,
          questionDigest: String(repeating: "cd", count: 32), raw: "b, d",
          response: .choices([1, 3]), outcome: .partial, credit: 0.5, earned: 0.25, attempt: 1,
          seconds: 12.375)
      }
      bytes += try JournalCodec.encode(event) + [0x0A]
    }
    let path = store.journalPath(for: learner)
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
      throw CocoaError(.fileWriteUnknown)
    }
  }
}
