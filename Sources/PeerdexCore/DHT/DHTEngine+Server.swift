// MARK: - Answering other nodes' queries

extension DHTEngine {
    /// Nodes returned in `nodes` / `nodes6` (BEP 5: the 8 closest).
    var nodesPerReply: Int { configuration.k }

    /// Answers a query, or stays silent: a read-only node answers nothing (BEP 43) and an address
    /// over its rate gets no answer at all, so that a flood costs it more than us.
    mutating func answer(_ query: KRPCQuery, message: KRPCMessage, from source: DHTEndpoint, now: Double) -> [DHTAction] {
        guard !configuration.readOnly else { return [] }
        guard allowQuery(from: source.ip, now: now) else {
            statistics.queriesRateLimited += 1
            return []
        }
        var actions = [DHTAction]()
        let sender = DHTNodeInfo(id: query.senderID, endpoint: source)
        if !message.readOnly, sender.id != localID {
            actions += perform(routing.noteQuery(from: sender, now: now), now: now)
        }
        let reply: Result<KRPCResponse, KRPCErrorReply> = respond(to: query, from: source, now: now)
        statistics.queriesAnswered += 1
        let out: KRPCMessage
        switch reply {
        case .success(let response):
            out = .response(
                response, transactionID: message.transactionID, requesterAddress: source,
                clientVersion: configuration.clientVersion)
        case .failure(let error):
            out = .error(
                code: error.code, message: error.message, transactionID: message.transactionID,
                requesterAddress: source, clientVersion: configuration.clientVersion)
        }
        actions.append(.send(out.encoded(), to: source))
        return actions
    }

    private mutating func respond(to query: KRPCQuery, from source: DHTEndpoint, now: Double) -> Result<KRPCResponse, KRPCErrorReply> {
        var response = KRPCResponse(id: localID)
        switch query {
        case .ping:
            break
        case .findNode(_, let target):
            fillNodes(&response, near: target, for: source)
        case .getPeers(_, let infoHash):
            response.token = tokens.token(for: source.ip)
            response.peers = peers.peers(for: infoHash, ipv4: source.ip.isIPv4, now: now, using: &random)
            fillNodes(&response, near: infoHash, for: source)
        case .announcePeer(_, let infoHash, let port, let token, let impliedPort):
            guard tokens.isValid(token, for: source.ip) else {
                return .failure(KRPCErrorReply(code: KRPCErrorReply.Code.protocolError, message: "invalid token"))
            }
            let peerPort = impliedPort ? source.port : port
            guard peerPort != 0 else {
                return .failure(KRPCErrorReply(code: KRPCErrorReply.Code.protocolError, message: "invalid port"))
            }
            _ = peers.announce(infoHash: infoHash, peer: DHTEndpoint(ip: source.ip, port: peerPort), now: now)
        case .get(_, let target, let seq):
            response.token = tokens.token(for: source.ip)
            fillNodes(&response, near: target, for: source)
            switch items.answer(target: target, seq: seq, now: now) {
            case .mutable(let item):
                response.value = item.value
                response.publicKey = item.publicKey
                response.signature = item.signature
                response.seq = item.seq
            case .immutable(let item):
                response.value = item.value
            case .sequenceOnly(let storedSeq):
                response.seq = storedSeq
            case nil:
                break
            }
        case .put(_, let token, let arguments):
            guard tokens.isValid(token, for: source.ip) else {
                return .failure(KRPCErrorReply(code: KRPCErrorReply.Code.protocolError, message: "invalid token"))
            }
            if let error = store(arguments, from: source, now: now) { return .failure(error) }
        }
        return .success(response)
    }

    /// The closest nodes of the requester's address family.
    private func fillNodes(_ response: inout KRPCResponse, near target: NodeID, for source: DHTEndpoint) {
        let ipv4 = source.ip.isIPv4
        var closest = routing.closest(to: target, count: nodesPerReply)
        if closest.contains(where: { $0.endpoint.ip.isIPv4 != ipv4 }) {
            closest = routing.closest(to: target, count: nodesPerReply * 4).filter { $0.endpoint.ip.isIPv4 == ipv4 }
            closest = Array(closest.prefix(nodesPerReply))
        }
        if ipv4 { response.nodes = closest } else { response.nodes6 = closest }
    }

    /// Stores what a valid `put` carries, or says which BEP 44 error it earns.
    private mutating func store(_ arguments: KRPCPutArguments, from source: DHTEndpoint, now: Double) -> KRPCErrorReply? {
        let outcome: Result<ItemStore.PutOutcome, DHTItemError>
        do throws(DHTItemError) {
            if let publicKey = arguments.publicKey {
                guard let seq = arguments.seq, let signature = arguments.signature else {
                    return KRPCErrorReply(code: KRPCErrorReply.Code.protocolError, message: "put without seq or sig")
                }
                let item = try verifiedItem(
                    publicKey: publicKey, salt: arguments.salt ?? [], seq: seq, value: arguments.value, signature: signature)
                outcome = items.put(mutable: item, cas: arguments.compareAndSwap, from: source.ip, now: now)
            } else {
                outcome = items.put(immutable: try ImmutableItem(value: arguments.value), from: source.ip, now: now)
            }
        } catch {
            return KRPCErrorReply(code: error.krpcCode, message: error.krpcMessage)
        }
        if case .failure(let error) = outcome { return KRPCErrorReply(code: error.krpcCode, message: error.krpcMessage) }
        return nil
    }
}
