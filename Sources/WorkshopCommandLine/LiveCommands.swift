import ArgumentParser

/// `serve` and `join`, which live in the companion executable `workshop-live` so that the
/// learner's `workshop` does not load the network stack. `workshop serve` and `workshop join`
/// replace themselves with it (as git does with its subcommands); both list the same help.
public enum LiveCommands {
  public static let executable = "workshop-live"
  public static let names: Set<String> = ["serve", "join"]

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
}
