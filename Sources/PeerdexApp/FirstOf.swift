import Synchronization

/// A value decided once, by whoever offers first (a result or its timeout); later offers are
/// dropped and everyone awaiting `value` gets the first.
final class FirstOf<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var decided = false
        var waiters = [CheckedContinuation<Value, Never>]()
    }

    private let state = Mutex(State())

    /// Decides the value unless it is decided already.
    func offer(_ value: Value) {
        let waiters = state.withLock { state -> [CheckedContinuation<Value, Never>] in
            guard !state.decided else { return [] }
            state.decided = true
            state.value = value
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: value) }
    }

    /// The value, once offered.
    var value: Value {
        get async {
            await withCheckedContinuation { continuation in
                let decided = state.withLock { state -> Value? in
                    if state.decided { return state.value }
                    state.waiters.append(continuation)
                    return nil
                }
                if let decided { continuation.resume(returning: decided) }
            }
        }
    }
}

/// A value shared between tasks behind a lock.
final class LockedValue<Value: Sendable>: Sendable {
    private let state: Mutex<Value>

    /// A box holding `value`.
    init(_ value: Value) { state = Mutex(value) }

    /// The value now.
    var value: Value { state.withLock { $0 } }

    /// Changes the value under the lock.
    func withLock<Result: Sendable>(_ body: (inout Value) -> Result) -> Result { state.withLock { body(&$0) } }
}
