import Logging
import PeerdexCore
import PeerdexNet
import PeerdexStore

/// The contact database keeps the DHT node's state: the port PeerdexNet declares, implemented by
/// PeerdexStore's typed methods (which know nothing of PeerdexNet), joined here (BRIEF.md §1).
extension ContactDatabase: DHTStatePersistence {}

/// How a long-running node keeps its DHT identity, routing table and items across restarts.
///
/// ```swift
/// let state = try DHTPersistenceWiring.initialState(in: book)        // before creating the node
/// let node = DHTNode(localID: state.nodeID, configuration: configuration, logger: logger)
/// try await node.start(bindingTo: address)
/// if await DHTPersistenceWiring.restore(state, into: node, logger: logger) == 0 {
///     _ = try await node.run(.bootstrap(configuredNodes))            // saved nodes first (BRIEF §3b)
/// }
/// let saving = Task { await DHTPersistenceWiring.keepSaving(node, to: book, logger: logger) }
/// ...                                                                 // at shutdown:
/// saving.cancel()
/// await DHTPersistenceWiring.save(node, to: book, logger: logger)     // before node.shutdown()
/// await node.shutdown()
/// ```
public enum DHTPersistenceWiring {
    /// How often a running node saves its state: a crash loses at most this much.
    public static let saveInterval: Duration = .seconds(300)

    /// The state to start a node from: the one saved last, or on first use a new one with a
    /// random node ID, saved at once so that the ID is kept even if the node never saves again
    /// (BRIEF.md §2: random per installation and kept).
    public static func initialState(in book: ContactBook) throws(AppError) -> DHTSavedState {
        try book.store { database in
            if let saved = try database.loadDHTState() { return saved }
            var random = SystemRandomNumberGenerator()
            let fresh = DHTSavedState(nodeID: NodeID(random: &random))
            try database.saveDHTState(fresh)
            return fresh
        }
    }

    /// Takes `state` back into the started `node` and, if any of its nodes came back, rejoins the
    /// network from them with a lookup of our own ID (no bootstrap node needed); logs what it
    /// did. Returns how many nodes answered that lookup: 0 means there were no saved nodes or
    /// none of them is alive any more, and the node should join through its bootstrap nodes.
    @discardableResult
    public static func restore(_ state: DHTSavedState, into node: DHTNode, logger: Logger) async -> Int {
        do {
            let summary = try await node.restore(state, rejoin: false)
            var answered = 0
            if summary.nodes > 0, case .nodes(let found) = try await node.run(.bootstrap([])).outcome {
                answered = found.count
            }
            logger.info(
                "dht state restored",
                metadata: [
                    "saved nodes": "\(state.nodes.count)", "restored nodes": "\(summary.nodes)",
                    "answered": "\(answered)", "items": "\(summary.items)", "published": "\(summary.published)",
                ])
            return answered
        } catch {
            logger.error("cannot restore the dht state", metadata: ["error": "\(error)"])
            return 0
        }
    }

    /// Saves `node`'s state to the book every `interval` until the task is cancelled. It does not
    /// save on cancellation (the node may be stopped by then): call `save` before `shutdown`.
    public static func keepSaving(
        _ node: DHTNode, to book: ContactBook, every interval: Duration = saveInterval, logger: Logger
    ) async {
        while true {
            do { try await Task.sleep(for: interval) } catch { return }
            await save(node, to: book, logger: logger)
        }
    }

    /// Saves `node`'s state to the book once; logs a failure. Returns whether it was saved.
    @discardableResult
    public static func save(_ node: DHTNode, to book: ContactBook, logger: Logger) async -> Bool {
        do {
            try await node.save(to: book.database)
            return true
        } catch {
            logger.error("cannot save the dht state", metadata: ["error": "\(error)"])
            return false
        }
    }
}
