import Foundation
import WorkshopEngine
@testable import WorkshopTerminal

/// Drives a `SessionController` line by line and keeps everything it produced.
struct SessionDriver {
  var controller: SessionController
  var events: [JournalEvent] = []
  var transcript = ""
  var exitStatus: Int32? = nil

  init(course: Course = SampleCourse.course(), theme: Theme = .plainText, width: Int = 80) {
    controller = SessionController(
      library: SampleCourse.library(course), options: SessionOptions(theme: theme, width: width),
      clock: { Date(timeIntervalSince1970: 1_800_000_000) })
  }

  @discardableResult
  mutating func start(lesson: String? = nil, summary: JournalSummary = JournalSummary()) throws -> String {
    record(controller.start(learner: try SampleCourse.learner(), summary: summary, lesson: lesson))
  }

  /// Sends one line; returns the text it produced.
  @discardableResult
  mutating func send(_ line: String) -> String {
    record(controller.handle(line: line))
  }

  mutating func record(_ out: SessionOutput) -> String {
    events += out.events
    transcript += out.text
    if let s = out.exitStatus { exitStatus = s }
    return out.text
  }

  var kinds: [JournalEvent.Kind] { events.map(\.kind) }
}
