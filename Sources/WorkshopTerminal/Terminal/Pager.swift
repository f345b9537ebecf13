#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Shows text that is taller than the window one screen at a time, so the top of a long page
/// or review does not scroll away unread.
///
/// `less -R` when it is installed; otherwise a built-in pager that waits for Enter after each
/// screen. `WORKSHOP_PAGER` names another command, or turns paging off with `off`. Never used
/// when output is not a terminal, nor in `--plain` mode (a screen reader reads the scrollback).
public struct Pager: Sendable {
  public enum Kind: Sendable, Hashable {
    case command([String])
    case builtIn
  }

  public var kind: Kind
  /// Window height in lines.
  public var rows: Int

  /// The pager to use on this terminal, or nil when paging is off.
  public static func choose(terminal: TerminalInfo, plain: Bool) -> Pager? {
    guard terminal.stdoutIsTTY, terminal.stdinIsTTY, !plain,
      terminal.variable("TERM") != "dumb"
    else { return nil }
    let rows = terminal.height()
    if let setting = terminal.variable("WORKSHOP_PAGER") {
      let words = setting.split(separator: " ").map(String.init)
      if words.isEmpty || words == ["off"] { return nil }
      if words == ["builtin"] { return Pager(kind: .builtIn, rows: rows) }
      return Pager(kind: .command(words), rows: rows)
    }
    if let less = findInPath("less", terminal: terminal) {
      // -R keeps colours, -X leaves the last screen in place on exit, -F quits at once if the
      // text fits after all, -K leaves on Ctrl-C.
      return Pager(kind: .command([less, "-R", "-X", "-F", "-K"]), rows: rows)
    }
    return Pager(kind: .builtIn, rows: rows)
  }

  /// Whether `text` (already wrapped to the window's width) needs the pager: it and the prompt
  /// after it do not fit in the window.
  public func isNeeded(for text: String) -> Bool {
    var lines = 0
    for byte in text.utf8 where byte == 0x0A { lines += 1 }
    return lines + 1 > rows
  }

  /// Shows `text` and returns when the reader has gone through it.
  @MainActor
  public func show(_ text: String) {
    switch kind {
    case .command(let argv):
      if !run(argv, input: text) { builtIn(text) }
    case .builtIn:
      builtIn(text)
    }
  }

  // MARK: - Built-in

  private func builtIn(_ text: String) {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    if lines.last == "" { lines.removeLast() }
    let screen = max(1, rows - 1)
    var start = 0
    while start < lines.count {
      let end = min(lines.count, start + screen)
      Console.write(lines[start..<end].joined(separator: "\n") + "\n")
      start = end
      guard start < lines.count else { break }
      Console.write("-- more: Enter for the next screen, a for all the rest --")
      let reply = readReply()
      Console.write("\r\u{1B}[K")
      if reply == nil || reply == "a" {
        Console.write(lines[start...].joined(separator: "\n") + "\n")
        break
      }
    }
  }

  /// A line typed at the built-in pager's prompt; nil at end of input.
  private func readReply() -> String? {
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while read(STDIN_FILENO, &byte, 1) == 1 {
      if byte == 0x0A || byte == 0x0D { return String(decoding: bytes, as: UTF8.self).lowercased() }
      bytes.append(byte)
    }
    return nil
  }

  // MARK: - External command

  /// Runs the pager with `text` on its standard input and waits for it; false if it could not
  /// be started.
  private func run(_ argv: [String], input: String) -> Bool {
    var pipeEnds: [Int32] = [0, 0]
    guard pipe(&pipeEnds) == 0 else { return false }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, pipeEnds[0], STDIN_FILENO)
    posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
    posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
    // The session ignores these signals and blocks them on the thread that serves its input (it
    // handles them through dispatch sources); the pager needs their default behaviour, unblocked,
    // and reads keys from the terminal itself.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signo in [SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP, SIGPIPE] {
      sigaddset(&defaults, signo)
    }
    var unblocked = sigset_t()
    sigemptyset(&unblocked)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setsigmask(&attributes, &unblocked)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { cArgs.forEach { free($0) } }
    var child: pid_t = 0
    let rc = posix_spawnp(&child, argv[0], &actions, &attributes, cArgs, environ)
    close(pipeEnds[0])
    guard rc == 0 else {
      close(pipeEnds[1])
      return false
    }
    // A pager that quits early closes its end; the write then fails with EPIPE instead of
    // killing the session, and what is left is simply not shown.
    let previous = signal(SIGPIPE, SIG_IGN)
    defer { signal(SIGPIPE, previous) }
    var bytes = Array(input.utf8)[...]
    while !bytes.isEmpty {
      let n = bytes.withUnsafeBytes { write(pipeEnds[1], $0.baseAddress, $0.count) }
      if n <= 0 {
        if n < 0 && errno == EINTR { continue }
        break
      }
      bytes = bytes.dropFirst(n)
    }
    close(pipeEnds[1])
    var status: Int32 = 0
    while waitpid(child, &status, 0) < 0 && errno == EINTR {}
    return true
  }

  private static func findInPath(_ name: String, terminal: TerminalInfo) -> String? {
    let path = terminal.variable("PATH") ?? "/usr/local/bin:/usr/bin:/bin"
    for folder in path.split(separator: ":") {
      let candidate = "\(folder)/\(name)"
      if access(candidate, X_OK) == 0 { return candidate }
    }
    return nil
  }
}
