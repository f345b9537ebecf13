#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A companion program run beside this one: its standard input is a socket we write lines to,
/// its standard output a pipe we read lines from, its standard error discarded. Started with
/// posix_spawn, so that the learner's binary needs no corelibs Foundation (`Process`, `Pipe`).
public final class ChildProcess: @unchecked Sendable {
  public struct StartFailure: Error, Sendable, CustomStringConvertible {
    public var description: String
  }

  private let pid: pid_t
  /// Our end of the child's standard input.
  private let input: Int32
  /// The reading end of the child's standard output.
  public let output: Int32
  private let lock = Lock()
  private var exited = false

  private init(pid: pid_t, input: Int32, output: Int32) {
    self.pid = pid
    self.input = input
    self.output = output
  }

  /// Starts `path` with `arguments` (not counting its own name).
  public static func start(path: String, arguments: [String]) throws(StartFailure) -> ChildProcess {
    // A socket rather than a pipe for the input, so that writing to a child that has died raises
    // no SIGPIPE here (MSG_NOSIGNAL); close-on-exec, so that no other child keeps an end open.
    var pair: [Int32] = [-1, -1]
    guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
      throw StartFailure(description: String(cString: strerror(errno)))
    }
    var replies: [Int32] = [-1, -1]
    guard pipe(&replies) == 0, fcntl(replies[0], F_SETFD, FD_CLOEXEC) == 0, fcntl(replies[1], F_SETFD, FD_CLOEXEC) == 0
    else {
      let reason = String(cString: strerror(errno))
      close(pair[0])
      close(pair[1])
      throw StartFailure(description: reason)
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, pair[1], STDIN_FILENO)
    posix_spawn_file_actions_adddup2(&actions, replies[1], STDOUT_FILENO)
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)
    // The session handles these signals itself; the child gets their default behaviour.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signo in [SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGWINCH, SIGTSTP, SIGPIPE, SIGCHLD] {
      sigaddset(&defaults, signo)
    }
    var unblocked = sigset_t()
    sigemptyset(&unblocked)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setsigmask(&attributes, &unblocked)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
    close(pair[1])
    close(replies[1])
    guard rc == 0 else {
      close(pair[0])
      close(replies[0])
      throw StartFailure(description: String(cString: strerror(rc)))
    }
    return ChildProcess(pid: pid, input: pair[0], output: replies[0])
  }

  /// Writes `bytes` to the child's input without ever blocking: a child too far behind to take
  /// them (or gone) simply does not get them.
  public func sendWithoutWaiting(_ bytes: [UInt8]) {
    _ = bytes.withUnsafeBytes { send(input, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)) }
  }

  /// Tells the child that no more input comes (end of file on its standard input).
  public func closeInput() { shutdown(input, Int32(SHUT_WR)) }

  public var isRunning: Bool {
    lock.withLock {
      if exited { return false }
      var status: Int32 = 0
      let result = waitpid(pid, &status, WNOHANG)
      if result == pid || (result < 0 && errno == ECHILD) { exited = true }
      return !exited
    }
  }

  public func terminate() { kill(pid, SIGTERM) }

  /// Collects the child's exit if it comes within `seconds`, without ever blocking longer: for a
  /// child that has closed its output, so that it does not stay a zombie.
  public func reap(within seconds: Double) {
    var waited = 0.0
    while isRunning, waited < seconds {
      usleep(20_000)
      waited += 0.02
    }
  }

  public func waitUntilExit() {
    lock.withLock {
      guard !exited else { return }
      var status: Int32 = 0
      while waitpid(pid, &status, 0) < 0, errno == EINTR {}
      exited = true
    }
  }

  /// Runs `body` on a thread of its own, for a loop that blocks reading the child's output.
  public static func detachThread(_ body: @escaping @Sendable () -> Void) {
    final class Box: @unchecked Sendable {
      let body: @Sendable () -> Void
      init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let rc = pthread_create(&thread, nil, { context in
      let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
      box.body()
      return nil
    }, context)
    if rc == 0 {
      pthread_detach(thread)
    } else {
      Unmanaged<Box>.fromOpaque(context).release()
    }
  }
}

/// Lines read from a file descriptor, without the newline; nil at end of file.
public struct DescriptorLines: Sendable {
  let descriptor: Int32
  private var buffer: [UInt8] = []

  public init(descriptor: Int32) { self.descriptor = descriptor }

  public mutating func next() -> Substring? {
    while true {
      if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
        let line = String(decoding: buffer[..<newline], as: UTF8.self)
        buffer.removeSubrange(...newline)
        return line[...]
      }
      var chunk = [UInt8](repeating: 0, count: 4096)
      let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count < 0, errno == EINTR { continue }
      guard count > 0 else { return nil }
      buffer.append(contentsOf: chunk[..<count])
    }
  }
}
