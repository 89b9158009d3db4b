// MARK: - Keeping R copies between republishes

/// A put leaves an item at the R closest nodes, and its owner puts it again every
/// `republishInterval`; in between, every replica that dies takes a copy with it. With R = 3 and
/// 10% of nodes failing in an interval, 0.1³ = 0.1% of items would be gone by the next
/// republish. So each holder keeps the item's other replicas (by its own table) in view: it
/// confirms once that each holds the item (a hand-off `get`, then a `put` if its copy is older),
/// pings those it has not heard from in a maintenance interval, and when one turns bad hands the
/// item at once to the node that now completes the R closest. An item is then lost only when all its replicas die within about one maintenance
/// interval of each other, not within one republish interval.
///
/// A copy handed on is a fresh put to its receiver, which keeps it a whole lifetime. So that an
/// item whose owner stopped republishing still expires, a holder hands on only what was put to it
/// within the last half lifetime (BEP 44's owners republish within that, every hour of two).
extension DHTEngine {
    /// Hand-off `get`s one upkeep round may send: the first round after many items arrive (a
    /// restart, a full store) spreads its confirmations over several rounds.
    static let handOffsPerUpkeep = 64
    /// Fellow replicas one upkeep round may ping.
    static let replicaPingsPerUpkeep = 16
    /// Seconds a fellow replica may be silent before an upkeep round pings it: less than the
    /// minute between rounds, so that a fellow that answered last round's ping (a little after
    /// it began) is pinged again this round, not every other one.
    static let replicaQuietLimit = 45.0

    /// One upkeep round over the live mutable items held: confirmations of fellows not known to
    /// hold an item, and (with `pinging`) pings of confirmed fellows not heard from lately.
    mutating func upkeepReplicas(now: Double, pinging: Bool) -> [DHTAction] {
        guard configuration.replicaUpkeep, items.count > 0 else { return [] }
        let halfLifetime = items.configuration.itemLifetime / 2
        let held = items.liveMutableItems(now: now).filter { now - $0.storedAt <= halfLifetime }
        replicaLedger.keep(onlyTargets: Set(held.map(\.target)))
        var actions = [DHTAction]()
        var handOffs = 0
        var pinged = Set<NodeID>()
        for stored in held {
            guard let item = stored.mutableItem else { continue }
            let fellows = fellowReplicas(of: item.target)
            replicaLedger.keep(only: fellows.map(\.id), for: item.target)
            for fellow in fellows {
                if !replicaLedger.holds(fellow.id, target: item.target, seq: item.seq) {
                    guard handOffs < Self.handOffsPerUpkeep, !isAwaitingHandOff(of: item.target, from: fellow) else { continue }
                    handOffs += 1
                    actions += sendQuery(
                        .get(id: localID, target: item.target, seq: nil), to: fellow.endpoint, expecting: fellow.id,
                        purpose: .handOff(item.target), now: now)
                } else if pinging, pinged.count < Self.replicaPingsPerUpkeep, !pinged.contains(fellow.id),
                    let entry = routing.node(id: fellow.id), now - entry.lastSeen >= Self.replicaQuietLimit
                {
                    pinged.insert(fellow.id)
                    actions += sendQuery(
                        .ping(id: localID), to: fellow.endpoint, expecting: fellow.id, purpose: .replicaCheck, now: now)
                }
            }
        }
        return actions
    }

    /// The nodes that should hold `target`'s item besides us: the others among the R closest to
    /// it that our table knows, or, when R known nodes are closer than we are, those R. A holder
    /// outside the R closest (a copy from a get's repair, or left from before closer nodes came)
    /// watches them too, so that the copy is handed on if they all die, however stale its table.
    func fellowReplicas(of target: NodeID) -> [DHTNodeInfo] {
        let replication = configuration.replication
        let closest = routing.closest(to: target, count: replication)
        if closest.count == replication, closest.allSatisfy({ $0.id.isCloser(to: target, than: localID) }) {
            return closest
        }
        return Array(closest.prefix(replication - 1))
    }

    /// A fellow answered a hand-off `get`: it is known to hold the item if its `seq` is ours or
    /// newer; otherwise it gets our copy, and is known to hold it once it acknowledges.
    mutating func handOffAnswered(_ target: NodeID, by node: DHTNodeInfo, response: KRPCResponse, now: Double)
        -> [DHTAction]
    {
        guard let held = items.get(target: target, now: now)?.mutableItem else { return [] }
        if let seq = response.seq, seq >= held.seq {
            replicaLedger.confirm(node.id, holds: target, seq: seq)
            return []
        }
        guard let token = response.token else { return [] }
        return sendQuery(
            .put(id: localID, token: token, put: KRPCPutArguments(item: held)), to: node.endpoint,
            expecting: node.id, purpose: .handOffPut(target, seq: held.seq), now: now)
    }

    /// A liveness ping of a fellow replica, or a hand-off `get`, failed: ping once more while the
    /// node is not yet bad (two failures make it bad); once bad, hand its items on at once rather
    /// than at the next round.
    mutating func replicaCheckFailed(_ node: DHTNodeInfo, refused: Bool, now: Double) -> [DHTAction] {
        if refused { return [] }  // an error reply comes from a live node
        switch routing.state(of: node.id, now: now) {
        case .good?, .questionable?:
            return sendQuery(.ping(id: localID), to: node.endpoint, expecting: node.id, purpose: .replicaCheck, now: now)
        case .bad?, nil:
            return upkeepReplicas(now: now, pinging: false)
        }
    }

    /// Whether a hand-off `get` of `target` to `node` is still awaiting its answer.
    private func isAwaitingHandOff(of target: NodeID, from node: DHTNodeInfo) -> Bool {
        inflight.values.contains { $0.purpose == .handOff(target) && $0.endpoint == node.endpoint }
    }
}
