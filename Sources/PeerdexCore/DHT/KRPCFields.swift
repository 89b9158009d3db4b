// The pieces the KRPC codec is built from: the keys it knows, typed reads from a decoded
// dictionary that name the field they refuse, and a writer of canonical bencode that needs no
// intermediate `BencodeValue`.

// MARK: - Fields

/// One key of a KRPC dictionary and its path for error messages (`a.id`, `r.nodes`).
struct KRPCField: Sendable {
    /// The raw key.
    let key: [UInt8]
    /// `key` at the top level, `parent.key` inside "a" or "r".
    let path: String

    init(_ key: String, in parent: String? = nil) {
        self.key = Array(key.utf8)
        path = parent.map { "\($0).\(key)" } ?? key
    }

    // Top level (BEP 5, BEP 42 "ip", BEP 43 "ro").
    static let arguments = KRPCField("a")
    static let error = KRPCField("e")
    static let requesterAddress = KRPCField("ip")
    static let method = KRPCField("q")
    static let response = KRPCField("r")
    static let readOnly = KRPCField("ro")
    static let transactionID = KRPCField("t")
    static let clientVersion = KRPCField("v")
    static let type = KRPCField("y")

    // Query arguments ("a").
    static let senderID = KRPCField("id", in: "a")
    static let target = KRPCField("target", in: "a")
    static let infoHash = KRPCField("info_hash", in: "a")
    static let port = KRPCField("port", in: "a")
    static let impliedPort = KRPCField("implied_port", in: "a")
    static let token = KRPCField("token", in: "a")
    static let sequence = KRPCField("seq", in: "a")
    static let value = KRPCField("v", in: "a")
    static let publicKey = KRPCField("k", in: "a")
    static let signature = KRPCField("sig", in: "a")
    static let salt = KRPCField("salt", in: "a")
    static let compareAndSwap = KRPCField("cas", in: "a")

    // Response values ("r").
    static let responderID = KRPCField("id", in: "r")
    static let nodes = KRPCField("nodes", in: "r")
    static let nodes6 = KRPCField("nodes6", in: "r")
    static let responseToken = KRPCField("token", in: "r")
    static let peers = KRPCField("values", in: "r")
    static let responseValue = KRPCField("v", in: "r")
    static let responsePublicKey = KRPCField("k", in: "r")
    static let responseSignature = KRPCField("sig", in: "r")
    static let responseSequence = KRPCField("seq", in: "r")
}

// MARK: - Reading

/// Typed reads from a decoded dictionary; each refusal names the field.
struct KRPCDictionary {
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
    func dictionary(_ field: KRPCField) throws(KRPCMalformation) -> KRPCDictionary {
        guard let value = entries[field.key] else { throw .missingField(field.path) }
        guard case .dictionary(let entries) = value else { throw .wrongType(field.path) }
        return KRPCDictionary(entries: entries)
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

// MARK: - Writing

/// Appends canonical bencode to a buffer: the caller writes keys in ascending byte order.
struct KRPCWriter {
    var bytes: [UInt8]

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func beginDictionary() { bytes.append(UInt8(ascii: "d")) }
    mutating func beginList() { bytes.append(UInt8(ascii: "l")) }
    mutating func end() { bytes.append(UInt8(ascii: "e")) }

    mutating func key(_ field: KRPCField) { string(field.key) }

    mutating func string(_ value: [UInt8]) {
        stringHeader(length: value.count)
        bytes.append(contentsOf: value)
    }

    /// The `<length>:` of a byte string whose bytes the caller appends next.
    mutating func stringHeader(length: Int) {
        decimal(Int64(length))
        bytes.append(UInt8(ascii: ":"))
    }

    /// An ID's 20 bytes, straight from its words.
    mutating func raw(_ id: NodeID) {
        withUnsafeBytes(of: id.high.bigEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: id.middle.bigEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: id.low.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// An endpoint's compact 6 or 18 bytes.
    mutating func raw(_ endpoint: DHTEndpoint) {
        switch endpoint.ip {
        case .v4(let address):
            withUnsafeBytes(of: address.bigEndian) { bytes.append(contentsOf: $0) }
        case .v6(let high, let low):
            withUnsafeBytes(of: high.bigEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: low.bigEndian) { bytes.append(contentsOf: $0) }
        }
        withUnsafeBytes(of: endpoint.port.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func integer(_ value: Int64) {
        bytes.append(UInt8(ascii: "i"))
        decimal(value)
        bytes.append(UInt8(ascii: "e"))
    }

    mutating func value(_ value: BencodeValue) { value.encode(into: &bytes) }

    /// `key` then a byte string.
    mutating func entry(_ field: KRPCField, _ value: [UInt8]) {
        key(field)
        string(value)
    }

    /// `key` then an ID as a 20-byte string.
    mutating func entry(_ field: KRPCField, _ id: NodeID) {
        key(field)
        stringHeader(length: NodeID.byteCount)
        raw(id)
    }

    /// `key` then an integer.
    mutating func entry(_ field: KRPCField, integer value: Int64) {
        key(field)
        integer(value)
    }

    /// Decimal digits without going through `String` (no allocation).
    private mutating func decimal(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        var divisor: UInt64 = 1
        while magnitude / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude / divisor % 10))
            divisor /= 10
        }
    }
}
