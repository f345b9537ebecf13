import Foundation
import Testing
import WorkshopEngine
import WorkshopTestSupport

/// Long pages go through a pager on a terminal, and never when output is piped.
@Suite(.serialized) struct PagerTests {
  @Test("a page taller than the window stops after each screen until Enter")
  func builtInPager() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let t = try PseudoTerminal(
      try BuiltProducts.workshop(),
      ["--learner", "ana", "--lessons", f.lessons, "--progress", f.progress],
      environment: ["WORKSHOP_CACHE": f.cache, "WORKSHOP_PAGER": "builtin"], columns: 80, rows: 6)
    #expect(t.waitFor("-- more"))
    #expect(!t.output.contains("Type a lesson"), "the menu's last lines wait for the next screen")
    var mark = t.mark
    t.send("\r", midLine: true)
    #expect(t.waitFor("Type a lesson", after: mark))
    #expect(t.waitFor("> ", after: mark))
    mark = t.mark
    t.send("quit\r", midLine: true)
    #expect(t.waitForExit() == 0)
  }

  @Test("piped output is never paged")
  func pipedOutputIsWhole() throws {
    let f = try SessionFixture()
    defer { f.remove() }
    let result = try f.run(
      ["--learner", "ana"], input: ["help", "quit"],
      environment: ["WORKSHOP_PAGER": "builtin", "LINES": "5"])
    #expect(result.status == 0)
    #expect(!result.stdout.contains("-- more"))
    #expect(result.stdout.contains("Commands (type the word"))
  }
}
