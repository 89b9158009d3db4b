/// Typed reads from one dictionary of a scanned datagram; each refusal names the field.
///
/// Reads go to the datagram's bytes through the entries `KRPCScanner` recorded, so a field the
/// codec looks up costs a comparison of a few key bytes, and only what it keeps is copied. Every
/// read means what it meant over a decoded `[[UInt8]: BencodeValue]`: `value(_:)` gives the very
/// value `BencodeDecoder` would have put under the key.
struct KRPCDictionary {
    private let scan: KRPCScanner.Scan
    private let entries: Range<Int>

    /// The top-level dictionary of `scan`, or nil when the top-level value is something else.
    init?(root scan: KRPCScanner.Scan) {
        guard scan.root.kind == .dictionary else { return nil }
        self.scan = scan
        entries = scan.root.contents
    }

    private init(scan: KRPCScanner.Scan, entries: Range<Int>) {
        self.scan = scan
        self.entries = entries
    }

    // MARK: - Raw entries

    /// The entry under `field`'s key, if present.
    func entry(_ field: KRPCField) -> KRPCScanner.Span? {
        let input = scan.input
        let wanted = field.key
        for index in entries {
            let key = scan.entries[index].key
            guard key.count == wanted.count else { continue }
            if input[key].elementsEqual(wanted) { return scan.entries[index] }
        }
        return nil
    }

    /// The bytes of an entry that is a byte string, nil for any other kind.
    func stringBytes(_ span: KRPCScanner.Span) -> ArraySlice<UInt8>? {
        span.kind == .bytes ? scan.input[span.contents] : nil
    }

    /// The value an entry holds, as `BencodeDecoder` would have decoded it.
    func decodedValue(_ span: KRPCScanner.Span) -> BencodeValue {
        switch span.kind {
        case .integer: .integer(span.integer)
        case .bytes: .bytes(Array(scan.input[span.contents]))
        case .list, .dictionary:
            BencodeDecoder.decodeChecked(scan.input, in: span.value, limits: KRPCMessage.decodingLimits)
        }
    }

    // MARK: - Typed reads

    /// Whether the key is present at all.
    func contains(_ field: KRPCField) -> Bool { entry(field) != nil }

    /// The value, whatever its type, if present.
    func value(_ field: KRPCField) -> BencodeValue? { entry(field).map(decodedValue) }

    /// A required value of any type.
    func requiredValue(_ field: KRPCField) throws(KRPCMalformation) -> BencodeValue {
        guard let value = value(field) else { throw .missingField(field.path) }
        return value
    }

    /// A byte string, if present; of exactly `length` bytes when a length is given.
    func bytes(_ field: KRPCField, length: Int? = nil) throws(KRPCMalformation) -> [UInt8]? {
        try span(field, length: length).map { Array(scan.input[$0]) }
    }

    /// A required byte string.
    func requiredBytes(_ field: KRPCField, length: Int? = nil) throws(KRPCMalformation) -> [UInt8] {
        guard let bytes = try bytes(field, length: length) else { throw .missingField(field.path) }
        return bytes
    }

    /// A required 20-byte ID, read in place.
    func nodeID(_ field: KRPCField) throws(KRPCMalformation) -> NodeID {
        guard let span = try span(field, length: NodeID.byteCount) else { throw .missingField(field.path) }
        return NodeID(scan.input, at: span.lowerBound)
    }

    /// An integer, if present.
    func integer(_ field: KRPCField) throws(KRPCMalformation) -> Int64? {
        guard let entry = entry(field) else { return nil }
        guard entry.kind == .integer else { throw .wrongType(field.path) }
        return entry.integer
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
        guard let entry = entry(field) else { throw .missingField(field.path) }
        guard entry.kind == .dictionary else { throw .wrongType(field.path) }
        return KRPCDictionary(scan: scan, entries: entry.contents)
    }

    /// A compact endpoint (6 or 18 bytes), if present.
    func endpoint(_ field: KRPCField) throws(KRPCMalformation) -> DHTEndpoint? {
        guard let span = try span(field) else { return nil }
        guard span.count == 6 || span.count == 18 else { throw .wrongLength(field.path, span.count) }
        return endpoint(at: span.lowerBound, ipv4: span.count == 6)
    }

    /// A compact node list of `entryLength`-byte entries (26 or 38); empty when absent.
    func nodes(_ field: KRPCField, entryLength: Int) throws(KRPCMalformation) -> [DHTNodeInfo] {
        guard let span = try span(field) else { return [] }
        let ipv4 = entryLength == DHTNodeInfo.compactIPv4Length
        guard ipv4 || entryLength == DHTNodeInfo.compactIPv6Length, span.count.isMultiple(of: entryLength) else {
            throw .wrongLength(field.path, span.count)
        }
        var nodes = [DHTNodeInfo]()
        nodes.reserveCapacity(span.count / entryLength)
        for start in stride(from: span.lowerBound, to: span.upperBound, by: entryLength) {
            let id = NodeID(scan.input, at: start)
            nodes.append(DHTNodeInfo(id: id, endpoint: endpoint(at: start + NodeID.byteCount, ipv4: ipv4)))
        }
        return nodes
    }

    /// A list of compact peers (6 or 18 bytes each); empty when absent.
    func peers(_ field: KRPCField) throws(KRPCMalformation) -> [DHTEndpoint] {
        guard let value = value(field) else { return [] }
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

    // MARK: - In place

    /// Where a byte string's bytes are, if present; of exactly `length` bytes when a length is given.
    private func span(_ field: KRPCField, length: Int? = nil) throws(KRPCMalformation) -> Range<Int>? {
        guard let entry = entry(field) else { return nil }
        guard entry.kind == .bytes else { throw .wrongType(field.path) }
        if let length, entry.contents.count != length { throw .wrongLength(field.path, entry.contents.count) }
        return entry.contents
    }

    /// The compact endpoint (4 or 16 address bytes, then the port) at `start`, which the caller
    /// has checked lies within the input.
    private func endpoint(at start: Int, ipv4: Bool) -> DHTEndpoint {
        scan.input.withUnsafeBytes { raw in
            precondition(start >= 0 && raw.count - start >= (ipv4 ? 6 : 18), "a compact endpoint needs its bytes")
            func load<T: FixedWidthInteger>(_ offset: Int, as type: T.Type) -> T {
                T(bigEndian: raw.loadUnaligned(fromByteOffset: start + offset, as: T.self))
            }
            return ipv4
                ? DHTEndpoint(ip: .v4(load(0, as: UInt32.self)), port: load(4, as: UInt16.self))
                : DHTEndpoint(ip: .v6(load(0, as: UInt64.self), load(8, as: UInt64.self)), port: load(16, as: UInt16.self))
        }
    }
}
