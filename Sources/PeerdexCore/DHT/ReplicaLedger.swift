/// Which fellow replicas are known to hold the items this node holds, and at which `seq`.
///
/// A holder learns it when a fellow answers a hand-off `get` with the item's `seq` (or a newer
/// one), or acknowledges the `put` that followed. It hands an item to a fellow only when the
/// fellow is not known to hold it, so that keeping R copies costs one `get` per fellow and item
/// while the replicas stand, and nothing after that but liveness pings.
struct ReplicaLedger: Sendable, Equatable {
    /// The `seq` each fellow is known to hold, by item target, then by fellow.
    private var known: [NodeID: [NodeID: Int64]] = [:]

    /// Whether `fellow` is known to hold `target`'s item at `seq` or newer.
    func holds(_ fellow: NodeID, target: NodeID, seq: Int64) -> Bool {
        guard let held = known[target]?[fellow] else { return false }
        return held >= seq
    }

    /// Records that `fellow` holds `target`'s item at `seq`.
    mutating func confirm(_ fellow: NodeID, holds target: NodeID, seq: Int64) {
        known[target, default: [:]][fellow] = max(seq, known[target]?[fellow] ?? .min)
    }

    /// Forgets every fellow of `target` but `fellows`, so that the ledger stays as small as the
    /// items held times R: a node that left the R closest must prove itself again if it returns.
    mutating func keep(only fellows: some Sequence<NodeID>, for target: NodeID) {
        guard let entries = known[target] else { return }
        var kept = [NodeID: Int64]()
        for fellow in fellows { if let seq = entries[fellow] { kept[fellow] = seq } }
        known[target] = kept.isEmpty ? nil : kept
    }

    /// Forgets the targets not in `held` (their items expired or were evicted).
    mutating func keep(onlyTargets held: Set<NodeID>) {
        if known.keys.contains(where: { !held.contains($0) }) {
            known = known.filter { held.contains($0.key) }
        }
    }

    /// How many targets have a known fellow.
    var targetCount: Int { known.count }
}
