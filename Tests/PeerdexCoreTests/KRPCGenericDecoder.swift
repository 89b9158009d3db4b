@testable import PeerdexCore

/// The KRPC decoder as it was before `KRPCScanner`: `BencodeDecoder` builds the whole tree, then
/// the fields are read from its dictionaries. Kept as the oracle that the scanning decoder must
/// agree with, result for result and error for error.
enum KRPCGenericDecoder {
    static func decode(_ datagram: [UInt8]) throws(KRPCDecodeError) -> KRPCMessage {
        let root: BencodeValue
        do {
            root = try BencodeDecoder.decode(datagram, limits: KRPCMessage.decodingLimits)
        } catch {
            throw .notBencode(error)
        }
        guard case .dictionary(let entries) = root else { throw .notADictionary }
        let top = GenericFields(entries: entries)
        guard case .bytes(let transactionID)? = top.value(.transactionID),
            (1...KRPCMessage.maximumTransactionIDLength).contains(transactionID.count)
        else { throw .invalidTransactionID }

        let type = top.value(.type)
        let isQuery = if case .bytes(let typeBytes)? = type { typeBytes == Array("q".utf8) } else { false }
        var method: KRPCQuery.Method?
        if isQuery {
            guard let name = top.value(.method) else {
                throw .malformedQuery(transactionID: transactionID, reason: .missingField(KRPCField.method.path))
            }
            guard case .bytes(let wireName) = name else {
                throw .malformedQuery(transactionID: transactionID, reason: .wrongType(KRPCField.method.path))
            }
            guard let known = KRPCQuery.Method(wireName: wireName) else {
                throw .unknownMethod(transactionID: transactionID, method: String(decoding: wireName, as: UTF8.self))
            }
            method = known
        }
        do throws(KRPCMalformation) {
            return KRPCMessage(
                transactionID: transactionID, kind: try kind(type: type, method: method, top: top),
                clientVersion: try top.bytes(.clientVersion), readOnly: try top.flag(.readOnly),
                requesterAddress: try top.endpoint(.requesterAddress))
        } catch {
            throw isQuery
                ? .malformedQuery(transactionID: transactionID, reason: error)
                : .malformedResponse(transactionID: transactionID, reason: error)
        }
    }

    private static func kind(type: BencodeValue?, method: KRPCQuery.Method?, top: GenericFields)
        throws(KRPCMalformation) -> KRPCMessage.Kind
    {
        guard let type else { throw .missingField(KRPCField.type.path) }
        guard case .bytes(let typeBytes) = type else { throw .wrongType(KRPCField.type.path) }
        if let method {
            return .query(try query(method: method, arguments: top.dictionary(.arguments)))
        }
        if typeBytes == Array("r".utf8) {
            return .response(try response(top.dictionary(.response)))
        }
        if typeBytes == Array("e".utf8) {
            guard case .list(let items) = try top.requiredValue(.error), items.count == 2,
                case .integer(let code) = items[0], case .bytes(let message) = items[1]
            else { throw .wrongType(KRPCField.error.path) }
            return .error(KRPCErrorReply(code: Int(code), message: String(decoding: message, as: UTF8.self)))
        }
        throw .unknownMessageType(typeBytes)
    }

    private static func query(method: KRPCQuery.Method, arguments a: GenericFields) throws(KRPCMalformation)
        -> KRPCQuery
    {
        let id = try a.nodeID(.senderID)
        switch method {
        case .ping:
            return .ping(id: id)
        case .findNode:
            return .findNode(id: id, target: try a.nodeID(.target))
        case .getPeers:
            return .getPeers(id: id, infoHash: try a.nodeID(.infoHash))
        case .announcePeer:
            let infoHash = try a.nodeID(.infoHash)
            let impliedPort = try a.flag(.impliedPort)
            let port = try a.requiredInteger(.port, in: (impliedPort ? 0 : 1)...Int64(UInt16.max))
            let token = try a.requiredBytes(.token)
            return .announcePeer(id: id, infoHash: infoHash, port: UInt16(port), token: token, impliedPort: impliedPort)
        case .get:
            return .get(id: id, target: try a.nodeID(.target), seq: try a.sequenceNumber(.sequence))
        case .put:
            let token = try a.requiredBytes(.token)
            let value = try a.requiredValue(.value)
            let publicKey = try a.bytes(.publicKey, length: KRPCPutArguments.publicKeyLength)
            let signature = try a.bytes(.signature, length: KRPCPutArguments.signatureLength)
            let seq = try a.sequenceNumber(.sequence)
            let salt = try a.bytes(.salt)
            let compareAndSwap = try a.sequenceNumber(.compareAndSwap)
            if publicKey != nil || signature != nil || seq != nil || salt != nil || compareAndSwap != nil {
                guard publicKey != nil else { throw .missingField(KRPCField.publicKey.path) }
                guard signature != nil else { throw .missingField(KRPCField.signature.path) }
                guard seq != nil else { throw .missingField(KRPCField.sequence.path) }
            }
            let put = KRPCPutArguments(
                value: value, publicKey: publicKey, signature: signature, seq: seq, salt: salt,
                compareAndSwap: compareAndSwap)
            return .put(id: id, token: token, put: put)
        }
    }

    private static func response(_ r: GenericFields) throws(KRPCMalformation) -> KRPCResponse {
        KRPCResponse(
            id: try r.nodeID(.responderID),
            nodes: try r.nodes(.nodes, entryLength: DHTNodeInfo.compactIPv4Length),
            nodes6: try r.nodes(.nodes6, entryLength: DHTNodeInfo.compactIPv6Length),
            token: try r.bytes(.responseToken),
            peers: try r.peers(.peers),
            value: r.value(.responseValue),
            publicKey: try r.bytes(.responsePublicKey, length: KRPCPutArguments.publicKeyLength),
            signature: try r.bytes(.responseSignature, length: KRPCPutArguments.signatureLength),
            seq: try r.sequenceNumber(.responseSequence))
    }
}

/// Typed reads from a decoded dictionary, as the codec made them before `KRPCDictionary`.
struct GenericFields {
    let entries: [[UInt8]: BencodeValue]

    /// Whether the key is present at all.
    func contains(_ field: KRPCField) -> Bool { entries[field.key] != nil }

    /// The value, whatever its type, if present.
    func value(_ field: KRPCField) -> BencodeValue? { entries[field.key] }

    /// A required value of any type.
    func requiredValue(_ field: KRPCField) throws(KRPCMalformation) -> BencodeValue {
        guard let value = entries[field.key] else { throw .missingField(field.path) }
        return value
    }

    /// A byte string, if present; of exactly `length` bytes when a length is given.
    func bytes(_ field: KRPCField, length: Int? = nil) throws(KRPCMalformation) -> [UInt8]? {
        guard let value = entries[field.key] else { return nil }
        guard case .bytes(let bytes) = value else { throw .wrongType(field.path) }
        if let length, bytes.count != length { throw .wrongLength(field.path, bytes.count) }
        return bytes
    }

    /// A required byte string.
    func requiredBytes(_ field: KRPCField, length: Int? = nil) throws(KRPCMalformation) -> [UInt8] {
        guard let bytes = try bytes(field, length: length) else { throw .missingField(field.path) }
        return bytes
    }

    /// A required 20-byte ID.
    func nodeID(_ field: KRPCField) throws(KRPCMalformation) -> NodeID {
        let bytes = try requiredBytes(field, length: NodeID.byteCount)
        return NodeID(bytes: bytes)!  // 20 bytes always make an ID
    }

    /// An integer, if present.
    func integer(_ field: KRPCField) throws(KRPCMalformation) -> Int64? {
        guard let value = entries[field.key] else { return nil }
        guard case .integer(let integer) = value else { throw .wrongType(field.path) }
        return integer
    }

    /// A required integer within `range`.
    func requiredInteger(_ field: KRPCField, in range: ClosedRange<Int64>) throws(KRPCMalformation) -> Int64 {
        guard let integer = try integer(field) else { throw .missingField(field.path) }
        guard range.contains(integer) else { throw .outOfRange(field.path, integer) }
        return integer
    }

    /// A sequence number or compare-and-swap value, if present: never negative (BEP 44 lets a
    /// node refuse negative ones, and libtorrent does).
    func sequenceNumber(_ field: KRPCField) throws(KRPCMalformation) -> Int64? {
        guard let integer = try integer(field) else { return nil }
        guard integer >= 0 else { throw .outOfRange(field.path, integer) }
        return integer
    }

    /// A flag (`ro`, `implied_port`): absent or 0 is false, any other integer true, as libtorrent reads them.
    func flag(_ field: KRPCField) throws(KRPCMalformation) -> Bool {
        (try integer(field) ?? 0) != 0
    }

    /// A required dictionary.
    func dictionary(_ field: KRPCField) throws(KRPCMalformation) -> GenericFields {
        guard let value = entries[field.key] else { throw .missingField(field.path) }
        guard case .dictionary(let entries) = value else { throw .wrongType(field.path) }
        return GenericFields(entries: entries)
    }

    /// A compact endpoint (6 or 18 bytes), if present.
    func endpoint(_ field: KRPCField) throws(KRPCMalformation) -> DHTEndpoint? {
        guard let bytes = try bytes(field) else { return nil }
        guard let endpoint = DHTEndpoint(compact: bytes) else { throw .wrongLength(field.path, bytes.count) }
        return endpoint
    }

    /// A compact node list of `entryLength`-byte entries; empty when absent.
    func nodes(_ field: KRPCField, entryLength: Int) throws(KRPCMalformation) -> [DHTNodeInfo] {
        guard let bytes = try bytes(field) else { return [] }
        guard let nodes = DHTNodeInfo.decodeList(bytes, entryLength: entryLength) else {
            throw .wrongLength(field.path, bytes.count)
        }
        return nodes
    }

    /// A list of compact peers (6 or 18 bytes each); empty when absent.
    func peers(_ field: KRPCField) throws(KRPCMalformation) -> [DHTEndpoint] {
        guard let value = entries[field.key] else { return [] }
        guard case .list(let items) = value else { throw .wrongType(field.path) }
        var peers = [DHTEndpoint]()
        peers.reserveCapacity(items.count)
        for item in items {
            guard case .bytes(let bytes) = item else { throw .wrongType(field.path) }
            guard let peer = DHTEndpoint(compact: bytes) else { throw .wrongLength(field.path, bytes.count) }
            peers.append(peer)
        }
        return peers
    }
}
