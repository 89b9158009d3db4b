import PeerdexTestSupport
import Testing

@testable import PeerdexCore

// MARK: - What an engine did

/// One datagram an engine sent, decoded (its encoder is canonical, so decoding loses nothing).
struct SentDatagram: Equatable, CustomStringConvertible {
    /// The message.
    let message: KRPCMessage
    /// Where it went.
    let to: DHTEndpoint

    /// The query, if it is one.
    var query: KRPCQuery? { message.query }
    /// The response, if it is one.
    var response: KRPCResponse? { message.response }
    /// The error reply, if it is one.
    var errorReply: KRPCErrorReply? { message.errorReply }

    /// `find_node → 10.0.0.5:6881 t=00000001`, for failure messages.
    var description: String {
        let kind = query.map(\.methodName) ?? (response != nil ? "response" : "error \(errorReply?.code ?? 0)")
        return "\(kind) → \(to) t=\(HexBytes.encode(message.transactionID))"
    }
}

/// The actions one step of a scripted engine returned, raw and decoded.
struct EngineOutput {
    /// Exactly what the engine returned, in order.
    let actions: [DHTAction]

    /// Every datagram sent, decoded, in order; an undecodable one is recorded as a test failure.
    var sent: [SentDatagram] {
        actions.compactMap { action in
            guard case .send(let bytes, let endpoint) = action else { return nil }
            do {
                return SentDatagram(message: try KRPCMessage(decoding: bytes), to: endpoint)
            } catch {
                Issue.record("the engine sent a datagram it cannot decode itself: \(error)")
                return nil
            }
        }
    }

    /// The queries among `sent`.
    var queries: [SentDatagram] { sent.filter { $0.query != nil } }

    /// The operations finished, in order.
    var finished: [(id: DHTOperationID, result: DHTOperationResult)] {
        actions.compactMap { action in
            guard case .finished(let id, let result) = action else { return nil }
            return (id, result)
        }
    }

    /// Everything two outputs returned, in order.
    static func + (lhs: EngineOutput, rhs: EngineOutput) -> EngineOutput {
        EngineOutput(actions: lhs.actions + rhs.actions)
    }
}

// MARK: - Nodes of a script

/// IDs and endpoints laid out around a target, so that a distance in a test reads as a number.
enum ScriptNodes {
    /// The ID at XOR distance `distance` (in the last 32 bits) from `target`.
    static func id(_ distance: UInt32, from target: NodeID) -> NodeID {
        target.distance(to: NodeID(high: 0, middle: 0, low: distance))
    }

    /// The node at distance `distance` from `target`, on a private IPv4 address unique to that
    /// distance (exempt from BEP 42 and the diversity limits).
    static func node(_ distance: UInt32, from target: NodeID, port: UInt16 = 6881) -> DHTNodeInfo {
        DHTNodeInfo(
            id: id(distance, from: target),
            endpoint: DHTEndpoint(ip: .v4(0x0a00_0000 | distance & 0xff_ffff), port: port))
    }

    /// The same on a unique-local IPv6 address (fd00::/8).
    static func node6(_ distance: UInt32, from target: NodeID, port: UInt16 = 6881) -> DHTNodeInfo {
        DHTNodeInfo(
            id: id(distance, from: target),
            endpoint: DHTEndpoint(ip: .v6(0xfd00_0000_0000_0000, UInt64(distance)), port: port))
    }

    /// An ID sharing no leading bit with `target`: a local node far from every node of the script,
    /// so that they all fall in its bucket 0 (which holds k of them).
    static func farID(from target: NodeID) -> NodeID {
        target.distance(to: NodeID(high: 0x8000_0000_0000_0000, middle: 0x5a5a, low: 0xa5a5))
    }
}

/// A remote node as a script plays it: what it answers to each query the engine sends it.
struct ScriptedRemote {
    /// Its ID and address.
    var info: DHTNodeInfo
    /// The nodes it names in `nodes` / `nodes6` of every lookup answer.
    var knows: [DHTNodeInfo] = []
    /// The write token it hands out.
    var token: [UInt8]
    /// The item it answers a `get` with, if any.
    var item: MutableItem?
    /// The response it sends to a `get` instead of the one `item` makes (for forgeries).
    var forgedGet: KRPCResponse?
    /// The peers it answers a `get_peers` with.
    var peers: [DHTEndpoint] = []
    /// The error code it answers a `put` or `announce_peer` with, if it refuses.
    var refusal: Int?
    /// Whether it answers nothing at all.
    var silent = false

    /// A remote at `info` handing out a token made of its address.
    init(_ info: DHTNodeInfo, knows: [DHTNodeInfo] = [], item: MutableItem? = nil) {
        self.info = info
        self.knows = knows
        self.item = item
        token = Array("tok".utf8) + info.endpoint.compact
    }

    /// Its answer to `query`: a response, an error (code, message), or nil for silence.
    func answer(_ query: KRPCQuery) -> Result<KRPCResponse, KRPCErrorReply>? {
        guard !silent else { return nil }
        var response = KRPCResponse(id: info.id)
        switch query {
        case .ping:
            break
        case .findNode:
            fill(&response)
        case .getPeers:
            fill(&response)
            response.token = token
            response.peers = peers
        case .get(_, _, let seq):
            if let forgedGet { return .success(forgedGet) }
            fill(&response)
            response.token = token
            if let item {
                response.seq = item.seq
                if seq.map({ $0 < item.seq }) ?? true {
                    response.value = item.value
                    response.publicKey = item.publicKey
                    response.signature = item.signature
                }
            }
        case .put, .announcePeer:
            if let refusal { return .failure(KRPCErrorReply(code: refusal, message: "refused by script")) }
        }
        return .success(response)
    }

    private func fill(_ response: inout KRPCResponse) {
        response.nodes = knows.filter { $0.endpoint.ip.isIPv4 }
        response.nodes6 = knows.filter { !$0.endpoint.ip.isIPv4 }
    }
}

// MARK: - The script

/// One `DHTEngine` driven by hand on a virtual clock: datagrams built with `KRPCMessage` go in,
/// and each step returns exactly what the engine did. No socket, no timer (STYLE.md rule 3).
struct EngineScript {
    /// The token secret every scripted engine starts with.
    static let tokenSecret: [UInt8] = Array(repeating: 0x5a, count: 16)

    /// The engine under test.
    var engine: DHTEngine
    /// The virtual clock.
    var now: Double
    /// What `tick` draws from (new token secrets, refresh targets).
    var random: SeededRandom
    /// The transaction IDs of the queries a script sends, counted up.
    private var nextTransaction: UInt16 = 0x7100

    /// An engine with `localID` and `configuration` at `now`.
    init(
        localID: NodeID, configuration: DHTEngineConfiguration = DHTEngineConfiguration(), now: Double = 1_000,
        seed: UInt64 = 0xD47
    ) {
        engine = DHTEngine(localID: localID, configuration: configuration, tokenSecret: Self.tokenSecret, now: now)
        self.now = now
        random = SeededRandom(defaultSeed: seed)
    }

    /// The engine's ID.
    var localID: NodeID { engine.localID }

    /// The write tokens the engine hands out, computed from its secret as a client would see them.
    static func token(for ip: IPAddress) -> [UInt8] { WriteTokens(secret: tokenSecret).token(for: ip) }

    /// Enters `nodes` into the routing table as if each had just answered one of our queries.
    mutating func know(_ nodes: [DHTNodeInfo]) {
        for node in nodes { _ = engine.routing.noteResponse(from: node, now: now) }
    }

    // MARK: - Inputs

    /// Hands raw bytes to the engine.
    mutating func receive(_ bytes: [UInt8], from source: DHTEndpoint) -> EngineOutput {
        EngineOutput(actions: engine.receive(bytes, from: source, now: now))
    }

    /// Hands a message to the engine.
    mutating func receive(_ message: KRPCMessage, from source: DHTEndpoint) -> EngineOutput {
        receive(message.encoded(), from: source)
    }

    /// Sends the engine a query from `source`, with a fresh transaction ID unless one is given.
    mutating func ask(
        _ query: KRPCQuery, from source: DHTEndpoint, transactionID: [UInt8]? = nil, readOnly: Bool = false
    ) -> EngineOutput {
        nextTransaction &+= 1
        let transaction = transactionID ?? [UInt8(nextTransaction >> 8), UInt8(nextTransaction & 0xff)]
        return receive(
            KRPCMessage.query(
                query, transactionID: transaction, readOnly: readOnly, clientVersion: Array("LT\u{1}\u{2}".utf8)),
            from: source)
    }

    /// Answers one of the engine's queries with `response`, from where it went unless `source`
    /// says otherwise, echoing its transaction ID unless `transactionID` says otherwise, and
    /// telling the engine its address (`ip`) if `requesterAddress` is given.
    mutating func answer(
        _ sent: SentDatagram, with response: KRPCResponse, from source: DHTEndpoint? = nil,
        transactionID: [UInt8]? = nil, requesterAddress: DHTEndpoint? = nil
    ) -> EngineOutput {
        let reply = KRPCMessage.response(
            response, transactionID: transactionID ?? sent.message.transactionID, requesterAddress: requesterAddress,
            clientVersion: Array("LT\u{1}\u{2}".utf8))
        return receive(reply, from: source ?? sent.to)
    }

    /// Answers one of the engine's queries with an error reply.
    mutating func refuse(_ sent: SentDatagram, code: Int, message: String = "refused by script") -> EngineOutput {
        receive(.error(code: code, message: message, transactionID: sent.message.transactionID), from: sent.to)
    }

    /// Starts an operation.
    mutating func start(_ operation: DHTOperation) -> (DHTOperationID, EngineOutput) {
        let (id, actions) = engine.start(operation, now: now)
        return (id, EngineOutput(actions: actions))
    }

    /// Moves the clock to `time` and ticks.
    mutating func tick(at time: Double) -> EngineOutput {
        now = time
        return EngineOutput(actions: engine.tick(now: time, random: &random))
    }

    // MARK: - Playing remote nodes

    /// Answers `queries` as `remotes` would (by endpoint), then every query those answers cause,
    /// until the engine sends nothing more to a remote that answers. Only queries `answering`
    /// accepts are answered. Returns everything the engine did, and the queries left unanswered
    /// (refused by `answering`, or to silent or unknown remotes), in the order they were sent.
    mutating func play(
        _ queries: [SentDatagram], with remotes: [ScriptedRemote], answering: (SentDatagram) -> Bool = { _ in true }
    ) -> (output: EngineOutput, unanswered: [SentDatagram]) {
        let byEndpoint = Dictionary(remotes.map { ($0.info.endpoint, $0) }, uniquingKeysWith: { first, _ in first })
        var pending = queries
        var actions = [DHTAction]()
        var unanswered = [SentDatagram]()
        while !pending.isEmpty {
            let query = pending.removeFirst()
            guard answering(query), let remote = byEndpoint[query.to], let kind = query.query,
                let answer = remote.answer(kind)
            else {
                unanswered.append(query)
                continue
            }
            let output: EngineOutput
            switch answer {
            case .success(let response): output = self.answer(query, with: response)
            case .failure(let error): output = refuse(query, code: error.code, message: error.message)
            }
            actions += output.actions
            pending += output.queries
        }
        return (EngineOutput(actions: actions), unanswered)
    }
}
