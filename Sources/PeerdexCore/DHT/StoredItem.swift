/// A BEP 44 item as a storing node holds it: the item, when it was last put, and how many
/// networks have put it. `ItemStore` keeps these; `allItems` / `restore` carry them to and from
/// the database.
public struct StoredItem: Hashable, Sendable {
    /// The item itself.
    public enum Content: Hashable, Sendable {
        /// A signed, replaceable item.
        case mutable(MutableItem)
        /// A content-addressed item.
        case immutable(ImmutableItem)

        /// Where the item lives in the DHT.
        public var target: NodeID {
            switch self {
            case .mutable(let item): item.target
            case .immutable(let item): item.target
            }
        }
    }

    /// The item.
    public var content: Content
    /// When it was last stored, updated or refreshed by a `put`, in seconds on the engine's
    /// monotonic clock (the `now` of `ItemStore`); it expires `itemLifetime` seconds later. Across
    /// a restart the engine shifts it onto the new clock (e.g. by saving the age).
    public var storedAt: Double
    /// How many distinct networks (an IPv4 address, an IPv6 /64) have put it, roughly: a measure of
    /// interest that keeps popular items when the store must evict (as libtorrent's `num_announcers`).
    public var announcers: Int

    /// A stored item from its parts.
    public init(content: Content, storedAt: Double, announcers: Int = 1) {
        self.content = content
        self.storedAt = storedAt
        self.announcers = max(announcers, 0)
    }

    /// Where the item lives in the DHT.
    public var target: NodeID { content.target }

    /// The mutable item, if it is one.
    public var mutableItem: MutableItem? { if case .mutable(let item) = content { item } else { nil } }
    /// The immutable item, if it is one.
    public var immutableItem: ImmutableItem? { if case .immutable(let item) = content { item } else { nil } }
}
