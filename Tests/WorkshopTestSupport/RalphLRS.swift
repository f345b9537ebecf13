import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif
#if canImport(Glibc)
  import Glibc
#endif

/// A real Learning Record Store for tests: Ralph (https://github.com/openfun/ralph) with its file
/// backend, on a free loopback port, in a virtual environment that `scripts/install-ralph` makes.
/// It is started through `scripts/ralph-test-lrs.py` (one process, and a file backend that can
/// store more than one batch; the script says why).
/// Tests that need it are skipped with a message when it is not installed, except under CI
/// (`WORKSHOP_REQUIRE_RALPH=1`), where its absence fails them.
public final class RalphLRS: @unchecked Sendable {
  public static let username = "workshop-test"
  public static let password = "correct-horse-\(UInt32.random(in: 0...UInt32.max))"

  /// The virtual environment's folder: $WORKSHOP_RALPH_VENV, else `.build-venv` in the package.
  public static var venv: String {
    if let v = ProcessInfo.processInfo.environment["WORKSHOP_RALPH_VENV"], !v.isEmpty { return v }
    return BuiltProducts.packageRoot.appendingPathComponent(".build-venv").path
  }

  public static var ralph: String { venv + "/bin/ralph" }
  public static var python: String { venv + "/bin/python" }
  static var launcher: String { BuiltProducts.packageRoot.appendingPathComponent("scripts/ralph-test-lrs.py").path }
  public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: ralph) }
  public static var isRequired: Bool { ProcessInfo.processInfo.environment["WORKSHOP_REQUIRE_RALPH"] == "1" }
  /// Run the tests when Ralph is here, or when CI says it must be (they then fail loudly).
  public static var shouldRun: Bool { isInstalled || isRequired }
  public static let skipMessage = "Ralph (the test LRS) is not installed; run scripts/install-ralph to include these tests"

  /// `ralph auth` takes seconds (bcrypt), so one credentials file serves every server in the run.
  private static let authFile: Result<String, SupportError> = {
    guard isInstalled else { return .failure(SupportError("Ralph is not installed at \(ralph): run scripts/install-ralph")) }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ralph-auth-\(getpid())").path
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let file = dir + "/auth.json"
    do {
      let result = try ProcessRunner.run(
        ralph, ["auth", "-u", username, "-p", password, "-s", "all", "-M", "mailto:workshop-test@example.org", "-w"],
        environment: ["RALPH_AUTH_FILE": file, "RALPH_RUNSERVER_BACKEND": "fs"], currentDirectory: dir)
      guard result.status == 0, FileManager.default.fileExists(atPath: file) else {
        return .failure(SupportError("ralph auth failed: \(result.stderr.suffix(500))"))
      }
      return .success(file)
    } catch {
      return .failure(SupportError("cannot run ralph: \(error)"))
    }
  }()

  public let folder: String
  public let port: Int
  public var endpoint: String { "http://127.0.0.1:\(port)/xAPI/" }
  public private(set) var pid: pid_t = 0

  /// Starts Ralph storing into `folder`/data and waits until it answers; on `port` when given
  /// (an address a test has already handed out), else on a free one.
  public init(folder: String, port: Int? = nil) throws {
    self.folder = folder
    self.port = try port ?? Self.freePort()
    try start()
  }

  deinit { stop() }

  public func start() throws {
    let auth = try Self.authFile.get()
    try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
    let log = folder + "/ralph.log"
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // Its own process group, so that whatever it starts goes with it when it is killed.
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
    posix_spawnattr_setpgroup(&attributes, 0)
    var env = ProcessInfo.processInfo.environment
    env["RALPH_AUTH_FILE"] = auth
    // Ralph keeps a history file in its app folder; shared between servers it gets torn.
    env["RALPH_APP_DIR"] = folder + "/ralph-app"
    let arguments = [Self.python, Self.launcher, folder + "/data", String(port)]
    let argv = arguments.map { strdup($0) } + [nil]
    let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      argv.forEach { free($0) }
      envp.forEach { free($0) }
    }
    var child: pid_t = 0
    let rc = posix_spawn(&child, Self.python, &actions, &attributes, argv, envp)
    guard rc == 0 else { throw SupportError("cannot start ralph: posix_spawn \(rc)") }
    pid = child
    try waitUntilReady()
  }

  /// SIGKILL to the whole group, as a crash or a pulled plug would.
  public func stop() {
    guard pid > 0 else { return }
    kill(-pid, SIGKILL)
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    pid = 0
    // The worker is not our child; wait until the port is free again.
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline, Self.accepts(port: port) { usleep(50_000) }
  }

  /// Ralph's file backend has no crash recovery: killed in the middle of a write, it leaves half a
  /// line and answers 500 to everything afterwards. Drops that half line, as a database rolls
  /// back a write it never committed (the LRS never acknowledged it either).
  public func dropTornWrite() {
    // Its history file (bookkeeping of reads and writes, rewritten whole each time) may be torn too.
    try? FileManager.default.removeItem(atPath: folder + "/ralph-app/history.json")
    let path = folder + "/data/fs_lrs.jsonl"
    guard var data = FileManager.default.contents(atPath: path), !data.isEmpty, data.last != 0x0A else { return }
    while let last = data.last, last != 0x0A { data.removeLast() }
    try? data.write(to: URL(fileURLWithPath: path))
  }

  /// Polls `GET /xAPI/statements` until it answers 200.
  public func waitUntilReady(timeout: TimeInterval = 180) throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if get("statements?limit=1")?.status == 200 { return }
      var status: Int32 = 0
      if waitpid(pid, &status, WNOHANG) == pid {
        pid = 0
        let log = (try? String(contentsOfFile: folder + "/ralph.log", encoding: .utf8)) ?? ""
        throw SupportError("ralph exited at start-up: \(log.suffix(1500))")
      }
      usleep(200_000)
    }
    throw SupportError("ralph did not answer on port \(port) within \(Int(timeout)) s")
  }

  /// A GET against the LRS with the test credentials.
  public func get(_ path: String, password: String = RalphLRS.password) -> (status: Int, body: Data)? {
    var request = URLRequest(url: URL(string: endpoint + path)!)
    request.timeoutInterval = 10
    request.setValue("1.0.3", forHTTPHeaderField: "X-Experience-API-Version")
    request.setValue(
      "Basic " + Data("\(Self.username):\(password)".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
    final class Box: @unchecked Sendable { var value: (Int, Data)? }
    let box = Box()
    let done = DispatchSemaphore(value: 0)
    URLSession.shared.dataTask(with: request) { data, response, _ in
      if let http = response as? HTTPURLResponse { box.value = (http.statusCode, data ?? Data()) }
      done.signal()
    }.resume()
    done.wait()
    return box.value.map { (status: $0.0, body: $0.1) }
  }

  /// Every statement the LRS stored, one JSON document per entry, read from its data files:
  /// duplicates would show here even if the API hid them.
  public func storedStatements() -> [String] {
    let dir = folder + "/data"
    let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
    var out: [String] = []
    for f in files.sorted() {
      guard let text = try? String(contentsOfFile: dir + "/" + f, encoding: .utf8) else { continue }
      out += text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }
    return out
  }

  public static func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SupportError("socket failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    guard bound == 0 else { throw SupportError("bind failed") }
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
  }

  static func accepts(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    return withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
      }
    }
  }
}
