import Foundation
import Testing
import WorkshopEngine
import WorkshopTestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// The session on a real pseudo-terminal: readline editing, history, Ctrl-C and Ctrl-D.
@Suite(.serialized) struct PtySessionTests {
  func open(_ f: SessionFixture, _ arguments: [String] = []) throws -> PseudoTerminal {
    try PseudoTerminal(
      try BuiltProducts.workshop(),
      arguments + ["--learner", "ana", "--lessons", f.lessons, "--progress", f.progress],
      environment: ["WORKSHOP_CACHE": f.cache])
  }

  @Test("TAB completes commands and lesson ids")
  func tabCompletion() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let t = try open(f)
    #expect(t.waitFor("> "))
    var mark = t.mark
    t.send("hel\t\r")
    #expect(t.waitFor("Commands (type the word", after: mark))
    mark = t.mark
    t.send("first-st\t\r")
    #expect(t.waitFor("Lesson 1 of 2: First Steps", after: mark))
    mark = t.mark
    t.send("\r")
    #expect(t.waitFor("Which licence allows any use?", after: mark))
    mark = t.mark
    t.send(":hi\t\r")
    #expect(t.waitFor("Hint 1 of 2:", after: mark))
    t.send("\u{04}")
    #expect(t.waitForExit() == 0)
  }

  @Test("Up arrow recalls lines from an earlier session; history is private to the learner")
  func historyAcrossRuns() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    do {
      let t = try open(f)
      #expect(t.waitFor("> "))
      let mark = t.mark
      t.send("progress\r")
      #expect(t.waitFor("lessons passed", after: mark))
      t.send("quit\r")
      #expect(t.waitForExit() == 0)
    }
    let path = f.progress + "/ana/history"
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    #expect((attributes[.posixPermissions] as? Int) == 0o600)
    #expect(try String(contentsOfFile: path, encoding: .utf8).contains("progress"))

    let t = try open(f)
    #expect(t.waitFor("> "))
    let mark = t.mark
    t.send("\u{1B}[A\u{1B}[A\r")  // up twice: "quit", then "progress"
    #expect(t.waitFor("lessons passed", after: mark))
    t.send("\u{04}")
    #expect(t.waitForExit() == 0)
  }

  @Test("Ctrl-C throws away the line being typed and the session goes on")
  func controlC() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let t = try open(f)
    #expect(t.waitFor("> "))
    var mark = t.mark
    t.send("no-such-thing")
    #expect(t.waitFor("no-such-thing", after: mark))
    mark = t.mark
    t.send("\u{03}", midLine: true)
    #expect(t.waitFor("^C", after: mark))
    mark = t.mark
    t.send("help\r")
    #expect(t.waitFor("Commands (type the word", after: mark))
    #expect(!t.output[mark...].contains("There is no lesson"))
    t.send("quit\r")
    #expect(t.waitForExit() == 0)
  }

  @Test("Ctrl-D on an empty line saves and exits with status 0")
  func controlD() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let t = try open(f, ["start", "first-steps"])
    #expect(t.waitFor("Lesson 1 of 2: First Steps"))
    t.send("\r")
    #expect(t.waitFor("Which licence allows any use?"))
    t.send("b\r")
    #expect(t.waitFor("Correct."))
    t.send("\u{04}")
    #expect(t.waitForExit() == 0)
    #expect(t.output.contains("Your progress is saved."))
    let events = try f.journal()
    #expect(events.contains { $0.kind == .answerSubmitted && $0.outcome == .correct })
    #expect(events.last?.kind == .sessionEnded)
  }

  @Test("a closed terminal (SIGHUP) or SIGTERM ends the session cleanly")
  func hangup() throws {
    for signo in [SIGHUP, SIGTERM] {
      let f = try SessionFixture()
      defer { f.remove() }
      let t = try open(f, ["start", "first-steps"])
      #expect(t.waitFor("Lesson 1 of 2: First Steps"))
      t.send("\r")
      #expect(t.waitFor("Which licence allows any use?"))
      kill(t.pid, signo)
      #expect(t.waitForExit() == 0)
      #expect(try f.journal().last?.kind == .sessionEnded)
    }
  }

  @Test("on a terminal, colour is used unless NO_COLOR or --plain say otherwise")
  func colourPolicy() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let colored = try open(f)
    #expect(colored.waitFor("> "))
    #expect(colored.output.contains("\u{1B}[1;35m"))
    colored.send("\u{04}")
    #expect(colored.waitForExit() == 0)

    let plain = try open(f, ["start", "first-steps", "--plain"])
    #expect(plain.waitFor("Press Enter to continue."))
    plain.send("\r")
    #expect(plain.waitFor("Choice A: A restrictive licence"))
    plain.send("he\t\r")
    #expect(plain.waitFor("Answers and commands"))
    plain.send("b\r")
    #expect(plain.waitFor("Correct."))
    plain.send("\u{04}")
    #expect(plain.waitForExit() == 0)
    // Not even readline's bracketed-paste switch: nothing but text reaches a screen reader.
    #expect(!plain.output.contains("\u{1B}"))
  }

  @Test("after the window is resized, text is wrapped to the new width")
  func resize() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let t = try open(f)
    #expect(t.waitFor("> "))
    var mark = t.mark
    t.send("help\r")
    #expect(t.waitFor("Answers and commands: a line that is exactly a command word is a command.", after: mark))
    t.resize(columns: 40)
    mark = t.mark
    t.send("help\r")
    #expect(t.waitFor("Answers and commands: a line that is\nexactly a command word", after: mark))
    t.send("\u{04}")
    #expect(t.waitForExit() == 0)
  }
}
