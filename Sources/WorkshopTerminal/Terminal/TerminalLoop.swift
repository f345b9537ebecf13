import Dispatch

/// The host loop every interactive front end runs on (the REPL, `workshop join`, the `serve`
/// console): lines from readline on a terminal or from a pipe, the terminal's signals, text
/// printed above the line being typed, and a clean stop.
///
/// Everything happens on the main queue: lines, signals and output arrive there in order, so a
/// front end is a single-threaded state machine that never locks.
@MainActor
public final class TerminalLoop {
  public struct Handlers {
    /// Each line typed, or nil at the end of input (Ctrl-D, or the pipe closed).
    public var line: @MainActor @Sendable (String?) -> Void
    /// Words TAB may complete to.
    public var completions: @MainActor @Sendable () -> [String]
    /// A closed terminal or a polite kill (SIGHUP, SIGTERM); also Ctrl-C when there is no line
    /// to clear and no `interrupt` handler.
    public var end: @MainActor @Sendable () -> Void
    /// Ctrl-C. When nil, Ctrl-C clears the line being typed and the program goes on.
    public var interrupt: (@MainActor @Sendable () -> Void)?

    public init(
      line: @escaping @MainActor @Sendable (String?) -> Void,
      completions: @escaping @MainActor @Sendable () -> [String] = { [] },
      end: @escaping @MainActor @Sendable () -> Void, interrupt: (@MainActor @Sendable () -> Void)? = nil
    ) {
      self.line = line
      self.completions = completions
      self.end = end
      self.interrupt = interrupt
    }
  }

  public let terminal: TerminalInfo
  let handlers: Handlers
  let quiet: Bool
  var prompt: String
  public private(set) var editor: ReadlineEditor?
  var signals: TerminalSignals?
  var historyPath: String?

  /// - Parameter quiet: no terminal control beyond what line editing needs (`--plain`,
  ///   `TERM=dumb`).
  public init(terminal: TerminalInfo, prompt: String, quiet: Bool, handlers: Handlers) {
    self.terminal = terminal
    self.prompt = prompt
    self.quiet = quiet || terminal.variable("TERM") == "dumb"
    self.handlers = handlers
  }

  /// Takes over the terminal's signals. Call before anything that may take a while, so an early
  /// Ctrl-C or SIGTERM already goes through `handlers`.
  public func installSignals() {
    guard signals == nil else { return }
    let handlers = self.handlers
    signals = TerminalSignals(
      interrupt: { [unowned self] in
        if let interrupt = handlers.interrupt {
          interrupt()
        } else if let editor = self.editor {
          editor.cancelLine()
        } else {
          handlers.end()
        }
      },
      end: { handlers.end() },
      resize: { [unowned self] in self.editor?.resized() })
  }

  /// Starts reading lines: readline when standard input is a terminal, plain lines otherwise
  /// (no prompt in the output, so a transcript of piped input reads cleanly).
  public func startInput() {
    installSignals()
    guard terminal.stdinIsTTY else {
      let handle = handlers.line
      // Reading blocks, so it happens off the main queue; lines are handled on it, in order.
      DispatchQueue.global().async {
        while let line = readLine(strippingNewline: true) {
          DispatchQueue.main.async { MainActor.assumeIsolated { handle(line) } }
        }
        DispatchQueue.main.async { MainActor.assumeIsolated { handle(nil) } }
      }
      return
    }
    let completions = handlers.completions
    let handle = handlers.line
    let editor = ReadlineEditor(
      prompt: prompt, completer: { _ in completions() },
      onLine: { line in
        // readline leaves the cursor after the prompt on Ctrl-D.
        if line == nil { Console.write("\n") }
        handle(line)
      })
    self.editor = editor
    if let historyPath { editor.useHistory(path: historyPath) }
    // The prompt goes where the learner looks: standard error when the output is piped.
    editor.start(output: terminal.stdoutIsTTY ? .standardOutput : .standardError, quiet: quiet)
  }

  /// Keeps the typed lines in `path` (mode 0600), now or once the editor starts.
  public func useHistory(path: String) {
    historyPath = path
    editor?.useHistory(path: path)
  }

  public func setPrompt(_ text: String) {
    prompt = text
    editor?.setPrompt(text)
  }

  /// Prints `text` above the line being typed, which survives; a line break is added if missing.
  public func show(_ text: String) {
    let line = text.hasSuffix("\n") ? text : text + "\n"
    if let editor { editor.printAbove(line) } else { Console.write(line) }
  }

  /// Gives the terminal back as readline found it.
  public func stop() {
    editor?.stop()
    editor = nil
  }
}
