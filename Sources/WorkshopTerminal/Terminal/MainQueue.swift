import Dispatch

#if canImport(Glibc)
  import Glibc

  // The two calls through which a run loop serves the main queue on its own thread (CoreFoundation's
  // run loop uses them on Linux): an eventfd that becomes readable when the queue has work, and a
  // call that runs that work.
  @_silgen_name("_dispatch_get_main_queue_handle_4CF")
  private func mainQueueHandle() -> Int32
  @_silgen_name("_dispatch_main_queue_callback_4CF")
  private func runMainQueue(_ message: UnsafeMutableRawPointer?)
#endif

/// Serves the main queue, where a terminal program's input, signals and output meet, until the
/// process exits.
public enum MainQueue {
  /// Never returns. On Linux the main thread serves the queue itself. `dispatchMain()` would
  /// end the main thread instead, and glibc unwinds an ending thread's stack through every
  /// frame's unwind tables (and loads libgcc_s to do it), which costs a session about half a
  /// megabyte of memory for nothing.
  public static func run() -> Never {
    #if canImport(Glibc)
      let handle = mainQueueHandle()
      if handle >= 0 {
        blockAsynchronousSignals()
        var waiting = pollfd(fd: handle, events: Int16(POLLIN), revents: 0)
        while true {
          runMainQueue(nil)
          // Wait for more work; reading the eventfd re-arms it (it is non-blocking).
          if poll(&waiting, 1, -1) > 0 {
            var count: UInt64 = 0
            _ = read(handle, &count, MemoryLayout<UInt64>.size)
          }
        }
      }
    #endif
    dispatchMain()
  }

  #if canImport(Glibc)
    /// Signal sources receive their signals through a signalfd, which sees a signal whose action is
    /// "ignore" only while the thread it is sent to blocks it: `dispatchMain()` blocks them in the
    /// main thread for the same reason. Faults stay deliverable.
    private static func blockAsynchronousSignals() {
      var signals = sigset_t()
      sigfillset(&signals)
      for fault in [SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGSYS] {
        sigdelset(&signals, fault)
      }
      pthread_sigmask(SIG_BLOCK, &signals, nil)
    }
  #endif
}
