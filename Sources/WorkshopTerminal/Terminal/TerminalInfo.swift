#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What the process is connected to, and what it may therefore draw.
public struct TerminalInfo: Sendable {
  public var stdinIsTTY: Bool
  public var stdoutIsTTY: Bool
  /// Variables to use instead of the process environment (tests); nil reads the environment.
  public var overrides: [String: String]?

  public init(environment overrides: [String: String]? = nil) {
    self.stdinIsTTY = isatty(STDIN_FILENO) == 1
    self.stdoutIsTTY = isatty(STDOUT_FILENO) == 1
    self.overrides = overrides
  }

  /// One variable. Looked up one at a time: copying the whole environment costs start-up time.
  public func variable(_ name: String) -> String? {
    if let overrides { return overrides[name] }
    return getenv(name).map { String(cString: $0) }
  }

  /// Colour only on a terminal, and never with `NO_COLOR` (any value), `TERM=dumb`,
  /// `--no-color` or `--plain`.
  public func theme(plain: Bool, noColor: Bool) -> Theme {
    let envNoColor = variable("NO_COLOR").map { !$0.isEmpty } ?? false
    let dumb = variable("TERM") == "dumb"
    let color = stdoutIsTTY && !envNoColor && !dumb && !noColor && !plain
    return Theme(color: color, plain: plain)
  }

  /// Columns to wrap text to: `COLUMNS` when set, else the terminal's width, else 80.
  /// Read again before each render so a resized window is honoured.
  public func width() -> Int {
    if let columns = variable("COLUMNS"), let n = Int(columns), n > 0 { return n }
    var size = winsize()
    for fd in [STDOUT_FILENO, STDIN_FILENO] {
      if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    }
    return 80
  }

  /// Lines the window shows: `LINES` when set, else the terminal's height, else 24.
  public func height() -> Int {
    if let lines = variable("LINES"), let n = Int(lines), n > 0 { return n }
    var size = winsize()
    for fd in [STDOUT_FILENO, STDIN_FILENO] {
      if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 { return Int(size.ws_row) }
    }
    return 24
  }
}
