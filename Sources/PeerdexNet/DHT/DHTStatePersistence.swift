import PeerdexCore

/// Where a DHT node keeps its state across restarts: its node ID, routing table and items.
///
/// Declared here and implemented by the store (PeerdexStore's `ContactDatabase`), which never
/// imports this module; PeerdexApp makes the one conform to the other (ports and adapters,
/// BRIEF.md §1). Both calls may block on disk: call them off the event loop.
public protocol DHTStatePersistence: Sendable {
    /// The state saved last, or nil if none was ever saved.
    func loadDHTState() throws -> DHTSavedState?
    /// Replaces the saved state with `state`, as one transaction.
    func saveDHTState(_ state: DHTSavedState) throws
}
