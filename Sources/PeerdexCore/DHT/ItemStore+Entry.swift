extension ItemStore {
    /// A held item and the filter that tells a new announcing network from one seen before.
    struct Entry: Sendable, Equatable {
        var item: StoredItem
        /// A 128-bit Bloom filter of the networks that put this item (two bits each), as
        /// libtorrent's: it counts distinct announcers without keeping their addresses.
        private var seenLow: UInt64 = 0
        private var seenHigh: UInt64 = 0

        init(item: StoredItem) {
            self.item = item
        }

        /// Records a put by `source` at `now`: the item's lifetime starts again, and `announcers`
        /// grows if this network was not seen before.
        mutating func touch(by source: IPAddress, now: Double) {
            item.storedAt = now
            let hash = Self.mix(ItemStore.sourceNetwork(of: source))
            var isNew = false
            for bit in [hash & 127, (hash >> 7) & 127] {
                if bit < 64 {
                    if seenLow & (1 << bit) == 0 { isNew = true }
                    seenLow |= 1 << bit
                } else {
                    if seenHigh & (1 << (bit - 64)) == 0 { isNew = true }
                    seenHigh |= 1 << (bit - 64)
                }
            }
            if isNew { item.announcers += 1 }
        }

        /// A fixed 64-bit mix of an address (SplitMix64's finalizer), so that counts do not depend
        /// on the process's hashing seed.
        private static func mix(_ address: IPAddress) -> UInt64 {
            var z: UInt64
            switch address {
            case .v4(let value): z = UInt64(value) | 1 << 32
            case .v6(let high, let low): z = high ^ (low &* 0x9E37_79B9_7F4A_7C15)
            }
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// How dispensable an item is; the least is evicted first: expired items, then the lowest
    /// libtorrent score, then the oldest put, then (for a fixed choice) immutable before mutable
    /// and the lower target.
    struct EvictionRank: Comparable, Sendable {
        let live: Bool
        /// `announcers / 5 − distance exponent`: each five announcing networks are worth one bit of
        /// closeness to this node's ID (libtorrent's `immutable_item_comparator`).
        let score: Int
        let storedAt: Double
        let isMutable: Bool
        let target: NodeID

        init(_ item: StoredItem, isMutable: Bool, localID: NodeID, live: Bool) {
            self.live = live
            let distanceExponent = NodeID.bitCount - 1 - min(item.target.commonPrefixLength(with: localID), 159)
            score = item.announcers / 5 - distanceExponent
            storedAt = item.storedAt
            self.isMutable = isMutable
            target = item.target
        }

        static func < (lhs: EvictionRank, rhs: EvictionRank) -> Bool {
            if lhs.live != rhs.live { return !lhs.live }
            if lhs.score != rhs.score { return lhs.score < rhs.score }
            if lhs.storedAt != rhs.storedAt { return lhs.storedAt < rhs.storedAt }
            if lhs.isMutable != rhs.isMutable { return !lhs.isMutable }
            return lhs.target < rhs.target
        }
    }
}
