// MARK: - The passing of time

extension DHTEngine {
    /// Handles everything due by `now`: overdue and timed-out queries, then (when due) write
    /// token rotation, republishing, bucket refresh, pings of questionable nodes, expiry and the
    /// upkeep of held items' replicas. `random` supplies new token secrets and refresh
    /// targets.
    public mutating func tick(now: Double, random: inout some RandomNumberGenerator) -> [DHTAction] {
        var actions = expireQueries(now: now)
        if now >= nextTokenRotation {
            tokens.rotate(newSecret: (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) })
            nextTokenRotation = now + configuration.tokenRotationInterval
        }
        // In target order, not the dictionary's (which differs from run to run), so that the same
        // inputs give the same actions; sorted only when one is due.
        if published.values.contains(where: { $0.republishAt <= now }) {
            for (target, entry) in published.sorted(by: { $0.key < $1.key }) where entry.republishAt <= now {
                published[target]?.republishAt = now + configuration.republishInterval
                actions += start(.putMutable(entry.item), now: now).1
            }
        }
        if now >= nextMaintenance {
            nextMaintenance = now + configuration.maintenanceInterval
            actions += maintain(now: now, random: &random)
        }
        return actions
    }

    /// Reports queries past their soft deadline to their lookups, and fails those past the hard one.
    private mutating func expireQueries(now: Double) -> [DHTAction] {
        var actions = [DHTAction]()
        var timedOut = [(UInt32, InflightQuery)]()
        var overdue = [(UInt32, InflightQuery)]()
        for (transaction, query) in inflight {
            if query.deadline <= now {
                timedOut.append((transaction, query))
            } else if !query.overdueReported, query.overdueAt <= now {
                inflight[transaction]?.overdueReported = true
                overdue.append((transaction, query))
            }
        }
        // In the order they were sent, not the dictionary's (which differs from run to run), so
        // that the same inputs give the same actions.
        overdue.sort { $0.0 < $1.0 }
        timedOut.sort { $0.0 < $1.0 }
        for (_, query) in overdue {
            let node = DHTNodeInfo(id: query.expectedID ?? .zero, endpoint: query.endpoint)
            switch query.purpose {
            case .lookup(let id):
                operations[id]?.lookup.markOverdue(node)
                actions += advance(id, now: now)
            case .bootstrapSeed(let id):
                // A silent seed is not waited for past its soft deadline either.
                operations[id]?.pendingSeeds -= 1
                actions += advance(id, now: now)
            case .store(let id):
                actions += storeAnswered(id, acknowledged: false, refusal: nil, overdue: true, now: now)
            case .maintenance, .repair, .handOff, .handOffPut, .replicaCheck:
                break
            }
        }
        for (transaction, query) in timedOut {
            inflight[transaction] = nil
            statistics.timeouts += 1
            if let id = query.expectedID {
                actions += perform(routing.noteFailure(id: id, endpoint: query.endpoint, now: now), now: now)
            }
            if case .bootstrapSeed = query.purpose, query.overdueReported { continue }  // counted when overdue
            let node = DHTNodeInfo(id: query.expectedID ?? .zero, endpoint: query.endpoint)
            actions += queryFailed(query, node: node, error: nil, now: now)
        }
        return actions
    }

    /// One maintenance round.
    private mutating func maintain(now: Double, random: inout some RandomNumberGenerator) -> [DHTAction] {
        var actions = [DHTAction]()
        for node in routing.nodesToPing(now: now) {
            actions += sendQuery(.ping(id: localID), to: node.endpoint, expecting: node.id, purpose: .maintenance, now: now)
        }
        for bucket in routing.bucketsNeedingRefresh(now: now).prefix(4) {
            let target = routing.refreshTarget(forBucket: bucket, random: NodeID(random: &random))
            routing.noteRefreshStarted(bucket: bucket, now: now)
            actions += start(.findNode(target), now: now).1
        }
        items.expire(now: now)
        actions += upkeepReplicas(now: now, pinging: true)
        _ = peers.expire(now: now)
        queryBuckets = queryBuckets.filter { !$0.value.isFull(now: now) }
        return actions
    }

    /// Offers held items to a node that just joined the table when it is now among their R
    /// closest: a `get` first (for a token and its seq), then a `put` if its copy is older.
    private mutating func handOffItems(to node: DHTNodeInfo, now: Double) -> [DHTAction] {
        var actions = [DHTAction]()
        for stored in items.itemsToHandOff(to: node.id, now: now, limit: 16) where stored.mutableItem != nil {
            let target = stored.target
            guard routing.closest(to: target, count: configuration.replication).contains(node) else { continue }
            actions += sendQuery(
                .get(id: localID, target: target, seq: nil), to: node.endpoint, expecting: node.id,
                purpose: .handOff(target), now: now)
        }
        return actions
    }

    // MARK: - Support

    /// Carries out what the routing table asks for.
    mutating func perform(_ routingActions: [RoutingAction], now: Double) -> [DHTAction] {
        var actions = [DHTAction]()
        for action in routingActions {
            switch action {
            case .ping(let node):
                actions += sendQuery(.ping(id: localID), to: node.endpoint, expecting: node.id, purpose: .maintenance, now: now)
            case .added(let node), .replaced(_, let node):
                if items.count > 0 { actions += handOffItems(to: node, now: now) }
            case .refused:
                break
            }
        }
        return actions
    }

    /// Whether `address` may have another query answered now.
    mutating func allowQuery(from address: IPAddress, now: Double) -> Bool {
        if address.isLoopback && !configuration.limitLoopback { return true }
        let rate = configuration.queriesPerSecondPerAddress
        var bucket = queryBuckets[address] ?? TokenBucket(rate: rate, burst: rate, now: now)
        defer { queryBuckets[address] = bucket }
        if case .allowed = bucket.take(now: now) { return true }
        return false
    }

    /// Counts an `ip` field from a reply; two distinct nodes agreeing make it our external address
    /// (one node repeating itself, or an attacker answering our queries, cannot set it alone).
    mutating func voteForExternalAddress(_ address: DHTEndpoint, from voter: DHTEndpoint) {
        addressVotes[address, default: []].insert(voter)
        if addressVotes.count > 64 { addressVotes = addressVotes.filter { $0.value.count > 1 } }
        if let (best, voters) = addressVotes.max(by: { ($0.value.count, $0.key.description) < ($1.value.count, $1.key.description) }),
            voters.count >= 2
        {
            externalAddress = best
        }
    }

    /// Answers a datagram that was not a valid message, when it carried a transaction ID and its
    /// source is within its rate (a flood of broken queries is answered no more than valid ones).
    mutating func answerMalformed(_ error: KRPCDecodeError, from source: DHTEndpoint, now: Double) -> [DHTAction] {
        guard !configuration.readOnly,
            let reply = KRPCMessage.errorReply(to: error, requesterAddress: source, clientVersion: configuration.clientVersion)
        else { return [] }
        guard allowQuery(from: source.ip, now: now) else {
            statistics.queriesRateLimited += 1
            return []
        }
        return [.send(reply.encoded(), to: source)]
    }
}
