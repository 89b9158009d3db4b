import Dispatch

/// Runs async benchmark code from the synchronous `run()` every benchmark has: waits for `body`
/// on this thread and rethrows what it threw.
func runBlocking(_ body: @escaping @Sendable () async throws -> Void) throws {
    let done = DispatchSemaphore(value: 0)
    let outcome = Locked<Result<Void, any Error>>(.success(()))
    Task {
        do { try await body() } catch { outcome.set(.failure(error)) }
        done.signal()
    }
    done.wait()
    try outcome.value.get()
}
