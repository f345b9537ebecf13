import Foundation
import WorkshopCommandLine
import WorkshopEngine
import WorkshopSync

/// `workshop-live sync --follow`: the background half of `workshop … --sync`. The learner's
/// session starts it, tells it of each durable journal write, and shows its notices (see
/// `SyncFollowing`); the sending itself is `BackgroundSync`'s, as it would be in-process.
enum FollowingSync {
  static func run(progressRoot: String, lessonsRoot: String) -> Never {
    // The terminal belongs to the session: Ctrl-C, Ctrl-\, Ctrl-Z and a closed terminal reach
    // every process of the foreground group, and the session decides what they mean (it says
    // `end` when it is leaving). A session already gone must not kill the last round either.
    for sig in [SIGINT, SIGQUIT, SIGTSTP, SIGHUP, SIGPIPE] { signal(sig, SIG_IGN) }
    let replies = Replies()
    let sync: BackgroundSync
    do {
      sync = try BackgroundSync.configured(progressRoot: progressRoot, lessonsRoot: lessonsRoot)
    } catch {
      replies.send(.error(error.description))
      exit(64)
    }
    sync.sessionStarted(notify: { replies.send(.notice($0)) })
    let ending = Ending(sync: sync, replies: replies)
    replies.send(.ready)
    watchParent { ending.finish() }
    while let line = readLine() {
      switch SyncFollowing.Request(line: line[...]) {
      case .saved(let id)?:
        if let learner = try? LearnerID(validating: id) { sync.journalSaved(learner: learner) }
      case .end?:
        ending.finish()
      case nil:
        continue
      }
    }
    // The channel closed without `end`: the session is gone (killed, say). Its answers are on
    // disk, so the last round is worth as much as ever.
    ending.finish()
  }

  /// A session killed outright may leave its end of the channel open in a process it started
  /// (a pager), so the channel alone cannot be trusted to close: being handed to another parent
  /// means the same as `end`.
  static func watchParent(then finish: @escaping @Sendable () -> Void) {
    let parent = getppid()
    Thread.detachNewThread {
      while getppid() == parent { usleep(500_000) }
      finish()
    }
  }

  /// Lines to the session, whole, whichever thread writes them.
  final class Replies: @unchecked Sendable {
    private let lock = NSLock()

    func send(_ reply: SyncFollowing.Reply) {
      let bytes = Array(reply.line.utf8)
      lock.withLock {
        var offset = 0
        while offset < bytes.count {
          let written = bytes[offset...].withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
          if written < 0, errno == EINTR { continue }
          // The session is gone: nobody is left to tell.
          guard written > 0 else { return }
          offset += written
        }
      }
    }
  }

  /// The last round, run once, whoever asks first; the process ends with it.
  final class Ending: @unchecked Sendable {
    private let lock = NSLock()
    private let sync: BackgroundSync
    private let replies: Replies

    init(sync: BackgroundSync, replies: Replies) {
      self.sync = sync
      self.replies = replies
    }

    func finish() -> Never {
      // Never unlocked: a second caller waits here until the first one's exit.
      lock.lock()
      if let left = sync.sessionEnding() { replies.send(.left(left)) } else { replies.send(.finished) }
      exit(0)
    }
  }
}
