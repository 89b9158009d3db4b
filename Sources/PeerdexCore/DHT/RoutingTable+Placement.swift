/// Admission: who may enter the table, into which place, and who waits or leaves for it.
extension RoutingTable {
    /// Where a node that answered us ended up.
    enum Placement {
        /// Turned away.
        case refused(RoutingRefusal)
        /// In the table; the actions say whom it joined or replaced.
        case placed([RoutingAction])
        /// Admissible, but its bucket is full of nodes that are not bad.
        case noRoom
    }

    // MARK: - Checks

    /// Refusals that need no table lookup: unusable endpoints and BEP 42.
    func refusalBeforeLookup(of info: DHTNodeInfo) -> RoutingRefusal? {
        let ip = info.endpoint.ip
        if info.endpoint.port == 0 || ip == .v4(0) || ip == .v6(0, 0) { return .unusableEndpoint }
        if settings.enforceBEP42, BEP42.applies(to: ip), !BEP42.isValid(nodeID: info.id, for: ip) {
            return .nonCompliantID
        }
        return nil
    }

    /// Whether the entry failed enough queries in a row to be bad (time plays no part).
    func isBad(_ node: RoutingNode) -> Bool { node.failures >= settings.failuresUntilBad }

    /// The entries `info` would displace (its ID elsewhere, another ID at its endpoint), or the
    /// refusal if one of them is not bad.
    func conflicts(for info: DHTNodeInfo, bucket: Int) -> (leaving: [RoutingNode], refusal: RoutingRefusal?) {
        var leaving: [RoutingNode] = []
        if let index = buckets[bucket].index(of: info.id) {
            let existing = buckets[bucket].nodes[index]
            guard isBad(existing) else { return ([], .idAtOtherEndpoint) }
            leaving.append(existing)
        }
        if let otherID = idsByEndpoint[info.endpoint], otherID != info.id, let other = node(id: otherID) {
            guard isBad(other) else { return ([], .endpointHasOtherID) }
            leaving.append(other)
        }
        return (leaving, nil)
    }

    /// The network limit `ip` would break in `bucket`, once `leaving` entries have left.
    func networkRefusal(for ip: IPAddress, bucket: Int, leaving: [RoutingNode]) -> RoutingRefusal? {
        guard !settings.isExemptFromNetworkLimits(ip) else { return nil }
        let network = ip.diversityPrefix
        var inBucket = buckets[bucket].count(onNetwork: network)
        var inTable = entriesByNetwork[network] ?? 0
        for node in leaving where node.info.endpoint.ip.diversityPrefix == network {
            if bucketIndex(for: node.id) == bucket { inBucket -= 1 }
            if !settings.isExemptFromNetworkLimits(node.info.endpoint.ip) { inTable -= 1 }
        }
        if inBucket >= settings.perNetworkPerBucket { return .networkLimitInBucket }
        if inTable >= settings.perNetworkInTable { return .networkLimitInTable }
        return nil
    }

    /// Why a node that only queried us may not even wait as a candidate, if it may not.
    func refusalForCandidate(_ info: DHTNodeInfo, bucket: Int) -> RoutingRefusal? {
        let (leaving, refusal) = conflicts(for: info, bucket: bucket)
        return refusal ?? networkRefusal(for: info.endpoint.ip, bucket: bucket, leaving: leaving)
    }

    /// Whether `bucket` has a free place or a bad entry to give up.
    func hasVacancy(bucket: Int) -> Bool {
        buckets[bucket].nodes.count < settings.bucketSize || buckets[bucket].nodes.contains { isBad($0) }
    }

    // MARK: - Placing

    /// Puts a node that answered us at `response` into its bucket if it is admissible and there
    /// is room, displacing bad entries in its way.
    mutating func place(_ info: DHTNodeInfo, respondedAt response: Double, now: Double) -> Placement {
        guard let bucket = bucketIndex(for: info.id) else { return .refused(.ownID) }
        if let index = buckets[bucket].index(of: info.id), buckets[bucket].nodes[index].info == info {
            return .placed([])
        }
        var (leaving, refusal) = conflicts(for: info, bucket: bucket)
        if let refusal { return .refused(refusal) }
        let freesPlaceHere = leaving.contains { bucketIndex(for: $0.id) == bucket }
        if !freesPlaceHere && buckets[bucket].nodes.count >= settings.bucketSize {
            guard let worst = buckets[bucket].worstBadIndex(now: now, settings: settings) else {
                if let refusal = networkRefusal(for: info.endpoint.ip, bucket: bucket, leaving: []) {
                    return .refused(refusal)
                }
                return .noRoom
            }
            leaving.append(buckets[bucket].nodes[worst])
        }
        if let refusal = networkRefusal(for: info.endpoint.ip, bucket: bucket, leaving: leaving) {
            return .refused(refusal)
        }

        var actions: [RoutingAction] = []
        var emptiedElsewhere: [Int] = []
        for node in leaving {
            guard let from = bucketIndex(for: node.id), let index = buckets[from].index(of: node.id) else { continue }
            removeEntry(bucket: from, index: index)
            actions.append(.replaced(old: node.info, new: info))
            if from != bucket { emptiedElsewhere.append(from) }
        }
        if actions.isEmpty { actions.append(.added(info)) }
        appendEntry(RoutingNode(info: info, firstSeen: now, lastResponse: response), bucket: bucket)
        buckets[bucket].forgetCandidate(id: info.id)
        buckets[bucket].lastChanged = now
        for other in emptiedElsewhere { actions += maintain(bucket: other, now: now) }
        return .placed(actions)
    }

    /// Keeps `bucket` full: fills a vacancy from the candidates that answered (pinging the best
    /// other candidate when none did), or, when a candidate waits for a full bucket, probes the
    /// least recently seen questionable entry.
    mutating func maintain(bucket: Int, now: Double) -> [RoutingAction] {
        var actions: [RoutingAction] = []
        while hasVacancy(bucket: bucket) {
            if let best = buckets[bucket].bestRespondedCandidateIndex() {
                let candidate = buckets[bucket].candidates.remove(at: best)
                let placement = place(candidate.info, respondedAt: candidate.lastResponse ?? now, now: now)
                guard case .placed(let placed) = placement else { continue }  // no longer admissible: forgotten
                actions += placed
                continue
            }
            if let index = buckets[bucket].candidateToPing(now: now, settings: settings) {
                buckets[bucket].candidates[index].lastPing = now
                actions.append(.ping(buckets[bucket].candidates[index].info))
            }
            return actions
        }
        guard !buckets[bucket].candidates.isEmpty, let probe = buckets[bucket].probeIndex(now: now, settings: settings)
        else { return actions }
        buckets[bucket].nodes[probe].lastPing = now
        actions.append(.ping(buckets[bucket].nodes[probe].info))
        return actions
    }

    // MARK: - Bookkeeping

    /// Adds an entry to `bucket` and to the endpoint and network indexes.
    mutating func appendEntry(_ node: RoutingNode, bucket: Int) {
        buckets[bucket].nodes.append(node)
        idsByEndpoint[node.info.endpoint] = node.id
        if !settings.isExemptFromNetworkLimits(node.info.endpoint.ip) {
            entriesByNetwork[node.info.endpoint.ip.diversityPrefix, default: 0] += 1
        }
        count += 1
    }

    /// Removes an entry from its bucket and from the endpoint and network indexes.
    mutating func removeEntry(bucket: Int, index: Int) {
        let node = buckets[bucket].nodes.remove(at: index)
        idsByEndpoint[node.info.endpoint] = nil
        if !settings.isExemptFromNetworkLimits(node.info.endpoint.ip) {
            let network = node.info.endpoint.ip.diversityPrefix
            let remaining = (entriesByNetwork[network] ?? 1) - 1
            entriesByNetwork[network] = remaining > 0 ? remaining : nil
        }
        count -= 1
    }
}
