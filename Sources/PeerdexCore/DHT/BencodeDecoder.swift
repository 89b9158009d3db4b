/// A strict bencode parser: one value, canonical form only (integers without leading zeros or
/// `-0`, string lengths without leading zeros, dictionary keys strictly ascending as raw bytes),
/// within `BencodeLimits`. Anything else is a `BencodeError`, never a trap, so that a datagram
/// from anyone can be handed to it.
///
/// Canonical-only input means that re-encoding a decoded value gives back the very bytes, which
/// BEP 44 signatures depend on.
public struct BencodeDecoder {
    private let input: [UInt8]
    private var offset: Int
    /// Where the input ends: `input.count`, or the end of one value inside a larger message.
    private let end: Int
    private var values = 0
    private let limits: BencodeLimits

    private init(input: [UInt8], range: Range<Int>? = nil, limits: BencodeLimits) {
        self.input = input
        offset = range?.lowerBound ?? 0
        end = range?.upperBound ?? input.count
        self.limits = limits
    }

    /// Decodes exactly one value filling `input`.
    public static func decode(_ input: [UInt8], limits: BencodeLimits = .default) throws(BencodeError) -> BencodeValue {
        guard input.count <= limits.maximumLength else { throw .tooLong(input.count) }
        var decoder = BencodeDecoder(input: input, limits: limits)
        let value = try decoder.value(depth: 1)
        guard decoder.offset == input.count else { throw .trailingBytes(offset: decoder.offset) }
        return value
    }

    /// Decodes one value at the start of `input` and says how many bytes it took; for callers
    /// that need a value's own bytes (the `v` of a BEP 44 message).
    public static func decodePrefix(_ input: [UInt8], limits: BencodeLimits = .default) throws(BencodeError) -> (
        BencodeValue, length: Int
    ) {
        guard input.count <= limits.maximumLength else { throw .tooLong(input.count) }
        var decoder = BencodeDecoder(input: input, limits: limits)
        let value = try decoder.value(depth: 1)
        return (value, decoder.offset)
    }

    /// Decodes the value filling `range` of `input`, which `KRPCScanner` has already checked with
    /// limits at least as wide; so the fallback, there only because the signature throws, is
    /// never taken.
    static func decodeChecked(_ input: [UInt8], in range: Range<Int>, limits: BencodeLimits) -> BencodeValue {
        var decoder = BencodeDecoder(input: input, range: range, limits: limits)
        guard let value = try? decoder.value(depth: 1), decoder.offset == range.upperBound else { return .bytes([]) }
        return value
    }

    private mutating func value(depth: Int) throws(BencodeError) -> BencodeValue {
        guard depth <= limits.maximumDepth else { throw .tooDeep }
        values += 1
        guard values <= limits.maximumValues else { throw .tooManyValues }
        guard offset < end else { throw .truncated }
        switch input[offset] {
        case UInt8(ascii: "i"):
            offset += 1
            return .integer(try integer(until: UInt8(ascii: "e")))
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .bytes(try string())
        case UInt8(ascii: "l"):
            offset += 1
            var list = [BencodeValue]()
            while true {
                guard offset < end else { throw .truncated }
                if input[offset] == UInt8(ascii: "e") { break }
                list.append(try value(depth: depth + 1))
            }
            offset += 1
            return .list(list)
        case UInt8(ascii: "d"):
            offset += 1
            var entries = [[UInt8]: BencodeValue]()
            var previousKey: [UInt8]?
            while true {
                guard offset < end else { throw .truncated }
                if input[offset] == UInt8(ascii: "e") { break }
                let keyOffset = offset
                guard input[offset] >= UInt8(ascii: "0"), input[offset] <= UInt8(ascii: "9") else {
                    throw .unexpectedByte(input[offset], offset: offset)
                }
                values += 1
                guard values <= limits.maximumValues else { throw .tooManyValues }
                let key = try string()
                if let previousKey, !previousKey.lexicographicallyPrecedes(key) { throw .unsortedKeys(offset: keyOffset) }
                previousKey = key
                entries[key] = try value(depth: depth + 1)
            }
            offset += 1
            return .dictionary(entries)
        default:
            throw .unexpectedByte(input[offset], offset: offset)
        }
    }

    /// A canonical decimal integer ending at `terminator`, which is consumed.
    private mutating func integer(until terminator: UInt8) throws(BencodeError) -> Int64 {
        try Self.canonicalInteger(in: input, at: &offset, end: end, until: terminator)
    }

    /// A canonical decimal integer in `input` from `offset` to `terminator` (consumed), read
    /// before `end`: the one reading of integers both this decoder and `KRPCScanner` use, so that
    /// they accept and refuse the same bytes with the same errors.
    static func canonicalInteger(in input: [UInt8], at offset: inout Int, end: Int, until terminator: UInt8)
        throws(BencodeError) -> Int64
    {
        let start = offset
        var negative = false
        if offset < end, input[offset] == UInt8(ascii: "-") {
            negative = true
            offset += 1
        }
        let digitsStart = offset
        var magnitude: UInt64 = 0
        while offset < end, input[offset] != terminator {
            let byte = input[offset]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw .unexpectedByte(byte, offset: offset)
            }
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw .malformedInteger(offset: start) }
            magnitude = sum
            offset += 1
        }
        guard offset < end else { throw .truncated }
        let digitCount = offset - digitsStart
        guard digitCount > 0 else { throw .malformedInteger(offset: start) }
        // Leading zeros and "-0" have another spelling, so they are not canonical.
        if input[digitsStart] == UInt8(ascii: "0"), digitCount > 1 || negative { throw .malformedInteger(offset: start) }
        offset += 1
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { throw .malformedInteger(offset: start) }
            return magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw .malformedInteger(offset: start) }
        return Int64(magnitude)
    }

    private mutating func string() throws(BencodeError) -> [UInt8] {
        let start = offset
        var length = 0
        while offset < end, input[offset] != UInt8(ascii: ":") {
            let byte = input[offset]
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                throw .unexpectedByte(byte, offset: offset)
            }
            length = length * 10 + Int(byte - UInt8(ascii: "0"))
            guard length <= end else { throw .malformedLength(offset: start) }
            offset += 1
        }
        guard offset < end else { throw .truncated }
        if input[start] == UInt8(ascii: "0"), offset - start > 1 { throw .malformedLength(offset: start) }
        offset += 1
        guard length <= end - offset else { throw .truncated }
        defer { offset += length }
        return Array(input[offset..<offset + length])
    }
}
