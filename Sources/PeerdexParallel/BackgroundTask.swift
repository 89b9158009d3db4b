import Foundation

/// A value computed on a thread of its own while the caller goes on; `wait()` gives it.
public final class BackgroundTask<T: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: T?

    /// Starts computing `work` at once.
    public init(_ work: @escaping @Sendable () -> T) {
        Thread.detachNewThread { [self] in
            let value = work()
            condition.withLock {
                result = value
                condition.broadcast()
            }
        }
    }

    /// Blocks until the value is ready, then returns it (again on later calls).
    public func wait() -> T {
        condition.withLock {
            while result == nil { condition.wait() }
            return result!
        }
    }
}
