/// One KRPC message of the Mainline DHT (BEP 5): a query, a response or an error, with the
/// top-level extras of BEP 42 (`ip`), BEP 43 (`ro`) and the client version (`v`).
///
/// `init(decoding:)` reads a whole UDP datagram strictly: canonical bencode within
/// `decodingLimits`, then every field this codec knows with its type and size checked; unknown
/// keys are ignored, so newer clients' extras pass. `encoded()` writes canonical bencode of
/// exactly the fields present, and `KRPCMessage(decoding: m.encoded()) == m` for every message
/// that decodes.
public struct KRPCMessage: Sendable, Equatable {
    /// What the message is.
    public enum Kind: Sendable, Equatable {
        /// `y` = `q`.
        case query(KRPCQuery)
        /// `y` = `r`.
        case response(KRPCResponse)
        /// `y` = `e`.
        case error(KRPCErrorReply)
    }

    /// The transaction ID (`t`), echoed by the answer: 1...16 bytes accepted (libtorrent uses 2–4).
    public var transactionID: [UInt8]
    /// The query, response or error.
    public var kind: Kind
    /// The sender's client version (`v`), such as `LT\x02\x00` or `peerdexVersion`.
    public var clientVersion: [UInt8]?
    /// Whether the sender is read-only (`ro` = 1, BEP 43): it answers no queries, so it must not
    /// enter routing tables.
    public var readOnly: Bool
    /// The requester's address as the responder saw it (`ip`, BEP 42: compact 6 or 18 bytes);
    /// libtorrent puts it on responses and on error replies alike.
    public var requesterAddress: DHTEndpoint?

    /// A message from its parts.
    public init(
        transactionID: [UInt8], kind: Kind, clientVersion: [UInt8]? = nil, readOnly: Bool = false,
        requesterAddress: DHTEndpoint? = nil
    ) {
        self.transactionID = transactionID
        self.kind = kind
        self.clientVersion = clientVersion
        self.readOnly = readOnly
        self.requesterAddress = requesterAddress
    }

    // MARK: - Constants

    /// peerdex's client version (`v`): "PX" then major and minor version bytes, the shape of
    /// libtorrent's "LT" + two bytes.
    public static let peerdexVersion: [UInt8] = [UInt8(ascii: "P"), UInt8(ascii: "X"), 0x00, 0x01]

    /// Longest transaction ID accepted.
    public static let maximumTransactionIDLength = 16

    /// Bounds on an incoming datagram. libtorrent reads DHT packets into a 1,500-byte buffer
    /// and decodes them with a depth limit of 10 and 500 tokens; 2,048 bytes leaves room above
    /// the largest BEP 44 put (a 1,000-byte `v` plus about 200 bytes of envelope), and the same
    /// depth and about the same count mean that what peerdex accepts, libtorrent accepts too.
    public static let decodingLimits = BencodeLimits(maximumLength: 2_048, maximumDepth: 10, maximumValues: 512)

    // MARK: - Decoding

    /// Decodes one datagram; see `KRPCDecodeError` for what can be answered when it fails.
    public init(decoding datagram: [UInt8]) throws(KRPCDecodeError) {
        let scan: KRPCScanner.Scan
        do {
            scan = try KRPCScanner.scan(datagram, limits: Self.decodingLimits)
        } catch {
            throw .notBencode(error)
        }
        guard let top = KRPCDictionary(root: scan) else { throw .notADictionary }
        guard let transactionSpan = top.entry(.transactionID), let transactionBytes = top.stringBytes(transactionSpan),
            (1...Self.maximumTransactionIDLength).contains(transactionBytes.count)
        else { throw .invalidTransactionID }
        let transactionID = Array(transactionBytes)

        let type = top.entry(.type)
        let isQuery = type.flatMap(top.stringBytes)?.elementsEqual(Self.queryType) ?? false
        var method: KRPCQuery.Method?
        if isQuery {
            // Read the method first: an unknown one is answered 204 whatever its arguments.
            guard let name = top.entry(.method) else {
                throw .malformedQuery(transactionID: transactionID, reason: .missingField(KRPCField.method.path))
            }
            guard let wireName = top.stringBytes(name) else {
                throw .malformedQuery(transactionID: transactionID, reason: .wrongType(KRPCField.method.path))
            }
            guard let known = KRPCQuery.Method(wireName: wireName) else {
                throw .unknownMethod(transactionID: transactionID, method: String(decoding: wireName, as: UTF8.self))
            }
            method = known
        }
        do throws(KRPCMalformation) {
            self.init(
                transactionID: transactionID, kind: try Self.kind(type: type, method: method, top: top),
                clientVersion: try top.bytes(.clientVersion), readOnly: try top.flag(.readOnly),
                requesterAddress: try top.endpoint(.requesterAddress))
        } catch {
            throw isQuery
                ? .malformedQuery(transactionID: transactionID, reason: error)
                : .malformedResponse(transactionID: transactionID, reason: error)
        }
    }

    private static func kind(type: KRPCScanner.Span?, method: KRPCQuery.Method?, top: KRPCDictionary)
        throws(KRPCMalformation)
        -> Kind
    {
        guard let type else { throw .missingField(KRPCField.type.path) }
        guard let typeBytes = top.stringBytes(type) else { throw .wrongType(KRPCField.type.path) }
        if let method {
            return .query(try KRPCQuery(method: method, arguments: top.dictionary(.arguments)))
        }
        if typeBytes.elementsEqual(responseType) {
            return .response(try KRPCResponse(values: top.dictionary(.response)))
        }
        if typeBytes.elementsEqual(errorType) {
            return .error(try errorReply(top.requiredValue(.error)))
        }
        throw .unknownMessageType(Array(typeBytes))
    }

    /// `e`: exactly `[code, message]`.
    private static func errorReply(_ value: BencodeValue) throws(KRPCMalformation) -> KRPCErrorReply {
        guard case .list(let items) = value, items.count == 2, case .integer(let code) = items[0],
            case .bytes(let message) = items[1]
        else { throw .wrongType(KRPCField.error.path) }
        return KRPCErrorReply(code: Int(code), message: String(decoding: message, as: UTF8.self))
    }

    // MARK: - Encoding

    /// The canonical bencoding: top-level keys in byte order a, e, ip, q, r, ro, t, v, y.
    public func encoded() -> [UInt8] {
        var writer = KRPCWriter(capacity: encodedSizeEstimate)
        writer.beginDictionary()
        switch kind {
        case .query(let query):
            writer.key(.arguments)
            query.encodeArguments(into: &writer)
        case .error(let reply):
            writer.key(.error)
            writer.beginList()
            writer.integer(Int64(reply.code))
            writer.stringHeader(length: reply.message.utf8.count)
            writer.bytes.append(contentsOf: reply.message.utf8)
            writer.end()
        case .response:
            break
        }
        if let requesterAddress {
            writer.key(.requesterAddress)
            writer.stringHeader(length: requesterAddress.ip.isIPv4 ? 6 : 18)
            writer.raw(requesterAddress)
        }
        switch kind {
        case .query(let query):
            writer.entry(.method, query.method.wireName)
        case .response(let response):
            writer.key(.response)
            response.encodeValues(into: &writer)
        case .error:
            break
        }
        if readOnly { writer.entry(.readOnly, integer: 1) }
        writer.entry(.transactionID, transactionID)
        if let clientVersion { writer.entry(.clientVersion, clientVersion) }
        writer.entry(.type, Self.typeBytes(kind))
        writer.end()
        return writer.bytes
    }

    /// Enough for most messages in one allocation; a BEP 44 value or long node lists grow it once.
    private var encodedSizeEstimate: Int {
        switch kind {
        case .query(.put): 1_280
        case .query: 192
        case .response(let response):
            160 + response.nodes.count * 26 + response.nodes6.count * 38 + response.peers.count * 20
                + (response.value == nil ? 0 : 1_024)
        case .error(let reply): 64 + reply.message.utf8.count
        }
    }

    private static let queryType: [UInt8] = [UInt8(ascii: "q")]
    private static let responseType: [UInt8] = [UInt8(ascii: "r")]
    private static let errorType: [UInt8] = [UInt8(ascii: "e")]

    private static func typeBytes(_ kind: Kind) -> [UInt8] {
        switch kind {
        case .query: queryType
        case .response: responseType
        case .error: errorType
        }
    }
}
