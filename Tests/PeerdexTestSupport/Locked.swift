import Foundation

/// A value behind a lock, for tests whose threads share results.
public final class Locked<Value>: @unchecked Sendable {
    private var stored: Value
    private let lock = NSLock()

    /// A lock around `value`.
    public init(_ value: Value) { stored = value }

    /// The current value.
    public var value: Value { lock.withLock { stored } }

    /// Replaces the value.
    public func set(_ value: Value) { lock.withLock { stored = value } }

    /// Reads or changes the value while holding the lock.
    public func withLock<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&stored) } }
}
