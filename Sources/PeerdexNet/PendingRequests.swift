import NIOConcurrencyHelpers
import NIOCore
import PeerdexCore

/// The requests one connection has sent and not yet had answered, by request ID, each with its
/// deadline. Every promise is completed exactly once: by its response, its deadline, the
/// caller's cancellation, or the connection closing, whichever removes it from the table first.
final class PendingRequests: Sendable {
    private struct Entry {
        let promise: EventLoopPromise<WireEnvelope>
        let deadline: NIODeadline
        let timeout: Duration
    }

    private struct State {
        var nextID: UInt64 = 1
        var entries: [UInt64: Entry] = [:]
        var closed = false
    }

    private let state = NIOLockedValueBox(State())

    /// Registers a new request, or fails at once if the connection has closed.
    func add(promise: EventLoopPromise<WireEnvelope>, timeout: Duration) -> UInt64? {
        let deadline = NIODeadline.now() + .nanoseconds(Int64(timeout.seconds * 1e9))
        let id: UInt64? = state.withLockedValue { state in
            guard !state.closed else { return nil }
            let id = state.nextID
            state.nextID &+= 1
            state.entries[id] = Entry(promise: promise, deadline: deadline, timeout: timeout)
            return id
        }
        if id == nil { promise.fail(NetError.connectionClosed) }
        return id
    }

    /// Completes request `id` with its response; false if no such request is waiting (answered
    /// already, timed out, or never asked).
    @discardableResult
    func complete(_ id: UInt64, with response: WireEnvelope) -> Bool {
        guard let entry = state.withLockedValue({ $0.entries.removeValue(forKey: id) }) else { return false }
        entry.promise.succeed(response)
        return true
    }

    /// Fails request `id` (its caller gave up, or its write failed).
    func fail(_ id: UInt64, _ error: any Error) {
        state.withLockedValue { $0.entries.removeValue(forKey: id) }?.promise.fail(error)
    }

    /// Fails every request whose deadline has passed.
    func expire(now: NIODeadline = .now()) {
        let expired = state.withLockedValue { state in
            let due = state.entries.filter { $0.value.deadline <= now }
            for id in due.keys { state.entries[id] = nil }
            return due.values
        }
        for entry in expired { entry.promise.fail(NetError.requestTimedOut(entry.timeout)) }
    }

    /// Fails every request and refuses new ones: the connection has closed.
    func closeAll() {
        let entries = state.withLockedValue { state in
            state.closed = true
            defer { state.entries = [:] }
            return state.entries.values
        }
        for entry in entries { entry.promise.fail(NetError.connectionClosed) }
    }

    /// Requests waiting now.
    var count: Int { state.withLockedValue { $0.entries.count } }
}
