import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import WorkshopEngine

/// Runs async library code (jwt-kit's key collection, the LRS client) from a synchronous command.
/// Commands are one-shot processes with nothing else on the main thread, so waiting here
/// cannot hold up other work.
public enum Blocking {
  private final class Outcome<T: Sendable>: @unchecked Sendable {
    private let lock = Lock()
    private var result: Result<T, any Error>?
    func set(_ r: Result<T, any Error>) { lock.withLock { result = r } }
    func get() -> Result<T, any Error>? { lock.withLock { result } }
  }

  public static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let outcome = Outcome<T>()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
      do { outcome.set(.success(try await body())) } catch { outcome.set(.failure(error)) }
      done.signal()
    }
    done.wait()
    // The task always sets the outcome before signalling.
    return try outcome.get()!.get()
  }
}
