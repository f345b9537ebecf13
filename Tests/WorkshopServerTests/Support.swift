import Foundation
import WorkshopEngine
import WorkshopServer
import WorkshopTestSupport

/// A small course built in code: one lesson with a page and three questions.
enum Fixture {
  static let q1 = Question(
    id: "capital", prompt: "Capital of France?",
    body: .single([
      .init(text: "Lyon", correct: false, feedback: "Lyon is the third city."),
      .init(text: "Paris", correct: true),
      .init(text: "Nice", correct: false, feedback: "Nice is on the coast."),
    ]), explanation: "Paris has been the capital for centuries.", hints: ["It starts with P."], digest: "d-capital")
  static let q2 = Question(
    id: "sky", prompt: "The sky is green.", body: .trueFalse(answer: false, feedbackTrue: nil, feedbackFalse: nil),
    explanation: "It is blue.", digest: "d-sky")
  static let q3 = Question(
    id: "word", prompt: "Type hello.", points: 2, body: .shortAnswer(.init(accepted: ["hello"])),
    explanation: "Just hello.", digest: "d-word")

  static func course(policy: Policy = Policy(shuffle: false)) -> Course {
    let lesson = Lesson(
      id: "basics", title: "Basics", summary: "", objectives: [], estimatedMinutes: 5, kind: .lesson,
      required: true, policy: policy, draw: nil,
      items: [
        .page(Page(id: "intro", title: "Intro", markdown: "## Intro\nWelcome.", line: 1)),
        .question(q1), .question(q2), .question(q3),
      ], path: "basics.md", digest: "d-basics")
    return Course(
      id: "demo", title: "Demo course", version: "1.0.0", description: "", language: "en", policy: policy,
      lessons: [lesson], directory: "/tmp", digest: "d-course")
  }
}

/// A clock tests move by hand.
final class TestClock: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Int64 = 1_790_000_000_000
  var now: Int64 { lock.withLock { value } }
  func advance(ms: Int64) { lock.withLock { value += ms } }
  var function: @Sendable () -> Int64 { { [self] in self.now } }
}

func temporaryDirectory(_ name: String = "session") -> String {
  let dir = TestScratch.path("server-\(name)")
  try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
  return dir
}

import HummingbirdWSClient
import Logging

/// The instructor's WebSocket, read as raw `InstructorView` JSON.
final class InstructorSocket: @unchecked Sendable {
  let lock = NSLock()
  var views: [InstructorView] = []
  var closed = false
  let out: AsyncStream<String>.Continuation
  var task: Task<Void, Never>?

  init(url: String) {
    let (stream, cont) = AsyncStream<String>.makeStream()
    out = cont
    task = Task { [self] in
      _ = try? await WebSocketClient.connect(url: url, logger: Logger(label: "test")) { inbound, outbound, _ in
        await withTaskGroup(of: Void.self) { group in
          group.addTask {
            for await text in stream { try? await outbound.write(.text(text)) }
          }
          group.addTask {
            do {
              for try await message in inbound.messages(maxSize: 1 << 22) {
                guard case .text(let text) = message,
                  let v = try? JSONDecoder().decode(InstructorView.self, from: Data(text.utf8))
                else { continue }
                self.lock.withLock { self.views.append(v) }
              }
            } catch {}
          }
          await group.next()
          group.cancelAll()
        }
      }
      lock.withLock { closed = true }
    }
  }

  func send(_ text: String) { out.yield(text) }

  func nextView(timeout: Duration = .seconds(10), where predicate: (InstructorView) -> Bool) async -> InstructorView? {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
      if let v = lock.withLock({ views.last(where: predicate) }) { return v }
      try? await Task.sleep(for: .milliseconds(20))
    }
    return nil
  }
}
