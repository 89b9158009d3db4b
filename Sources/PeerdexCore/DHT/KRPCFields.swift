// The pieces the KRPC codec is built from: the keys it knows and a writer of canonical bencode
// that needs no intermediate `BencodeValue`. The typed reads are `KRPCDictionary`.

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
