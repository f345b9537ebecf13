import Crypto
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a file or folder looked like when the loader read it. A cached library is used only while
/// every stamp still matches, so any edit, added or removed file sends start-up back to the files.
struct FileStamp: Sendable, Hashable {
  var path: String
  var isDirectory: Bool
  var device: UInt64
  var inode: UInt64
  var size: Int64
  /// Nanoseconds since 1970.
  var modified: Int64
  var changed: Int64
  /// SHA-256 of the content (a folder's sorted names), kept only when the file changed moments
  /// before it was read: timestamps tick coarsely, so a second edit of the same size within the
  /// same tick would leave them equal.
  var contentHash: [UInt8]?

  /// How recent a change must be for the timestamps alone not to be trusted.
  static let racyWindowNanoseconds: Int64 = 2_000_000_000

  init(path: String, info: stat, content: () -> [UInt8]?) {
    self.path = path
    isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
    device = UInt64(info.st_dev)
    inode = UInt64(info.st_ino)
    size = Int64(info.st_size)
    modified = Self.nanoseconds(info.st_mtim)
    changed = Self.nanoseconds(info.st_ctim)
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    let latest = max(modified, changed)
    if latest >= Self.nanoseconds(now) - Self.racyWindowNanoseconds {
      contentHash = content().map { Array(SHA256.hash(data: $0)) }
    }
  }

  init(
    path: String, isDirectory: Bool, device: UInt64, inode: UInt64, size: Int64,
    modified: Int64, changed: Int64, contentHash: [UInt8]?
  ) {
    self.path = path
    self.isDirectory = isDirectory
    self.device = device
    self.inode = inode
    self.size = size
    self.modified = modified
    self.changed = changed
    self.contentHash = contentHash
  }

  /// A folder's stamp, taken before it is listed.
  static func folder(_ path: String) -> FileStamp? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return FileStamp(path: path, info: info) { listing(path) }
  }

  /// Whether the content hash is no longer needed: the last change is now far enough in the past
  /// that any later change would move the timestamps.
  var hashIsRedundant: Bool {
    guard contentHash != nil else { return false }
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return max(modified, changed) < Self.nanoseconds(now) - Self.racyWindowNanoseconds
  }

  /// Whether the file or folder is still as it was.
  func isCurrent() -> Bool {
    var info = stat()
    guard stat(path, &info) == 0 else { return false }
    guard ((info.st_mode & S_IFMT) == S_IFDIR) == isDirectory, UInt64(info.st_dev) == device,
      UInt64(info.st_ino) == inode, Int64(info.st_size) == size,
      Self.nanoseconds(info.st_mtim) == modified, Self.nanoseconds(info.st_ctim) == changed
    else { return false }
    guard let contentHash else { return true }
    let content = isDirectory ? Self.listing(path) : Self.contents(path)
    return content.map { Array(SHA256.hash(data: $0)) } == contentHash
  }

  static func nanoseconds(_ t: timespec) -> Int64 { Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec) }

  /// A folder's names, sorted, one a line.
  static func listing(_ path: String) -> [UInt8]? {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return nil }
    return Array(names.sorted().joined(separator: "\n").utf8)
  }

  static func contents(_ path: String) -> [UInt8]? {
    // Never blocks on a FIFO; only regular files have contents worth hashing.
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    return readAll(fd)
  }
}

/// Reads an open file to its end.
func readAll(_ fd: Int32) -> [UInt8]? {
  var info = stat()
  guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
  var bytes: [UInt8] = []
  bytes.reserveCapacity(max(Int(info.st_size), 0))
  var chunk = [UInt8](repeating: 0, count: 65536)
  while true {
    let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    if n < 0 {
      if errno == EINTR { continue }
      return nil
    }
    if n == 0 { break }
    bytes.append(contentsOf: chunk[0..<n])
  }
  return bytes
}

/// A snapshot of a loaded library and its diagnostics, stored outside the lessons and the
/// progress folders, and trusted only while every file and folder it came from is unchanged.
enum LibraryCache {
  static let magic: [UInt8] = Array("WSLIBv3\n".utf8)

  /// `$WORKSHOP_CACHE`, else `$XDG_CACHE_HOME/workshop`, else `~/.cache/workshop`.
  static func directory() -> String? {
    // getenv, not ProcessInfo: that builds a dictionary of the whole environment on every call.
    directory { getenv($0).map { String(cString: $0) } }
  }

  static func directory(environment: [String: String]) -> String? {
    directory { environment[$0] }
  }

  private static func directory(_ variable: (String) -> String?) -> String? {
    if let dir = variable("WORKSHOP_CACHE"), !dir.isEmpty { return dir }
    if let xdg = variable("XDG_CACHE_HOME"), xdg.hasPrefix("/") { return xdg + "/workshop" }
    if let home = variable("HOME"), !home.isEmpty { return join(home, ".cache/workshop") }
    return nil
  }

  /// The cache file for a root as given, from the current folder.
  static func file(for root: String, in directory: String) -> String {
    var absolute = root
    if !root.hasPrefix("/") {
      absolute = join(FileManager.default.currentDirectoryPath, root)
    }
    let key = Array(SHA256.hash(data: Array((absolute + "\u{0}" + root).utf8)))
    return join(directory, "library-" + Hex.string(key.prefix(12)) + ".bin")
  }

  // MARK: Reading

  /// A snapshot read back from the cache.
  struct Snapshot {
    var library: LessonLibrary
    var diagnostics: [Diagnostic]
    var stamps: [FileStamp]
  }

  /// The cached library, when the file is intact and every stamp still matches.
  static func read(path: String, root: String) -> (LessonLibrary, [Diagnostic])? {
    readSnapshot(path: path, root: root).map { ($0.library, $0.diagnostics) }
  }

  static func readSnapshot(path: String, root: String) -> Snapshot? {
    guard let bytes = FileStamp.contents(path), bytes.count > magic.count + 8,
      Array(bytes[0..<magic.count]) == magic
    else { return nil }
    let body = magic.count..<(bytes.count - 8)
    let stored = bytes[(bytes.count - 8)...].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    guard checksum(bytes, body) == UInt64(littleEndian: stored) else { return nil }
    var input = BinaryIn(Array(bytes[body]))
    do throws(BinaryIn.Malformed) {
      guard try input.string() == WorkshopVersion.current, try input.string() == root else {
        return nil
      }
      let stamps = try input.array { (i) throws(BinaryIn.Malformed) in try i.stamp() }
      for stamp in stamps where !stamp.isCurrent() { return nil }
      let diagnostics = try input.array { (i) throws(BinaryIn.Malformed) in try i.diagnostic() }
      let courses = try input.array { (i) throws(BinaryIn.Malformed) in try i.cachedCourse() }
      guard input.i == input.bytes.count else { return nil }
      return Snapshot(
        library: LessonLibrary(root: root, courses: courses), diagnostics: diagnostics, stamps: stamps)
    } catch {
      return nil
    }
  }

  // MARK: Writing

  /// Stores the snapshot; any failure leaves no cache behind and is otherwise ignored.
  static func write(
    path: String, root: String, library: LessonLibrary, diagnostics: [Diagnostic],
    stamps: [FileStamp]
  ) {
    var out = BinaryOut()
    out.bytes = magic
    out.string(WorkshopVersion.current)
    out.string(root)
    out.array(stamps) { $0.stamp($1) }
    out.array(diagnostics) { $0.diagnostic($1) }
    out.array(library.courses) { $0.cachedCourse($1) }
    var sum = checksum(out.bytes, magic.count..<out.bytes.count).littleEndian
    withUnsafeBytes(of: &sum) { out.bytes.append(contentsOf: $0) }

    let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
    guard makeDirectories(directory) else { return }
    // A cache is rebuilt from the lessons, so a failed write costs only speed; it is still
    // written durably (never half a file under the final name) and never through a link.
    try? DurableFile.writeAtomically(path, out.bytes)
  }

  /// `mkdir -p` with 0700 folders (caches may hold course content).
  private static func makeDirectories(_ path: String) -> Bool {
    if path.isEmpty { return true }
    var info = stat()
    if stat(path, &info) == 0 { return (info.st_mode & S_IFMT) == S_IFDIR }
    if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
      guard makeDirectories(String(path[..<slash])) else { return false }
    }
    return mkdir(path, 0o700) == 0 || errno == EEXIST
  }

  /// A fast 64-bit checksum that catches torn or damaged files (not tampering: the cache holds
  /// nothing a user could not write into the lesson files themselves).
  static func checksum(_ bytes: [UInt8], _ range: Range<Int>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(range.count)
    bytes.withUnsafeBytes { raw in
      var i = range.lowerBound
      while i + 8 <= range.upperBound {
        let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        h = (h ^ word) &* 0x0000_0100_0000_01B3
        h ^= h >> 29
        i += 8
      }
      while i < range.upperBound {
        h = (h ^ UInt64(raw[i])) &* 0x0000_0100_0000_01B3
        i += 1
      }
    }
    return h
  }
}

// MARK: - Encoding

extension BinaryOut {
  mutating func stamp(_ s: FileStamp) {
    string(s.path)
    bool(s.isDirectory)
    uint(s.device)
    uint(s.inode)
    int(Int(s.size))
    int(Int(s.modified))
    int(Int(s.changed))
    optional(s.contentHash) { out, hash in out.bytes.append(contentsOf: hash) }
  }

  mutating func diagnostic(_ d: Diagnostic) {
    bool(d.severity == .error)
    string(d.path)
    int(d.line)
    int(d.column)
    string(d.message)
  }

  mutating func cachedPolicy(_ p: Policy) {
    bool(p.mode == .exam)
    int(p.attempts)
    array(p.creditPerAttempt) { $0.double($1) }
    double(p.hintCost)
    bool(p.hintsAllowed)
    bool(p.skipAllowed)
    double(p.passMark)
    bool(p.shuffle)
    optional(p.reviewRetention) { $0.double($1) }
    int(p.retakes)
    double(p.retakeAfter)
  }

  mutating func cachedCourse(_ c: Course) {
    string(c.id)
    string(c.title)
    string(c.version)
    string(c.description)
    string(c.language)
    cachedPolicy(c.policy)
    array(c.lessons) { $0.cachedLesson($1) }
    string(c.directory)
    string(c.digest)
  }

  mutating func cachedLesson(_ l: Lesson) {
    string(l.id)
    string(l.title)
    string(l.summary)
    array(l.objectives) { $0.string($1) }
    int(l.estimatedMinutes)
    bool(l.kind == .assessment)
    bool(l.required)
    cachedPolicy(l.policy)
    optional(l.draw) { $0.int($1) }
    array(l.items) { out, item in
      switch item {
      case .page(let page):
        out.bytes.append(0)
        out.string(page.id)
        out.string(page.title)
        out.string(page.markdown)
        out.int(page.line)
      case .question(let question):
        out.bytes.append(1)
        out.cachedQuestion(question)
      }
    }
    string(l.path)
    string(l.digest)
    array(l.blueprint) { out, quota in
      out.string(quota.tag)
      out.int(quota.count)
    }
    array(l.teaches) { $0.string($1) }
  }

  mutating func cachedQuestion(_ q: Question) {
    string(q.id)
    string(q.prompt)
    double(q.points)
    func text(_ out: inout BinaryOut, _ s: String) { out.string(s) }
    func optionalText(_ s: String?) { optional(s, text) }
    switch q.body {
    case .single(let choices), .multiple(let choices):
      if case .single = q.body { bytes.append(0) } else { bytes.append(1) }
      array(choices) { out, choice in
        out.string(choice.text)
        out.bool(choice.correct)
        out.optional(choice.feedback, text)
      }
    case .trueFalse(let answer, let feedbackTrue, let feedbackFalse):
      bytes.append(2)
      bool(answer)
      optionalText(feedbackTrue)
      optionalText(feedbackFalse)
    case .shortAnswer(let key):
      bytes.append(3)
      array(key.accepted, text)
      optionalText(key.pattern)
      array(key.wrongAnswers) { out, wrong in
        out.string(wrong.answer)
        out.string(wrong.feedback)
      }
      optionalText(key.otherwiseFeedback)
    case .numeric(let key):
      bytes.append(4)
      switch key.rule {
      case .exact(let value):
        bytes.append(0)
        double(value)
      case .tolerance(let value, let tolerance):
        bytes.append(1)
        double(value)
        double(tolerance)
      case .range(let low, let high):
        bytes.append(2)
        double(low)
        double(high)
      }
      optionalText(key.otherwiseFeedback)
    case .ordering(let items, let feedback):
      bytes.append(5)
      array(items, text)
      optionalText(feedback)
    case .matching(let pairs, let feedback):
      bytes.append(6)
      array(pairs) { out, pair in
        out.string(pair.left)
        out.string(pair.right)
      }
      optionalText(feedback)
    }
    string(q.explanation)
    array(q.hints, text)
    array(q.tags, text)
    optional(q.examples) { out, examples in
      out.array(examples.accept, text)
      out.array(examples.reject, text)
    }
    int(q.line)
    string(q.digest)
    array(q.assesses, text)
    array(q.objectives) { $0.int($1) }
  }
}

// MARK: - Decoding

extension BinaryIn {
  typealias Failure = BinaryIn.Malformed

  mutating func stamp() throws(Failure) -> FileStamp {
    let path = try string()
    let isDirectory = try bool()
    let device = try uint()
    let inode = try uint()
    let size = Int64(try int())
    let modified = Int64(try int())
    let changed = Int64(try int())
    let hash = try optional { (i) throws(Failure) -> [UInt8] in
      guard i.i + 32 <= i.bytes.count else { throw Failure() }
      defer { i.i += 32 }
      return Array(i.bytes[i.i..<(i.i + 32)])
    }
    return FileStamp(
      path: path, isDirectory: isDirectory, device: device, inode: inode, size: size,
      modified: modified, changed: changed, contentHash: hash)
  }

  mutating func diagnostic() throws(Failure) -> Diagnostic {
    let severity: Diagnostic.Severity = try bool() ? .error : .warning
    return Diagnostic(
      severity: severity, path: try string(), line: try int(), column: try int(),
      message: try string())
  }

  mutating func texts() throws(Failure) -> [String] {
    try array { (i) throws(Failure) in try i.string() }
  }

  mutating func optionalText() throws(Failure) -> String? {
    try optional { (i) throws(Failure) in try i.string() }
  }

  mutating func cachedPolicy() throws(Failure) -> Policy {
    Policy(
      mode: try bool() ? .exam : .learn, attempts: try int(),
      creditPerAttempt: try array { (i) throws(Failure) in try i.double() },
      hintCost: try double(), hintsAllowed: try bool(), skipAllowed: try bool(),
      passMark: try double(), shuffle: try bool(),
      reviewRetention: try optional { (i) throws(Failure) in try i.double() }, retakes: try int(),
      retakeAfter: try double())
  }

  mutating func cachedCourse() throws(Failure) -> Course {
    Course(
      id: try string(), title: try string(), version: try string(), description: try string(),
      language: try string(), policy: try cachedPolicy(),
      lessons: try array { (i) throws(Failure) in try i.cachedLesson() }, directory: try string(),
      digest: try string())
  }

  mutating func cachedLesson() throws(Failure) -> Lesson {
    Lesson(
      id: try string(), title: try string(), summary: try string(), objectives: try texts(),
      estimatedMinutes: try int(), kind: try bool() ? .assessment : .lesson, required: try bool(),
      policy: try cachedPolicy(), draw: try optional { (i) throws(Failure) in try i.int() },
      items: try array { (i) throws(Failure) -> LessonItem in
        switch try i.byte() {
        case 0:
          return .page(
            Page(id: try i.string(), title: try i.string(), markdown: try i.string(), line: try i.int()))
        case 1:
          return .question(try i.cachedQuestion())
        default:
          throw Failure()
        }
      }, path: try string(), digest: try string(),
      blueprint: try array { (i) throws(Failure) in
        BlueprintQuota(tag: try i.string(), count: try i.int())
      }, teaches: try texts())
  }

  mutating func cachedQuestion() throws(Failure) -> Question {
    let id = try string()
    let prompt = try string()
    let points = try double()
    let body: Question.Body
    switch try byte() {
    case let kind where kind <= 1:
      let choices = try array { (i) throws(Failure) in
        Question.Choice(text: try i.string(), correct: try i.bool(), feedback: try i.optionalText())
      }
      body = kind == 0 ? .single(choices) : .multiple(choices)
    case 2:
      body = .trueFalse(
        answer: try bool(), feedbackTrue: try optionalText(), feedbackFalse: try optionalText())
    case 3:
      body = .shortAnswer(
        Question.ShortAnswer(
          accepted: try texts(), pattern: try optionalText(),
          wrongAnswers: try array { (i) throws(Failure) in
            Question.WrongAnswer(answer: try i.string(), feedback: try i.string())
          }, otherwiseFeedback: try optionalText()))
    case 4:
      let rule: Question.NumericAnswer.Rule
      switch try byte() {
      case 0: rule = .exact(try double())
      case 1: rule = .tolerance(value: try double(), tolerance: try double())
      case 2: rule = .range(min: try double(), max: try double())
      default: throw Failure()
      }
      body = .numeric(Question.NumericAnswer(rule: rule, otherwiseFeedback: try optionalText()))
    case 5:
      body = .ordering(items: try texts(), feedback: try optionalText())
    case 6:
      body = .matching(
        pairs: try array { (i) throws(Failure) in
          Question.MatchPair(left: try i.string(), right: try i.string())
        }, feedback: try optionalText())
    default:
      throw Failure()
    }
    return Question(
      id: id, prompt: prompt, points: points, body: body, explanation: try string(),
      hints: try texts(), tags: try texts(),
      examples: try optional { (i) throws(Failure) in
        Question.Examples(accept: try i.texts(), reject: try i.texts())
      }, line: try int(), digest: try string(), assesses: try texts(),
      objectives: try array { (i) throws(Failure) in try i.int() })
  }
}
