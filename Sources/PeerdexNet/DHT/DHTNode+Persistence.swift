import Foundation
import NIOConcurrencyHelpers
import PeerdexCore

// MARK: - Surviving a restart

extension DHTNode {
    /// Takes back the state `persistence` saved (after `start`) and rejoins from its nodes (see
    /// `restore(_:rejoin:)`). Returns what was restored, or nil if nothing was ever saved.
    ///
    /// Create the node with the saved ID (`loadDHTState()?.nodeID`) to keep it across restarts;
    /// a node with another ID still takes the saved nodes and items.
    @discardableResult
    public func restore(from persistence: some DHTStatePersistence, rejoin: Bool = true) async throws
        -> DHTSavedState.RestoreSummary?
    {
        guard let saved = try persistence.loadDHTState() else { return nil }
        return try await restore(saved, rejoin: rejoin)
    }

    /// Takes a saved state back into the running engine (see `DHTEngine.restore`), moving its
    /// wall-clock times onto the engine's clock; then, with `rejoin` and if any saved node came
    /// back, looks up our own ID from those nodes, as a bootstrap would from its seeds, so that no
    /// bootstrap node is needed and the nodes that answer are good again.
    @discardableResult
    public func restore(_ state: DHTSavedState, rejoin: Bool = true) async throws -> DHTSavedState.RestoreSummary {
        let summary = try await modifyReturning { engine in
            let now = DHTDatagramHandler.now()
            let wallNow = Date()
            return engine.restore(state, now: now) { saved in now - wallNow.timeIntervalSince(saved) }
        }
        if rejoin, summary.nodes > 0 { _ = try await run(.bootstrap([])) }
        return summary
    }

    /// The engine's state now, with its times on the wall clock, ready to save.
    public func savedState() async throws -> DHTSavedState {
        try await inspect { engine in
            let now = DHTDatagramHandler.now()
            let wallNow = Date()
            return engine.savedState(now: now) { time in wallNow.addingTimeInterval(time - now) }
        }
    }

    /// Saves the engine's state to `persistence` (the app calls it periodically and at shutdown,
    /// before `shutdown()`). The engine's state is read on its event loop; the write happens on
    /// the caller's task.
    public func save(to persistence: some DHTStatePersistence) async throws {
        try persistence.saveDHTState(try await savedState())
    }

    /// `modify` that hands back a result computed with the engine.
    private func modifyReturning<Result: Sendable>(
        _ body: @escaping @Sendable (inout DHTEngine) -> Result
    ) async throws -> Result {
        let box = NIOLockedValueBox<Result?>(nil)
        try await modify { engine in
            let result = body(&engine)
            box.withLockedValue { $0 = result }
        }
        guard let value = box.withLockedValue({ $0 }) else { throw DHTNodeError.stopped }
        return value
    }
}
