import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A program running on a pseudo-terminal the test opened itself, as a learner's terminal would
/// run it: it is a session leader with the terminal as its controlling tty, so Ctrl-C typed
/// into the terminal becomes SIGINT.
public final class PseudoTerminal {
  public let pid: pid_t
  private let master: Int32
  /// Everything the program wrote, with carriage returns removed.
  public private(set) var output = ""
  public private(set) var exitStatus: Int32?

  public init(
    _ executable: String, _ arguments: [String], environment: [String: String],
    columns: UInt16 = 80, rows: UInt16 = 24
  ) throws {
    let fd = PTY.openpt(O_RDWR | O_NOCTTY)
    guard fd >= 0, PTY.grantpt(fd) == 0, PTY.unlockpt(fd) == 0, let name = PTY.ptsname(fd) else {
      throw SupportError("could not open a pseudo-terminal")
    }
    let slavePath = String(cString: name)
    var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
    _ = ioctl(fd, UInt(TIOCSWINSZ), &size)
    master = fd

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    // Opened after setsid, so the terminal becomes the child's controlling terminal.
    posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
    posix_spawn_file_actions_adddup2(&actions, 0, 1)
    posix_spawn_file_actions_adddup2(&actions, 0, 2)
    posix_spawn_file_actions_addclose(&actions, fd)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setflags(&attributes, PTY.spawnSetSID)

    var env = ProcessInfo.processInfo.environment
    for key in ["WORKSHOP_LEARNER", "WORKSHOP_LESSONS", "WORKSHOP_PROGRESS", "NO_COLOR", "COLUMNS", "LINES"] {
      env[key] = nil
    }
    env["TERM"] = "xterm"
    env["INPUTRC"] = "/dev/null"
    // Tests that read long pages see them whole; the pager's own tests turn it on.
    env["WORKSHOP_PAGER"] = "off"
    env.merge(environment) { _, new in new }
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      argv.forEach { free($0) }
      envp.forEach { free($0) }
    }
    var child: pid_t = 0
    let rc = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
    guard rc == 0 else { throw SupportError("posix_spawn failed: \(rc)") }
    pid = child
    _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
  }

  deinit {
    if exitStatus == nil {
      kill(pid, SIGKILL)
      var status: Int32 = 0
      waitpid(pid, &status, 0)
    }
    close(master)
  }

  /// Changes the window size, as dragging the window's corner would; the kernel sends the
  /// program SIGWINCH.
  public func resize(columns: UInt16, rows: UInt16 = 24) {
    var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
    _ = ioctl(master, UInt(TIOCSWINSZ), &size)
  }

  /// The prompt the program shows when it is ready for a line.
  public var prompt = "> "
  /// Where the last text waited for ended; the next prompt is looked for after it.
  private var lastMatchEnd: String.Index?

  /// Types `text` as if at the keyboard, once the prompt is back after the last output waited
  /// for: keys sent while the program is still printing could reach the terminal in cooked mode,
  /// where Ctrl-D and Ctrl-C mean something else.
  /// With `midLine`, the keys go straight away (the learner is in the middle of a line).
  public func send(_ text: String, midLine: Bool = false) {
    if !midLine, let from = lastMatchEnd {
      _ = waitFor(prompt, after: from, timeout: 5)
      lastMatchEnd = nil
    }
    let bytes = Array(text.utf8)
    var written = 0
    while written < bytes.count {
      let n = bytes[written...].withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
      if n > 0 { written += n } else if errno != EAGAIN && errno != EINTR { return }
    }
  }

  /// Reads until `text` has appeared after `from` (an offset into `output`), or the timeout.
  /// Returns whether it appeared.
  @discardableResult
  public func waitFor(_ text: String, after from: String.Index? = nil, timeout: Double = 20) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      let start = from ?? output.startIndex
      if let range = output[start...].range(of: text) {
        lastMatchEnd = text == prompt ? nil : range.upperBound
        return true
      }
      if Date() > deadline { return false }
      if !pump(milliseconds: 100) && reap() { return output[start...].contains(text) }
    }
  }

  /// The end of what has been read so far, to wait for text that comes after it.
  public var mark: String.Index { output.endIndex }

  /// Waits for the program to exit; returns its status, or nil on timeout.
  public func waitForExit(timeout: Double = 20) -> Int32? {
    let deadline = Date().addingTimeInterval(timeout)
    while exitStatus == nil && Date() < deadline {
      _ = pump(milliseconds: 50)
      _ = reap()
    }
    while pump(milliseconds: 0) {}
    return exitStatus
  }

  /// Collects the exit status if the program has ended; true once it has.
  private func reap() -> Bool {
    if exitStatus != nil { return true }
    var status: Int32 = 0
    if waitpid(pid, &status, WNOHANG) == pid {
      exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
      while pump(milliseconds: 0) {}
      return true
    }
    return false
  }

  /// Reads what is available; false when nothing came in time.
  private func pump(milliseconds: Int32) -> Bool {
    var p = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
    guard poll(&p, 1, milliseconds) > 0 else { return false }
    var buffer = [UInt8](repeating: 0, count: 4096)
    let n = read(master, &buffer, buffer.count)
    guard n > 0 else { return false }
    output += String(decoding: buffer[..<n], as: UTF8.self).replacingOccurrences(of: "\r", with: "")
    return true
  }
}

/// The pseudo-terminal calls of the C library. Swift's Glibc module leaves them out (they sit
/// behind _XOPEN_SOURCE), so they are looked up by name.
enum PTY {
  typealias IntFunction = @convention(c) (Int32) -> Int32
  typealias NameFunction = @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?

  #if os(Linux)
    /// glibc's POSIX_SPAWN_SETSID.
    static let spawnSetSID: Int16 = 0x80
  #else
    static let spawnSetSID: Int16 = 0x0400
  #endif

  private static func symbol<T>(_ name: String, as type: T.Type) -> T {
    let handle = dlopen(nil, RTLD_NOW)
    guard let pointer = dlsym(handle, name) else { fatalError("no \(name) in the C library") }
    return unsafeBitCast(pointer, to: type)
  }

  static func openpt(_ flags: Int32) -> Int32 { symbol("posix_openpt", as: IntFunction.self)(flags) }
  static func grantpt(_ fd: Int32) -> Int32 { symbol("grantpt", as: IntFunction.self)(fd) }
  static func unlockpt(_ fd: Int32) -> Int32 { symbol("unlockpt", as: IntFunction.self)(fd) }
  static func ptsname(_ fd: Int32) -> UnsafeMutablePointer<CChar>? {
    symbol("ptsname", as: NameFunction.self)(fd)
  }
}
