import Foundation

extension Process {
    /// Starts the process while holding one lock for the whole test run: Foundation's `run()` on
    /// Linux crashed once (a bad memcpy inside it) while tests launched processes from several
    /// threads at once, so launches take turns. Only the launch is serialized, not the waiting.
    public func runSerialized() throws {
        try ProcessLaunchLock.shared.withLock { try run() }
    }
}

/// The lock `runSerialized` takes.
final class ProcessLaunchLock: @unchecked Sendable {
    static let shared = ProcessLaunchLock()
    private let lock = NSLock()

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
