import Foundation

/// What a DHT node keeps across a restart: its own ID, the nodes it knew, the items it held for
/// others and the items it publishes itself.
///
/// Times are wall-clock `Date`s, since the engine's monotonic clock starts again with every run;
/// `DHTEngine.savedState(now:wallClock:)` and `DHTEngine.restore(_:now:engineClock:)` translate.
/// The lists are bounded (see the `maximum…` constants) and ordered best first, so that a store
/// that must keep fewer keeps the most useful ones.
public struct DHTSavedState: Sendable, Equatable {
    /// Most routing nodes saved: a converged Mainline table holds about 150–250, and a few dozen
    /// that answer are enough to rejoin.
    public static let maximumNodes = 200
    /// Most held items saved: as many as an `ItemStore` holds by default.
    public static let maximumItems = ItemStore.Configuration.default.maximumItems
    /// Most published items saved (a profile record, and room for more per interest).
    public static let maximumPublished = 256

    /// This installation's DHT node ID (BRIEF.md §2: random per installation and kept).
    public var nodeID: NodeID
    /// Known nodes, best first: good before questionable before bad, every bucket represented.
    public var nodes: [Node]
    /// Items held for others, closest to `nodeID` first.
    public var items: [Item]
    /// Items this node publishes and republishes itself.
    public var published: [MutableItem]

    /// A state from its parts.
    public init(nodeID: NodeID, nodes: [Node] = [], items: [Item] = [], published: [MutableItem] = []) {
        self.nodeID = nodeID
        self.nodes = nodes
        self.items = items
        self.published = published
    }

    // MARK: - Entries

    /// A routing-table entry as saved.
    public struct Node: Sendable, Equatable {
        /// Its ID and endpoint.
        public var info: DHTNodeInfo
        /// When we first heard from it: long-lived nodes are the ones to keep (BEP 5).
        public var firstSeen: Date
        /// When it last answered one of our queries.
        public var lastResponse: Date

        /// An entry from its parts.
        public init(info: DHTNodeInfo, firstSeen: Date, lastResponse: Date) {
            self.info = info
            self.firstSeen = firstSeen
            self.lastResponse = lastResponse
        }
    }

    /// An item held for others, as saved.
    public struct Item: Sendable, Equatable {
        /// The item (a mutable one carries its signature, checked again when it is read back).
        public var content: StoredItem.Content
        /// When it was last put; it expires `ItemStore.Configuration.itemLifetime` later.
        public var storedAt: Date
        /// Roughly how many networks have put it (`StoredItem.announcers`).
        public var announcers: Int

        /// An item from its parts.
        public init(content: StoredItem.Content, storedAt: Date, announcers: Int = 1) {
            self.content = content
            self.storedAt = storedAt
            self.announcers = max(announcers, 0)
        }

        /// Where the item lives in the DHT.
        public var target: NodeID { content.target }
    }

    /// How much of a saved state an engine took back.
    public struct RestoreSummary: Sendable, Equatable {
        /// Routing entries restored (questionable until they answer again).
        public var nodes: Int
        /// Held items restored (those not expired by now).
        public var items: Int
        /// Published items restored (due to be put again at once).
        public var published: Int

        /// A summary from its parts.
        public init(nodes: Int, items: Int, published: Int) {
            self.nodes = nodes
            self.items = items
            self.published = published
        }
    }
}
