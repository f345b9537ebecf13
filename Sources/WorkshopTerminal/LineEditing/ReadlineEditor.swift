import CReadline
import Dispatch
import WorkshopEngine

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Line editing on a terminal with GNU readline's callback interface.
///
/// A blocking `readline()` would never let Ctrl-C through and could not print anything while
/// the learner types. Here readline is fed one character at a time by a dispatch source on
/// standard input, signals arrive as dispatch events, and `printAbove` can show a message above
/// the prompt at any time (live sessions will use it).
@MainActor
public final class ReadlineEditor {
  /// The editor that readline's C callbacks talk to; there is only ever one terminal.
  static var current: ReadlineEditor?

  let onLine: (String?) -> Void
  let completer: (String) -> [String]
  var historyPath: String?
  var prompt: String
  var input: (any DispatchSourceRead)?
  var installed = false
  /// True while `onLine` runs: the line is finished, and readline shows a fresh prompt when the
  /// handler returns.
  var acceptingLine = false

  /// - Parameters:
  ///   - completer: words TAB may complete to, given the word typed so far.
  ///   - onLine: called with each line, or nil at end of input (Ctrl-D on an empty line).
  public init(
    prompt: String, completer: @escaping (String) -> [String],
    onLine: @escaping (String?) -> Void
  ) {
    self.prompt = prompt
    self.completer = completer
    self.onLine = onLine
  }

  /// Installs readline on standard input and shows the prompt.
  /// - Parameters:
  ///   - output: where the prompt and the line being typed are drawn.
  ///   - quiet: no terminal control sequences beyond what line editing needs
  ///     (bracketed paste off), for `--plain` and screen readers.
  public func start(output: ConsoleStream, quiet: Bool = false) {
    ReadlineEditor.current = self
    workshop_rl_set_readline_name("workshop")
    // Signals are ours: readline must neither catch them nor rewrite LINES/COLUMNS.
    workshop_rl_set_catch_signals(0)
    workshop_rl_set_catch_sigwinch(0)
    workshop_rl_set_change_environment(0)
    workshop_rl_set_outstream(output.file)
    workshop_rl_set_attempted_completion_function(completionCallback)
    using_history()
    if quiet { rl_variable_bind("enable-bracketed-paste", "off") }
    rl_callback_handler_install(prompt, lineCallback)
    installed = true
    let source = DispatchSource.makeReadSource(fileDescriptor: STDIN_FILENO, queue: .main)
    source.setEventHandler {
      MainActor.assumeIsolated {
        guard ReadlineEditor.current?.installed == true else { return }
        rl_callback_read_char()
      }
    }
    source.resume()
    input = source
  }

  /// Loads the learner's history (created 0600 if missing) and appends each new line to it.
  /// A history that is not the learner's own regular file (a link, a FIFO) is left alone and
  /// the session goes without history, since readline would write through it.
  public func useHistory(path: String) {
    guard let fd = try? DurableFile.open(path, flags: O_WRONLY | O_CREAT | O_APPEND) else {
      historyPath = nil
      return
    }
    DurableFile.close(fd)
    clear_history()
    history_truncate_file(path, 1000)
    read_history(path)
    historyPath = path
  }

  public func setPrompt(_ text: String) {
    guard text != prompt else { return }
    prompt = text
    rl_set_prompt(text)
  }

  /// Prints `text` above the line being typed, then redraws the prompt and the line.
  public func printAbove(_ text: String) {
    // While a line is being handled there is no line being typed to draw again; redrawing it
    // would echo the finished line a second time.
    guard installed, !acceptingLine else {
      Console.write(text)
      return
    }
    rl_clear_visible_line()
    Console.write(text)
    if !text.hasSuffix("\n") { Console.write("\n") }
    rl_on_new_line()
    rl_forced_update_display()
  }

  /// Ctrl-C: throw away what was typed and show a fresh prompt; the session goes on.
  public func cancelLine() {
    guard installed else { return }
    rl_free_line_state()
    rl_callback_sigcleanup()
    rl_replace_line("", 0)
    Console.write("^C\n")
    rl_on_new_line()
    rl_redisplay()
  }

  /// The window changed size: let readline recompute its line layout.
  public func resized() {
    if installed { rl_resize_terminal() }
  }

  /// Gives the terminal back in the state readline found it.
  public func stop() {
    input?.cancel()
    input = nil
    if installed {
      rl_callback_handler_remove()
      installed = false
    }
  }

  func accept(_ line: String?) {
    if let line, !line.allSatisfy(\.isWhitespace) {
      add_history(line)
      if let historyPath { append_history(1, historyPath) }
    }
    acceptingLine = true
    defer { acceptingLine = false }
    onLine(line)
  }
}

private let lineCallback: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void = { pointer in
  let line = pointer.map { String(cString: $0) }
  free(pointer)
  MainActor.assumeIsolated { ReadlineEditor.current?.accept(line) }
}

private let completionCallback:
  @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<
    UnsafeMutablePointer<CChar>?
  >? = { text, _, _ in
    // Never fall back to completing file names.
    workshop_rl_set_attempted_completion_over(1)
    let prefix = text.map { String(cString: $0) } ?? ""
    let words = MainActor.assumeIsolated {
      ReadlineEditor.current.map { Completion.matches(prefix, in: $0.completer(prefix)) } ?? []
    }
    guard !words.isEmpty else { return nil }
    let list = words.count == 1 ? words : [Completion.commonPrefix(words)] + words
    workshop_rl_set_completion_append_character(words.count == 1 ? 32 : 0)
    var cStrings = list.map { strdup($0) }
    defer { cStrings.forEach { free($0) } }
    return cStrings.withUnsafeMutableBufferPointer { buf in
      buf.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buf.count) {
        workshop_rl_matches(prefix, $0, Int32(buf.count))
      }
    }
  }
