import ArgumentParser

/// The commands that live in the companion executable `workshop-live`, which holds the network
/// stack (SwiftNIO, Hummingbird, AsyncHTTPClient) so that the learner's `workshop` does not load
/// it: the live session (`serve`, `join`) and sending records to an LRS (`sync`). `workshop serve`,
/// `join` and `sync` replace themselves with it (as git does with its subcommands); both
/// executables list the same help.
public enum LiveCommands {
  public static let executable = "workshop-live"
  public static let names: Set<String> = ["serve", "join", "sync"]

  public static let serve = CommandConfiguration(
    commandName: "serve",
    abstract: "Run a live, instructor-led session of a course for learners on this network.",
    discussion: """
      Prints a join code, the address learners give to `workshop join`, and the address of the \
      instructor's page (it carries a secret token: keep it to yourself). Binds to 127.0.0.1 \
      unless --host says otherwise (e.g. --host 0.0.0.0 for the room's network).

      Every accepted answer is saved before it is acknowledged. Running the same command again \
      after a crash resumes the unfinished session of the course with everything intact. \
      Ctrl-C, SIGTERM or `quit` stop the server gracefully.
      """
  )

  public static let join = CommandConfiguration(
    commandName: "join",
    abstract: "Join an instructor's live session on this network.",
    discussion: """
      The instructor sets the pace: questions open, close and are revealed from the front of \
      the room. Type your answer at the prompt (a letter, several letters, true/false, a word \
      or a number, as the question asks); `hint`, `skip`, `next`, `back`, `repeat` and `quit` \
      also work, as in your own sessions. If the connection drops, workshop reconnects by \
      itself and nothing is lost; running the same command again also picks up where you were. \
      Your answers go into your own progress journal as the server acknowledges them \
      (`workshop progress` shows the lesson), and at the end your signed record is saved in \
      your progress folder.
      """
  )

  public static let sync = CommandConfiguration(
    commandName: "sync",
    abstract: "Send learners' xAPI statements to a Learning Record Store, each exactly once.",
    discussion: """
      Statements are the ones `workshop export --format xapi` writes. They wait in an outbox
      (0600, beside the progress or records folder) until the LRS acknowledges them, so an
      interrupted sync can simply be run again. Settings come from options, the environment
      (WORKSHOP_LRS_ENDPOINT, WORKSHOP_LRS_USERNAME, WORKSHOP_LRS_PASSWORD, WORKSHOP_LRS_TOKEN)
      or a config file (~/.workshop/lrs.conf). Secrets are never taken as option values.
      Exit status: 0 all delivered (or, with --check, all match); 1 some left for later, or
      differences found; 2 some refused by the LRS; 64 bad settings. See docs/records.md.
      """)
}
