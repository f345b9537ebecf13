// Appends answer events to a learner's journal and prints each event's id only after
// `append` returned (the event is acknowledged). The crash tests SIGKILL it mid-stream.
//
//   journal-writer <progress-root> <learner-id> append [count]
//   journal-writer <progress-root> <learner-id> hold      (takes the lock, prints "ready", waits)
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
