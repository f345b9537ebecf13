// Appends answer events to a learner's journal and prints each event's id only after
// `append` returned (the event is acknowledged). The crash tests SIGKILL it mid-stream.
//
//   journal-writer <progress-root> <learner-id> append [count]
//   journal-writer <progress-root> <learner-id> hold      (takes the lock, prints "ready", waits)
//   journal-writer <progress-root> <learner-id> generate N (writes N typical events, no fsync)
//   journal-writer <progress-root> <learner-id> replay      (times a full replay, no checkpoint)
#if canImport(Glibc)
  import Glibc
#endif
import Foundation
import WorkshopEngine

/// Unbuffered: a line on stdout means the event was acknowledged, so nothing may linger in a buffer.
func say(_ text: String, fd: Int32 = 1) {
  let bytes = Array((text + "\n").utf8)
  _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
}

let args = CommandLine.arguments
guard args.count >= 4, let id = try? LearnerID(validating: args[2]) else {
  say("usage: journal-writer <progress-root> <learner-id> append [count] | hold", fd: 2)
  exit(2)
}
let store = ProgressStore(root: args[1])

if args[3] == "generate" || args[3] == "replay" {
  measure(store: store, id: id, mode: args[3], count: args.count > 4 ? Int(args[4]) ?? 100_000 : 100_000)
  exit(0)
}

let writer: JournalWriter
do {
  writer = try store.openJournal(id)
} catch {
  say("error: \(error)")
  exit(1)
}

switch args[3] {
case "hold":
  say("ready")
  while true { sleep(60) }
case "append":
  let count = args.count > 4 ? Int(args[4]) ?? Int.max : Int.max
  var n = 0
  while n < count {
    n += 1
    let event = JournalEvent(
      kind: .answerSubmitted, course: "crash", lesson: "lesson-\(n % 3)",
      questionDigest: "d", raw: "answer \(n) \u{e9}\"\\", response: .text("answer \(n)"),
      outcome: n % 2 == 0 ? .correct : .wrong, credit: n % 2 == 0 ? 1 : 0, earned: 0.5,
      attempt: 1, seconds: Double(n) / 7)
    let withQuestion = { var e = event; e.question = "q\(n % 17)"; return e }()
    do {
      try writer.append(withQuestion)
    } catch {
      say("error: \(error)")
      exit(1)
    }
    say(withQuestion.id)
  }
  writer.close()
default:
  exit(2)
}

/// Journal replay speed, for a release build: `swift build -c release --product journal-writer`.
func measure(store: ProgressStore, id: LearnerID, mode: String, count: Int) {
  let path = store.journalPath(for: id)
  if mode == "generate" {
    _ = try? store.createProfile(name: id.rawValue)
    var bytes: [UInt8] = []
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
      bytes += try! JournalCodec.encode(event) + [0x0A]
    }
    _ = try? FileManager.default.createDirectory(
      atPath: store.directory(for: id), withIntermediateDirectories: true)
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    say("wrote \(count) events, \(bytes.count) bytes")
    return
  }
  var best = Double.infinity
  var events = 0
  for _ in 0..<5 {
    try? FileManager.default.removeItem(atPath: store.checkpointPath(for: id))
    let start = DispatchTime.now().uptimeNanoseconds
    let loaded = try! store.loadSummary(id)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    events = loaded.replayedEvents
    best = min(best, seconds)
  }
  let data = FileManager.default.contents(atPath: path)!
  var jsonBest = Double.infinity
  let lines = data.split(separator: 0x0A)
  for _ in 0..<2 {
    let start = DispatchTime.now().uptimeNanoseconds
    var s = JournalSummary()
    let decoder = JSONDecoder()
    for line in lines { s.apply(try! decoder.decode(JournalEvent.self, from: line)) }
    jsonBest = min(jsonBest, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
  }
  say("replayed \(events) events in \(Int(best * 1000)) ms: \(Int(Double(events) / best)) events/s")
  say("JSONDecoder loop: \(Int(Double(lines.count) / jsonBest)) events/s")
}
