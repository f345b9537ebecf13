import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

/// The signals an interactive terminal program handles, delivered on the main queue:
/// Ctrl-C (SIGINT) is the caller's to interpret, a closed terminal (SIGHUP) or a polite kill
/// (SIGTERM) ends the program cleanly, and a resized window (SIGWINCH) re-wraps the text.
@MainActor
public final class TerminalSignals {
  private var sources: [any DispatchSourceSignal] = []

  public init(
    interrupt: @escaping @MainActor () -> Void, end: @escaping @MainActor () -> Void,
    resize: @escaping @MainActor () -> Void
  ) {
    on(SIGINT, interrupt)
    on(SIGTERM, end)
    on(SIGHUP, end)
    on(SIGWINCH, resize)
    // Past a file-size limit, a write should fail with an error the journal reports (and the
    // learner sees), not kill the session.
    signal(SIGXFSZ, SIG_IGN)
  }

  private func on(_ signo: Int32, _ handler: @escaping @MainActor () -> Void) {
    // Ignored for the default action, so only the dispatch source sees it.
    signal(signo, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: signo, queue: .main)
    source.setEventHandler { MainActor.assumeIsolated { handler() } }
    source.resume()
    sources.append(source)
  }
}
