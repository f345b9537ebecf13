/// The conversation between a learner's session (`workshop … --sync`) and the companion that
/// sends its statements in the background (`workshop-live sync --follow`), one line each way per
/// message. Both executables take the words from here, so the two ends cannot drift apart.
///
/// The session writes to the companion's standard input: `saved ID` after each durable journal
/// write, `end` as it exits (closing the channel, or the session's process disappearing, means
/// the same). The companion answers on its standard output: `ready` or `error TEXT` once it has
/// read its settings, `notice TEXT` for a one-line status the learner should see, and, after
/// `end`, `finished` or `left TEXT` with its last bounded round done.
public enum SyncFollowing {
  /// The hidden option of `workshop-live sync` that starts the companion.
  public static let option = "--follow"

  /// What the session tells the companion.
  public enum Request: Equatable, Sendable {
    case saved(learner: String)
    case end

    public var line: String {
      switch self {
      case .saved(let learner): "saved \(learner)\n"
      case .end: "end\n"
      }
    }

    public init?(line: Substring) {
      if line == "end" {
        self = .end
      } else if line.hasPrefix("saved "), case let id = line.dropFirst(6), !id.isEmpty {
        self = .saved(learner: String(id))
      } else {
        return nil
      }
    }
  }

  /// What the companion tells the session.
  public enum Reply: Equatable, Sendable {
    case ready
    case error(String)
    case notice(String)
    case finished
    case left(String)

    public var line: String {
      switch self {
      case .ready: "ready\n"
      case .error(let text): "error \(Self.oneLine(text))\n"
      case .notice(let text): "notice \(Self.oneLine(text))\n"
      case .finished: "finished\n"
      case .left(let text): "left \(Self.oneLine(text))\n"
      }
    }

    public init?(line: Substring) {
      let word = line.prefix { $0 != " " }
      let text = String(line.dropFirst(word.count + 1))
      switch word {
      case "ready": self = .ready
      case "error": self = .error(text)
      case "notice": self = .notice(text)
      case "finished": self = .finished
      case "left": self = .left(text)
      default: return nil
      }
    }

    /// A message is one line on the channel, whatever its text holds.
    static func oneLine(_ text: String) -> String {
      String(text.map { $0.isNewline ? " " : $0 })
    }
  }
}
