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

/// A mutual-exclusion lock for the few caches shared between threads (compiled patterns, verified
/// keys). A plain pthread mutex: Foundation's `NSLock` would link all of corelibs Foundation.
public final class Lock: @unchecked Sendable {
  fileprivate let mutex: UnsafeMutablePointer<pthread_mutex_t>

  public init() {
    mutex = .allocate(capacity: 1)
    mutex.initialize(to: pthread_mutex_t())
    pthread_mutex_init(mutex, nil)
  }

  deinit {
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
  }

  public func lock() { pthread_mutex_lock(mutex) }
  public func unlock() { pthread_mutex_unlock(mutex) }

  public func withLock<T>(_ body: () throws -> T) rethrows -> T {
    lock()
    defer { unlock() }
    return try body()
  }
}

/// A lock with a condition to wait on, as Foundation's `NSCondition`: waiters hold the lock, and
/// `wait(until:)` gives it up while asleep.
public final class Condition: @unchecked Sendable {
  private let mutex = Lock()
  private let condition: UnsafeMutablePointer<pthread_cond_t>

  public init() {
    condition = .allocate(capacity: 1)
    condition.initialize(to: pthread_cond_t())
    pthread_cond_init(condition, nil)
  }

  deinit {
    pthread_cond_destroy(condition)
    condition.deallocate()
  }

  public func lock() { mutex.lock() }
  public func unlock() { mutex.unlock() }
  public func withLock<T>(_ body: () throws -> T) rethrows -> T { try mutex.withLock(body) }

  /// Wakes every waiter. Call with the lock held.
  public func broadcast() { pthread_cond_broadcast(condition) }

  /// Sleeps until woken or until `deadline`; false when the deadline passed. Call with the lock
  /// held; it is held again on return.
  public func wait(until deadline: Date) -> Bool {
    let seconds = deadline.timeIntervalSince1970
    let whole = seconds.rounded(.down)
    var time = timespec(tv_sec: Int(whole), tv_nsec: Int((seconds - whole) * 1_000_000_000))
    return pthread_cond_timedwait(condition, mutex.mutex, &time) != ETIMEDOUT
  }
}
