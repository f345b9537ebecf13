#if canImport(Glibc)
  import Glibc
#endif

public enum JournalError: Error, Sendable, Hashable, CustomStringConvertible {
  /// Another process (or another writer in this one) holds the learner's lock.
  case locked(learner: String, pid: Int32?)
  case io(path: String, operation: String, code: Int32)
  /// A file or folder workshop would write is not what it must be (a link, FIFO, device, a file
  /// with other hard links, a folder open to others); `fix` says what to run.
  case unsafe(path: String, why: String, fix: String)
  /// The event cannot be written as JSON (a non-finite number).
  case unencodable(String)
  /// The writer was closed.
  case closed

  public var description: String {
    switch self {
    case .locked(let learner, let pid):
      let holder = pid.map { " (pid \($0))" } ?? ""
      return "\(learner)'s progress is open in another workshop session\(holder). Close it there first."
    case .io(let path, let operation, let code):
      return "cannot \(operation) \(path): \(DurableFile.errorText(code))"
    case .unsafe(let path, let why, let fix):
      return "refusing to use \(path): it \(why); \(fix)"
    case .unencodable(let why):
      return "cannot save the event: \(why)"
    case .closed:
      return "the journal is already closed"
    }
  }
}

public enum LearnerError: Error, Sendable, Hashable, CustomStringConvertible {
  case invalidID(String)
  /// No usable id can be made from the name (for example, it has no letters or digits).
  case invalidName(String)
  /// The name holds control or invisible characters (see `LearnerName`).
  case unprintableName

  public var description: String {
    switch self {
    case .invalidID(let id):
      return "'\(id)' is not a valid learner id (use a-z, 0-9, '-' and '_', at most 64 characters)"
    case .invalidName(let name):
      return "cannot make a learner id from the name '\(name)'; use letters or digits"
    case .unprintableName:
      return "learner names may not contain control or invisible characters (escape sequences, tabs,"
        + " line breaks, direction overrides); choose a name without them"
    }
  }
}
