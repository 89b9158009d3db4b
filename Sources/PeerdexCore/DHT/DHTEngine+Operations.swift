// MARK: - Answers to our queries

extension DHTEngine {
    /// An answer: matched to the query by transaction ID and source, then routed to its purpose.
    mutating func handleResponse(_ response: KRPCResponse, message: KRPCMessage, from source: DHTEndpoint, now: Double)
        -> [DHTAction]
    {
        guard let query = takeQuery(answeredBy: message, from: source) else { return [] }
        let node = DHTNodeInfo(id: response.id, endpoint: source)
        if let expected = query.expectedID, expected != response.id {
            // Another node now answers at that address: the one we asked is gone from there.
            var actions = perform(routing.noteFailure(id: expected, endpoint: source, now: now), now: now)
            actions += queryFailed(query, node: DHTNodeInfo(id: expected, endpoint: source), error: nil, now: now)
            return actions
        }
        roundTrip.add(max(now - query.sentAt, 0))
        if let address = message.requesterAddress { voteForExternalAddress(address, from: source) }
        var actions = perform(routing.noteResponse(from: node, now: now), now: now)
        switch query.purpose {
        case .lookup(let id):
            actions += lookupAnswered(id, by: node, response: response, now: now)
        case .bootstrapSeed(let id):
            operations[id]?.pendingSeeds -= 1
            operations[id]?.responses += 1
            let named = askable(response.nodes + response.nodes6)
            operations[id]?.lookup.received(from: node, closerNodes: named, token: nil)
            for named in named where operations[id]?.hops[named.id] == nil {
                operations[id]?.hops[named.id] = 2
            }
            actions += advance(id, now: now)
        case .store(let id):
            actions += storeAnswered(id, acknowledged: true, refusal: nil, wasOverdue: query.overdueReported, now: now)
        case .maintenance, .repair:
            break
        case .handOff(let target):
            actions += handOffAnswered(target, by: node, response: response, now: now)
        case .handOffPut(let target, let seq):
            replicaLedger.confirm(node.id, holds: target, seq: seq)
        case .replicaCheck:
            break
        }
        return actions
    }

    /// The query `message` answers, taken out of the in-flight table: its transaction ID must be
    /// ours and the answer must come from where we sent it (a spoofed or late answer is counted
    /// and dropped).
    private mutating func takeQuery(answeredBy message: KRPCMessage, from source: DHTEndpoint) -> InflightQuery? {
        guard let number = Self.transactionNumber(message.transactionID), let query = inflight[number],
            query.endpoint == source
        else {
            statistics.unmatchedResponses += 1
            return nil
        }
        inflight[number] = nil
        return query
    }

    /// An error reply: the query failed, with a reason a put reports.
    mutating func handleError(_ reply: KRPCErrorReply, message: KRPCMessage, from source: DHTEndpoint, now: Double)
        -> [DHTAction]
    {
        guard let query = takeQuery(answeredBy: message, from: source) else { return [] }
        let node = DHTNodeInfo(id: query.expectedID ?? .zero, endpoint: source)
        return queryFailed(query, node: node, error: reply, now: now)
    }

    /// A query that failed (error, timeout or wrong responder) leaves its operation's running.
    mutating func queryFailed(_ query: InflightQuery, node: DHTNodeInfo, error: KRPCErrorReply?, now: Double)
        -> [DHTAction]
    {
        switch query.purpose {
        case .lookup(let id):
            operations[id]?.lookup.markFailed(node)
            return advance(id, now: now)
        case .bootstrapSeed(let id):
            operations[id]?.pendingSeeds -= 1
            return advance(id, now: now)
        case .store(let id):
            return storeAnswered(id, acknowledged: false, refusal: error, wasOverdue: query.overdueReported, now: now)
        case .replicaCheck, .handOff:
            return replicaCheckFailed(node, refused: error != nil, now: now)
        case .maintenance, .repair, .handOffPut:
            return []
        }
    }

    // MARK: - Lookups

    mutating func lookupAnswered(_ id: DHTOperationID, by node: DHTNodeInfo, response: KRPCResponse, now: Double)
        -> [DHTAction]
    {
        // Taken out while it changes, so that its candidate list and hop table are changed in
        // place rather than copied for every answer (the table would still share them).
        guard var running = operations.removeValue(forKey: id) else { return [] }
        running.responses += 1
        let named = askable(node.endpoint.ip.isIPv4 ? response.nodes : response.nodes6)
        let hop = (running.hops[node.id] ?? 1) + 1
        for other in named where running.hops[other.id] == nil { running.hops[other.id] = hop }
        running.lookup.received(from: node, closerNodes: named, token: response.token)
        switch running.operation {
        case .getMutable(let publicKey, let salt):
            collectItem(from: node, response: response, publicKey: publicKey, salt: salt, into: &running)
        case .getPeers, .announce:
            for peer in response.peers where running.foundPeerSet.insert(peer).inserted {
                running.foundPeers.append(peer)
            }
        case .bootstrap, .findNode, .putMutable:
            break
        }
        operations[id] = running
        return advance(id, now: now)
    }

    /// The nodes named in an answer that a lookup may ask: not our own node (a remote that knows
    /// us names us near our own ID, and a lookup must not ask, nor count as a replica, itself),
    /// nor an endpoint nobody can be reached at (port 0, an unspecified address), which would only
    /// hold a slot until overdue.
    private func askable(_ nodes: [DHTNodeInfo]) -> [DHTNodeInfo] {
        nodes.allSatisfy { isAskable($0) } ? nodes : nodes.filter { isAskable($0) }
    }

    private func isAskable(_ node: DHTNodeInfo) -> Bool {
        node.id != localID && node.endpoint.port != 0 && node.endpoint.ip != .v4(0) && node.endpoint.ip != .v6(0, 0)
    }

    /// Keeps the newest valid item a get has seen, and every responder's version (for repair).
    private mutating func collectItem(
        from node: DHTNodeInfo, response: KRPCResponse, publicKey: [UInt8], salt: [UInt8], into running: inout RunningOperation
    ) {
        if let token = response.token { running.responders.append((node, token, response.seq)) }
        guard let value = response.value, let seq = response.seq, let signature = response.signature,
            response.publicKey == nil || response.publicKey! == publicKey
        else { return }
        if let best = running.bestItem, best.seq == seq, best.signature == signature,
            best.valueBytes == value.encoded()  // the same signature over another value is a forgery
        {
            running.holders.append(node.endpoint)  // the version already verified: no second signature check
        } else if running.bestItem.map({ seq > $0.seq }) ?? true,
            let item = try? verifiedItem(publicKey: publicKey, salt: salt, seq: seq, value: value, signature: signature)
        {
            running.bestItem = item
            running.holders = [node.endpoint]
        }
    }

    /// Sends what an operation's state asks for next, and finishes it when it is done.
    mutating func advance(_ id: DHTOperationID, now: Double) -> [DHTAction] {
        // Taken out, as in `lookupAnswered`; every path below puts it back or finishes it.
        guard var running = operations.removeValue(forKey: id) else { return [] }
        var actions = [DHTAction]()
        if running.store == nil {
            if running.pendingSeeds > 0 && running.lookup.candidates.isEmpty {
                operations[id] = running
                return []
            }
            let target = running.lookup.target
            for node in running.lookup.nextQueries() {
                running.queriesSent += 1
                actions += sendQuery(lookupQuery(for: running.operation, target: target), to: node.endpoint,
                                     expecting: node.id, purpose: .lookup(id), now: now)
            }
            guard running.lookup.isDone, running.pendingSeeds <= 0 else {
                operations[id] = running
                return actions
            }
            switch running.settled(widenedTo: configuration.k) {
            case .finish:
                break
            case .askFarther:
                operations[id] = running
                return actions + advance(id, now: now)
            case .awaitOverdue:
                operations[id] = running
                return actions
            }
            if let phase = storePhase(for: running) {
                running.store = phase
                operations[id] = running
                return actions + sendStores(id, now: now)
            }
            operations[id] = nil
            actions.append(.finished(id, result(of: running, now: now)))
            actions += repairStaleHolders(running, now: now)
            return actions
        }
        operations[id] = running
        return actions
    }

    private func lookupQuery(for operation: DHTOperation, target: NodeID) -> KRPCQuery {
        switch operation {
        case .bootstrap, .findNode: .findNode(id: localID, target: target)
        case .getMutable: .get(id: localID, target: target, seq: nil)
        case .putMutable(let item): .get(id: localID, target: target, seq: item.seq)
        case .getPeers, .announce: .getPeers(id: localID, infoHash: target)
        }
    }

    private func result(of running: RunningOperation, now: Double) -> DHTOperationResult {
        let closest = running.lookup.closestResponders(configuration.k)
        let outcome: DHTOperationOutcome =
            switch running.operation {
            case .bootstrap, .findNode: .nodes(closest.map(\.node))
            case .getMutable: .item(running.bestItem, holders: running.holders)
            case .getPeers: .peers(running.foundPeers)
            case .putMutable:
                .stored(acknowledged: running.store?.acknowledged ?? 0, required: configuration.requiredAcknowledgements,
                        refusals: running.store?.refusals ?? [])
            case .announce: .announced(acknowledged: running.store?.acknowledged ?? 0)
            }
        let hops = closest.first.map { running.hops[$0.node.id] ?? 1 } ?? 0
        return DHTOperationResult(
            outcome: outcome, queriesSent: running.queriesSent, responses: running.responses, hopsToClosest: hops,
            startedAt: running.startedAt, finishedAt: now)
    }

    /// A get pushes the newest item to the closest replicas that answered with an older one.
    private mutating func repairStaleHolders(_ running: RunningOperation, now: Double) -> [DHTAction] {
        guard case .getMutable = running.operation, let best = running.bestItem,
            running.responders.contains(where: { ($0.seq ?? .min) < best.seq })  // usually none is stale
        else { return [] }
        let closest = Set(running.lookup.closestResponders(configuration.replication).map(\.node))
        var actions = [DHTAction]()
        for (node, token, seq) in running.responders where closest.contains(node) && (seq ?? .min) < best.seq {
            actions += sendQuery(.put(id: localID, token: token, put: KRPCPutArguments(item: best)), to: node.endpoint,
                                 expecting: node.id, purpose: .repair, now: now)
        }
        return actions
    }

    // MARK: - Storing at replicas

    private func storePhase(for running: RunningOperation) -> StorePhase? {
        let wanted: Int
        switch running.operation {
        case .putMutable: wanted = configuration.replication
        case .announce: wanted = configuration.k
        default: return nil
        }
        let queue = running.lookup.closestResponders(configuration.k).compactMap { candidate in
            candidate.token.map { (candidate.node, $0) }
        }
        let required = if case .putMutable = running.operation { configuration.requiredAcknowledgements } else { 1 }
        return StorePhase(queue: queue, wanted: wanted, required: required)
    }

    /// Sends stores until `wanted` are in flight or acknowledged, or the queue is empty.
    private mutating func sendStores(_ id: DHTOperationID, now: Double) -> [DHTAction] {
        guard var running = operations[id], var phase = running.store else { return [] }
        var actions = [DHTAction]()
        while phase.inFlight + phase.acknowledged < phase.wanted, !phase.queue.isEmpty {
            let (node, token) = phase.queue.removeFirst()
            let query: KRPCQuery
            switch running.operation {
            case .putMutable(let item): query = .put(id: localID, token: token, put: KRPCPutArguments(item: item))
            case .announce(let infoHash, let port):
                query = .announcePeer(id: localID, infoHash: infoHash, port: port ?? 0, token: token, impliedPort: port == nil)
            default: return []
            }
            phase.inFlight += 1
            running.queriesSent += 1
            actions += sendQuery(query, to: node.endpoint, expecting: node.id, purpose: .store(id), now: now)
        }
        running.store = phase
        operations[id] = running
        return actions + finishStoreIfSettled(id, now: now)
    }

    /// One replica answered, refused, timed out or went overdue.
    mutating func storeAnswered(
        _ id: DHTOperationID, acknowledged: Bool, refusal: KRPCErrorReply?, wasOverdue: Bool = false, overdue: Bool = false,
        now: Double
    ) -> [DHTAction] {
        guard var running = operations[id], var phase = running.store else { return [] }
        // An overdue store already freed its slot; its late answer or failure must not free another.
        if !wasOverdue { phase.inFlight -= 1 }
        if overdue {
            running.store = phase
            operations[id] = running
            return sendStores(id, now: now)
        }
        if acknowledged {
            phase.acknowledged += 1
            running.responses += 1
        } else if let refusal {
            phase.refusals.append(refusal)
        }
        running.store = phase
        operations[id] = running
        return sendStores(id, now: now)
    }

    /// Reports a store phase once it has enough acknowledgements or can get no more, and drops
    /// the operation once nothing of it is left in flight.
    private mutating func finishStoreIfSettled(_ id: DHTOperationID, now: Double) -> [DHTAction] {
        guard var running = operations[id], let phase = running.store else { return [] }
        var actions = [DHTAction]()
        let exhausted = phase.queue.isEmpty && phase.inFlight <= 0
        let complete = phase.acknowledged >= phase.wanted
        let early = isPut(running.operation) && phase.acknowledged >= phase.required
        if !running.reported, exhausted || complete || early {
            running.reported = true
            actions.append(.finished(id, result(of: running, now: now)))
        }
        let stillWaiting = inflight.values.contains { $0.purpose == .store(id) }
        operations[id] = running.reported && !stillWaiting && (exhausted || complete) ? nil : running
        return actions
    }

    private func isPut(_ operation: DHTOperation) -> Bool {
        if case .putMutable = operation { true } else { false }
    }
}

extension KRPCPutArguments {
    /// The arguments that store a signed mutable item.
    init(item: MutableItem) {
        self.init(value: item.value, publicKey: item.publicKey, signature: item.signature, seq: item.seq,
                  salt: item.salt.isEmpty ? nil : item.salt, compareAndSwap: nil)
    }
}
