import Foundation

// MARK: - Saving and restoring across a restart

extension DHTEngine {
    /// What to save at `now`: the routing entries, the items held and not expired, and the items
    /// we publish, each bounded and best first (see `DHTSavedState`). `wallClock` turns a time on
    /// the engine's clock into the wall-clock time it stands for.
    public func savedState(now: Double, wallClock: (Double) -> Date) -> DHTSavedState {
        DHTSavedState(
            nodeID: localID, nodes: savedNodes(wallClock: wallClock, now: now),
            items: savedItems(now: now, wallClock: wallClock),
            published: published.values.map(\.item).sorted { $0.target < $1.target }
                .prefix(DHTSavedState.maximumPublished).map { $0 })
    }

    /// Takes back what a previous run saved, at `now`: its nodes enter the routing table
    /// questionable (they become good only by answering again, and meanwhile seed every lookup,
    /// so no bootstrap is needed), its held items live out what remains of their lifetime, and its
    /// published items are due to be put again at once, unless one with the same or a higher `seq`
    /// is already being published. `engineClock` turns a saved wall-clock time into a time on the
    /// engine's clock (`now - (wallNow - date)`); times after `now` are taken as `now`.
    ///
    /// The saved `nodeID` is not checked: an engine with another ID still takes the nodes and
    /// items, which are useful to any node. Create the engine with `state.nodeID` to keep the ID.
    @discardableResult
    public mutating func restore(_ state: DHTSavedState, now: Double, engineClock: (Date) -> Double)
        -> DHTSavedState.RestoreSummary
    {
        // A damaged clock reading must neither lengthen an item's life nor trap: NaN counts as
        // long ago (an item so old has expired).
        func engineTime(_ date: Date) -> Double {
            let time = engineClock(date)
            return time.isNaN ? -.infinity : min(time, now)
        }
        let records = state.nodes.prefix(DHTSavedState.maximumNodes).map { node in
            RoutingNodeRecord(
                info: node.info, firstSeen: engineTime(node.firstSeen), lastResponse: engineTime(node.lastResponse))
        }
        let restoredNodes = routing.restore(records)
        let stored = state.items.prefix(DHTSavedState.maximumItems).map { item in
            StoredItem(content: item.content, storedAt: engineTime(item.storedAt), announcers: item.announcers)
        }
        let restoredItems = items.restore(stored, now: now)
        var restoredPublished = 0
        for item in state.published.prefix(DHTSavedState.maximumPublished) {
            if let current = published[item.target], current.item.seq >= item.seq { continue }
            // The network may have dropped it while we were away (items expire after 2 hours).
            published[item.target] = PublishedItem(item: item, republishAt: now)
            restoredPublished += 1
        }
        return DHTSavedState.RestoreSummary(nodes: restoredNodes, items: restoredItems, published: restoredPublished)
    }

    // MARK: - Choosing what to keep

    /// Routing entries, good before questionable before bad; within a state, round by round
    /// over the buckets (each bucket's longest-lived entry first, the buckets closest to us first),
    /// so that a bounded list still covers every distance a lookup starts from.
    private func savedNodes(wallClock: (Double) -> Date, now: Double) -> [DHTSavedState.Node] {
        var ranked: [(state: Int, round: Int, bucket: Int, node: RoutingNode)] = []
        ranked.reserveCapacity(routing.count)
        for (index, bucket) in routing.buckets.enumerated() where !bucket.nodes.isEmpty {
            let ordered = bucket.nodes.map { (state: stateRank($0, now: now), node: $0) }
                .sorted { ($0.state, $0.node.firstSeen) < ($1.state, $1.node.firstSeen) }
            for (round, entry) in ordered.enumerated() {
                ranked.append((entry.state, round, index, entry.node))
            }
        }
        ranked.sort { ($0.state, $0.round, -$0.bucket) < ($1.state, $1.round, -$1.bucket) }
        return ranked.prefix(DHTSavedState.maximumNodes).map { entry in
            DHTSavedState.Node(
                info: entry.node.info, firstSeen: wallClock(entry.node.firstSeen),
                lastResponse: wallClock(entry.node.lastResponse))
        }
    }

    private func stateRank(_ node: RoutingNode, now: Double) -> Int {
        switch node.state(now: now, settings: routing.settings) {
        case .good: 0
        case .questionable: 1
        case .bad: 2
        }
    }

    /// Held items not expired at `now`, closest to our ID first (those we are responsible for).
    private func savedItems(now: Double, wallClock: (Double) -> Date) -> [DHTSavedState.Item] {
        let lifetime = items.configuration.itemLifetime
        var live = items.allItems.filter { now < $0.storedAt + lifetime }
        // Stable: at one target the immutable item stays before the mutable one, as in `allItems`.
        live.sort { $0.target.distance(to: localID) < $1.target.distance(to: localID) }
        return live.prefix(DHTSavedState.maximumItems).map { item in
            DHTSavedState.Item(content: item.content, storedAt: wallClock(item.storedAt), announcers: item.announcers)
        }
    }
}
