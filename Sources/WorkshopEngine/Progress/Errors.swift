#if canImport(Glibc)
  import Glibc
#endif

public enum JournalError: Error, Sendable, Hashable, CustomStringConvertible {
  /// Another process (or another writer in this one) holds the learner's lock.
  case locked(learner: String, pid: Int32?)
  case io(path: String, operation: String, code: Int32)
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
      return "cannot \(operation) \(path): \(POSIX.errorText(code))"
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

  public var description: String {
    switch self {
    case .invalidID(let id):
      return "'\(id)' is not a valid learner id (use a-z, 0-9, '-' and '_', at most 64 characters)"
    case .invalidName(let name):
      return "cannot make a learner id from the name '\(name)'; use letters or digits"
    }
  }
}
