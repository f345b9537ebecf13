/// What `workshop join` and the `serve` console say, kept together so it can be read and
/// reviewed as prose. Words shared with the REPL come from its `Copy`.
enum LiveCopy {
  static let journalLocked = "The live session writes to the same progress journal: leave the other session first."
  static let reconnecting = "(connection lost — reconnecting…)"
  static let skipped = "Skipped."
  static let questionClosed = "The question is closed."
  static let howTheRoomAnswered = "How the room answered:"
  static let removed = "The instructor removed you from the session."
  static let sessionEnded = "The session has ended."
  static let left = "Left the session. Run the same command to come back."
  static let noQuestion = "There is no question to answer right now."
  static let nothingYet = "Nothing is on screen yet: wait for the instructor to open a lesson."
  static let help =
    "Type your answer when a question is open. Commands: hint, skip, next and back (when the pace is yours; Enter "
    + "also moves on), repeat, help, quit. "
    + "To give a command word as an answer, start it with =, as in =next."

  static let paceIsYours =
    "The instructor has given you the pace: you stay where you are; Enter or next moves on, back goes back."
  static let enterMovesOn = "Press Enter (or type next) to go on."
  static let paceIsInstructors = "The instructor sets the pace again: your screen follows the room."

  static func joining(_ address: String) -> String { "Joining \(address)…" }
  static func rejoining(_ address: String) -> String { "Rejoining the session at \(address)…" }
  static func sessionOver(_ why: String) -> String { "Session over: \(why)." }
  static func notAccepted(_ why: String) -> String { "Not accepted: \(why)" }
  static func secondsLeft(_ n: Int) -> String { "\(n) s to answer." }

  static func welcome(_ name: String, _ course: String, studentPaced: Bool) -> String {
    "Welcome, \(name) — \(course); " + (studentPaced ? "the pace is yours." : "the instructor sets the pace.")
  }

  static func yourScore(_ percent: String, passed: Bool) -> String {
    "Your score: \(percent)" + (passed ? " — passed." : ".")
  }

  static func recordSaved(_ path: String) -> String { "Your signed record: \(path)" }

  static func attemptsLeft(_ n: Int) -> String { n == 1 ? "1 more attempt." : "\(n) more attempts." }

  static func notInLiveSession(_ word: String) -> String {
    "'\(word)' works in your own sessions, not in a live one. Type help for what works here."
  }
}
