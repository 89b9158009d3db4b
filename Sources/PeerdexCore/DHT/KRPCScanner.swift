/// The strict checks of `BencodeDecoder` in one pass over a datagram that builds no
/// `BencodeValue`: it records where every dictionary entry lies, so that the KRPC codec reads
/// the few keys it knows straight from the bytes.
///
/// Decoding a KRPC message into generic dictionaries cost more than the rest of answering it,
/// most of it hashing byte-array keys for a dozen lookups. The scanner accepts exactly what the
/// decoder accepts and throws the same `BencodeError` at the same offset for everything else: it
/// mirrors the decoder check for check, and `KRPCScannerTests` hold the two to that.
struct KRPCScanner {
    /// One value of the datagram; with its key when it is a dictionary entry.
    struct Span {
        /// What a value is, from its first byte.
        enum Kind: UInt8 {
            case integer, bytes, list, dictionary
        }

        /// The key's bytes (no length prefix); empty for the top-level value and list items.
        var key: Range<Int>
        /// The value's whole encoding.
        var value: Range<Int>
        /// What the value is.
        var kind: Kind
        /// A byte string's bytes, or the positions in `Scan.entries` of a dictionary's entries.
        var contents: Range<Int>
        /// An integer's value.
        var integer: Int64
    }

    /// A datagram that passed, and the entries of each of its dictionaries.
    struct Scan {
        /// The datagram.
        let input: [UInt8]
        /// Every dictionary's entries, each dictionary's contiguous and in key order.
        let entries: [Span]
        /// The top-level value.
        let root: Span
    }

    private let input: [UInt8]
    private let limits: BencodeLimits
    private var offset = 0
    private var values = 0
    private var entries: [Span] = []
    /// Entries of the dictionaries still open, innermost last; one is moved to `entries` whole
    /// when it closes, which keeps each dictionary's entries together.
    private var open: [Span] = []

    private init(input: [UInt8], limits: BencodeLimits) {
        self.input = input
        self.limits = limits
        entries.reserveCapacity(24)
        open.reserveCapacity(24)
    }

    /// Checks that `input` is exactly one canonical value within `limits`, as
    /// `BencodeDecoder.decode` does, and records its dictionaries' entries.
    static func scan(_ input: [UInt8], limits: BencodeLimits) throws(BencodeError) -> Scan {
        guard input.count <= limits.maximumLength else { throw .tooLong(input.count) }
        var scanner = KRPCScanner(input: input, limits: limits)
        let root = try scanner.value(depth: 1, key: 0..<0)
        guard scanner.offset == input.count else { throw .trailingBytes(offset: scanner.offset) }
        return Scan(input: input, entries: scanner.entries, root: root)
    }

    // MARK: - Values, in the decoder's order of checks

    private mutating func value(depth: Int, key: Range<Int>) throws(BencodeError) -> Span {
        guard depth <= limits.maximumDepth else { throw .tooDeep }
        values += 1
        guard values <= limits.maximumValues else { throw .tooManyValues }
        guard offset < input.count else { throw .truncated }
        let start = offset
        switch input[offset] {
        case UInt8(ascii: "i"):
            offset += 1
            let integer = try integer(until: UInt8(ascii: "e"))
            return Span(key: key, value: start..<offset, kind: .integer, contents: 0..<0, integer: integer)
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            let contents = try string()
            return Span(key: key, value: start..<offset, kind: .bytes, contents: contents, integer: 0)
        case UInt8(ascii: "l"):
            offset += 1
            while true {
                guard offset < input.count else { throw .truncated }
                if input[offset] == UInt8(ascii: "e") { break }
                _ = try value(depth: depth + 1, key: 0..<0)
            }
            offset += 1
            return Span(key: key, value: start..<offset, kind: .list, contents: 0..<0, integer: 0)
        case UInt8(ascii: "d"):
            offset += 1
            let first = open.count
            var previousKey: Range<Int>?
            while true {
                guard offset < input.count else { throw .truncated }
                if input[offset] == UInt8(ascii: "e") { break }
                let keyOffset = offset
                guard input[offset] >= UInt8(ascii: "0"), input[offset] <= UInt8(ascii: "9") else {
                    throw .unexpectedByte(input[offset], offset: offset)
                }
                values += 1
                guard values <= limits.maximumValues else { throw .tooManyValues }
                let entryKey = try string()
                if let previousKey, !precedes(previousKey, entryKey) { throw .unsortedKeys(offset: keyOffset) }
                previousKey = entryKey
                open.append(try value(depth: depth + 1, key: entryKey))
            }
            offset += 1
            let stored = entries.count..<entries.count + (open.count - first)
            entries.append(contentsOf: open[first...])
            open.removeSubrange(first...)
            return Span(key: key, value: start..<offset, kind: .dictionary, contents: stored, integer: 0)
        default:
            throw .unexpectedByte(input[offset], offset: offset)
        }
    }

    /// Whether key `a` sorts strictly before key `b` as raw bytes (`lexicographicallyPrecedes`).
    private func precedes(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        let shared = min(a.count, b.count)
        for index in 0..<shared where input[a.lowerBound + index] != input[b.lowerBound + index] {
            return input[a.lowerBound + index] < input[b.lowerBound + index]
        }
        return a.count < b.count
    }

    /// A canonical decimal integer ending at `terminator`, which is consumed (as the decoder reads it).
    private mutating func integer(until terminator: UInt8) throws(BencodeError) -> Int64 {
        try BencodeDecoder.canonicalInteger(in: input, at: &offset, end: input.count, until: terminator)
    }

    /// A byte string's bytes, without copying them.
    private mutating func string() throws(BencodeError) -> Range<Int> {
        let start = offset
        var length = 0
        while offset < input.count, input[offset] != UInt8(ascii: ":") {
            let byte = input[offset]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw .unexpectedByte(byte, offset: offset)
            }
            length = length * 10 + Int(byte - UInt8(ascii: "0"))
            guard length <= input.count else { throw .malformedLength(offset: start) }
            offset += 1
        }
        guard offset < input.count else { throw .truncated }
        if input[start] == UInt8(ascii: "0"), offset - start > 1 { throw .malformedLength(offset: start) }
        offset += 1
        guard length <= input.count - offset else { throw .truncated }
        defer { offset += length }
        return offset..<offset + length
    }
}
