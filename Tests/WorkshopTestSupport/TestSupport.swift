import WorkshopEngine

/// Polls `condition` until it holds or `timeout` passes; returns whether it held. For state that
/// another task changes, in place of a fixed sleep.
public func eventually(
  timeout: Duration = .seconds(60), _ condition: @Sendable () async throws -> Bool
) async rethrows -> Bool {
  let clock = ContinuousClock()
  let deadline = clock.now + timeout
  while true {
    if try await condition() { return true }
    if clock.now >= deadline { return false }
    try? await Task.sleep(for: .milliseconds(10))
  }
}
