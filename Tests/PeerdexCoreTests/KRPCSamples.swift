import PeerdexCore
import PeerdexTestSupport

/// Random KRPC messages of every kind for round-trip tests, and an independent oracle: the same
/// message built as a `BencodeValue`, whose generic encoder sorts keys itself.
enum KRPCSamples {
    // MARK: - Random messages

    /// A random message; `kindIndex` 0...8 picks ping, find_node, get_peers, announce_peer, get,
    /// immutable put, mutable put, response, error.
    static func message(_ random: inout some RandomNumberGenerator, kindIndex: Int) -> KRPCMessage {
        let id = NodeID(random: &random)
        let kind: KRPCMessage.Kind
        switch kindIndex {
        case 0: kind = .query(.ping(id: id))
        case 1: kind = .query(.findNode(id: id, target: NodeID(random: &random)))
        case 2: kind = .query(.getPeers(id: id, infoHash: NodeID(random: &random)))
        case 3:
            let implied = Bool.random(using: &random)
            kind = .query(
                .announcePeer(
                    id: id, infoHash: NodeID(random: &random),
                    port: UInt16.random(in: (implied ? 0 : 1)...UInt16.max, using: &random),
                    token: bytes(&random, count: Int.random(in: 0...20, using: &random)), impliedPort: implied))
        case 4:
            kind = .query(
                .get(
                    id: id, target: NodeID(random: &random),
                    seq: maybe(&random) { Int64.random(in: 0...Int64.max, using: &$0) }))
        case 5:
            kind = .query(
                .put(id: id, token: bytes(&random, count: 4), put: KRPCPutArguments(value: value(&random, depth: 0))))
        case 6:
            let put = KRPCPutArguments(
                value: value(&random, depth: 0), publicKey: bytes(&random, count: 32),
                signature: bytes(&random, count: 64),
                seq: Int64.random(in: 0...Int64.max, using: &random),
                salt: maybe(&random) { bytes(&$0, count: Int.random(in: 0...64, using: &$0)) },
                compareAndSwap: maybe(&random) { Int64.random(in: 0...1_000, using: &$0) })
            kind = .query(.put(id: id, token: bytes(&random, count: 8), put: put))
        case 7: kind = .response(response(&random, id: id))
        default:
            let text = String(
                (0..<Int.random(in: 0...30, using: &random)).map { _ in "aé€ 🙂z".randomElement(using: &random)! })
            kind = .error(KRPCErrorReply(code: Int.random(in: -5...400, using: &random), message: text))
        }
        return KRPCMessage(
            transactionID: bytes(&random, count: Int.random(in: 1...16, using: &random)), kind: kind,
            clientVersion: maybe(&random) { bytes(&$0, count: Int.random(in: 0...6, using: &$0)) },
            readOnly: Bool.random(using: &random), requesterAddress: maybe(&random) { endpoint(&$0) })
    }

    private static func response(_ random: inout some RandomNumberGenerator, id: NodeID) -> KRPCResponse {
        let nodes = (0..<Int.random(in: 0...8, using: &random)).map { _ in
            DHTNodeInfo(
                id: NodeID(random: &random),
                endpoint: DHTEndpoint(ip: .v4(.random(in: 0...UInt32.max, using: &random)), port: 9))
        }
        let nodes6 = (0..<Int.random(in: 0...4, using: &random)).map { _ in
            DHTNodeInfo(
                id: NodeID(random: &random), endpoint: DHTEndpoint(ip: .v6(random.next(), random.next()), port: 10))
        }
        let mutable = Bool.random(using: &random)
        return KRPCResponse(
            id: id, nodes: nodes, nodes6: nodes6,
            token: maybe(&random) { bytes(&$0, count: Int.random(in: 0...8, using: &$0)) },
            peers: (0..<Int.random(in: 0...6, using: &random)).map { _ in endpoint(&random) },
            value: maybe(&random) { value(&$0, depth: 0) }, publicKey: mutable ? bytes(&random, count: 32) : nil,
            signature: mutable ? bytes(&random, count: 64) : nil,
            seq: maybe(&random) { Int64.random(in: 0...Int64.max, using: &$0) })
    }

    static func bytes(_ random: inout some RandomNumberGenerator, count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    static func endpoint(_ random: inout some RandomNumberGenerator) -> DHTEndpoint {
        let ip: IPAddress =
            Bool.random(using: &random)
            ? .v4(.random(in: 0...UInt32.max, using: &random)) : .v6(random.next(), random.next())
        return DHTEndpoint(ip: ip, port: .random(in: 0...UInt16.max, using: &random))
    }

    /// A small random value, at most 4 levels deep (the decoder allows 8 inside `v`).
    static func value(_ random: inout some RandomNumberGenerator, depth: Int) -> BencodeValue {
        switch Int.random(in: 0...(depth >= 3 ? 1 : 3), using: &random) {
        case 0: return .integer(Int64.random(in: Int64.min...Int64.max, using: &random))
        case 1: return .bytes(bytes(&random, count: Int.random(in: 0...12, using: &random)))
        case 2: return .list((0..<Int.random(in: 0...4, using: &random)).map { _ in value(&random, depth: depth + 1) })
        default:
            var entries = [[UInt8]: BencodeValue]()
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                entries[bytes(&random, count: Int.random(in: 0...3, using: &random))] = value(&random, depth: depth + 1)
            }
            return .dictionary(entries)
        }
    }

    private static func maybe<T>(_ random: inout some RandomNumberGenerator, _ make: (inout SeededRandom) -> T) -> T? {
        guard Bool.random(using: &random) else { return nil }
        var inner = SeededRandom(exactSeed: random.next())
        return make(&inner)
    }

    // MARK: - Oracle

    /// The message as a generic bencode dictionary, written from BEP 5 and BEP 44 directly.
    static func bencode(of message: KRPCMessage) -> BencodeValue {
        var top = [[UInt8]: BencodeValue]()
        top[key("t")] = .bytes(message.transactionID)
        if let version = message.clientVersion { top[key("v")] = .bytes(version) }
        if message.readOnly { top[key("ro")] = .integer(1) }
        if let address = message.requesterAddress { top[key("ip")] = .bytes(address.compact) }
        switch message.kind {
        case .query(let query):
            top[key("y")] = .string("q")
            top[key("q")] = .string(query.methodName)
            top[key("a")] = .dictionary(arguments(of: query))
        case .response(let response):
            top[key("y")] = .string("r")
            var r: [[UInt8]: BencodeValue] = [key("id"): .bytes(response.id.bytes)]
            if !response.nodes.isEmpty { r[key("nodes")] = .bytes(response.nodes.flatMap(\.compact)) }
            if !response.nodes6.isEmpty { r[key("nodes6")] = .bytes(response.nodes6.flatMap(\.compact)) }
            if let token = response.token { r[key("token")] = .bytes(token) }
            if !response.peers.isEmpty { r[key("values")] = .list(response.peers.map { .bytes($0.compact) }) }
            if let value = response.value { r[key("v")] = value }
            if let k = response.publicKey { r[key("k")] = .bytes(k) }
            if let sig = response.signature { r[key("sig")] = .bytes(sig) }
            if let seq = response.seq { r[key("seq")] = .integer(seq) }
            top[key("r")] = .dictionary(r)
        case .error(let reply):
            top[key("y")] = .string("e")
            top[key("e")] = .list([.integer(Int64(reply.code)), .string(reply.message)])
        }
        return .dictionary(top)
    }

    private static func arguments(of query: KRPCQuery) -> [[UInt8]: BencodeValue] {
        var a: [[UInt8]: BencodeValue] = [key("id"): .bytes(query.senderID.bytes)]
        switch query {
        case .ping: break
        case .findNode(_, let target): a[key("target")] = .bytes(target.bytes)
        case .getPeers(_, let infoHash): a[key("info_hash")] = .bytes(infoHash.bytes)
        case .announcePeer(_, let infoHash, let port, let token, let impliedPort):
            a[key("info_hash")] = .bytes(infoHash.bytes)
            a[key("port")] = .integer(Int64(port))
            a[key("token")] = .bytes(token)
            if impliedPort { a[key("implied_port")] = .integer(1) }
        case .get(_, let target, let seq):
            a[key("target")] = .bytes(target.bytes)
            if let seq { a[key("seq")] = .integer(seq) }
        case .put(_, let token, let put):
            a[key("token")] = .bytes(token)
            a[key("v")] = put.value
            if let k = put.publicKey { a[key("k")] = .bytes(k) }
            if let sig = put.signature { a[key("sig")] = .bytes(sig) }
            if let seq = put.seq { a[key("seq")] = .integer(seq) }
            if let salt = put.salt { a[key("salt")] = .bytes(salt) }
            if let cas = put.compareAndSwap { a[key("cas")] = .integer(cas) }
        }
        return a
    }

    private static func key(_ text: String) -> [UInt8] { Array(text.utf8) }
}
