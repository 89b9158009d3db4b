/// A 160-bit Mainline DHT identifier (BEP 5): a node's ID, an info-hash or a BEP 44 target.
///
/// Kept as three big-endian words so that XOR distances and their comparison, the hot path of
/// every lookup and of the routing table, never allocate.
public struct NodeID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Length of an ID in bytes.
    public static let byteCount = 20
    /// Length of an ID in bits.
    public static let bitCount = 160

    /// Bits 0–63 (most significant first).
    public let high: UInt64
    /// Bits 64–127.
    public let middle: UInt64
    /// Bits 128–159.
    public let low: UInt32

    /// An ID from its three words.
    public init(high: UInt64, middle: UInt64, low: UInt32) {
        self.high = high
        self.middle = middle
        self.low = low
    }

    /// The ID of exactly 20 bytes, or nil for any other count.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        var words = (UInt64(0), UInt64(0), UInt32(0))
        for (index, byte) in bytes.enumerated() {
            switch index {
            case 0..<8: words.0 = words.0 << 8 | UInt64(byte)
            case 8..<16: words.1 = words.1 << 8 | UInt64(byte)
            default: words.2 = words.2 << 8 | UInt32(byte)
            }
        }
        self.init(high: words.0, middle: words.1, low: words.2)
    }

    /// The ID in the 20 bytes of `bytes` from `start`, read as three words rather than byte by byte
    /// (the decoder reads dozens per datagram); the caller has checked that they are there.
    init(_ bytes: [UInt8], at start: Int) {
        precondition(start >= 0 && bytes.count - start >= Self.byteCount, "an ID needs 20 bytes")
        let words = bytes.withUnsafeBytes { raw in
            (
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: start, as: UInt64.self)),
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: start + 8, as: UInt64.self)),
                UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: start + 16, as: UInt32.self))
            )
        }
        self.init(high: words.0, middle: words.1, low: words.2)
    }

    /// A uniformly random ID.
    public init(random generator: inout some RandomNumberGenerator) {
        self.init(high: generator.next(), middle: generator.next(), low: UInt32(truncatingIfNeeded: generator.next()))
    }

    /// The ID parsed from 40 hexadecimal digits, or nil.
    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 40, let bytes = HexBytes.decode(hex) else { return nil }
        self.init(bytes: bytes)
    }

    /// The all-zero ID.
    public static let zero = NodeID(high: 0, middle: 0, low: 0)

    /// The 20 bytes, most significant first.
    public var bytes: [UInt8] {
        var result = [UInt8]()
        result.reserveCapacity(Self.byteCount)
        for shift in stride(from: 56, through: 0, by: -8) { result.append(UInt8(truncatingIfNeeded: high >> shift)) }
        for shift in stride(from: 56, through: 0, by: -8) { result.append(UInt8(truncatingIfNeeded: middle >> shift)) }
        for shift in stride(from: 24, through: 0, by: -8) { result.append(UInt8(truncatingIfNeeded: low >> shift)) }
        return result
    }

    /// Lowercase hexadecimal, 40 digits.
    public var hex: String { HexBytes.encode(bytes) }

    /// The hexadecimal form.
    public var description: String { hex }

    // MARK: - Distance

    /// The XOR distance to `other` (Kademlia's metric), itself an ID so that distances compare.
    public func distance(to other: NodeID) -> NodeID {
        NodeID(high: high ^ other.high, middle: middle ^ other.middle, low: low ^ other.low)
    }

    /// How many leading bits this ID shares with `other`: 160 for equal IDs.
    public func commonPrefixLength(with other: NodeID) -> Int {
        let distance = distance(to: other)
        if distance.high != 0 { return distance.high.leadingZeroBitCount }
        if distance.middle != 0 { return 64 + distance.middle.leadingZeroBitCount }
        return 128 + distance.low.leadingZeroBitCount
    }

    /// Whether this ID is strictly closer to `target` than `other` is.
    @inlinable
    public func isCloser(to target: NodeID, than other: NodeID) -> Bool {
        distance(to: target) < other.distance(to: target)
    }

    /// Numeric order of the 160-bit big-endian value (so distances order by closeness).
    @inlinable
    public static func < (lhs: NodeID, rhs: NodeID) -> Bool {
        if lhs.high != rhs.high { return lhs.high < rhs.high }
        if lhs.middle != rhs.middle { return lhs.middle < rhs.middle }
        return lhs.low < rhs.low
    }

    /// The ID whose first `prefixLength` bits are this ID's and the rest from `random`: a target
    /// inside one bucket's range, for bucket refresh.
    public func randomized(after prefixLength: Int, with random: NodeID) -> NodeID {
        let length = min(max(prefixLength, 0), Self.bitCount)
        func mask64(_ bitsKept: Int) -> UInt64 {
            bitsKept <= 0 ? 0 : bitsKept >= 64 ? .max : ~(UInt64.max >> UInt64(bitsKept))
        }
        let highMask = mask64(length)
        let middleMask = mask64(length - 64)
        let lowKept = length - 128
        let lowMask: UInt32 = lowKept <= 0 ? 0 : lowKept >= 32 ? .max : ~(UInt32.max >> UInt32(lowKept))
        return NodeID(
            high: (high & highMask) | (random.high & ~highMask),
            middle: (middle & middleMask) | (random.middle & ~middleMask),
            low: (low & lowMask) | (random.low & ~lowMask))
    }
}

/// Lowercase hexadecimal for byte strings (IDs, keys, log lines).
public enum HexBytes {
    private static let digits = Array("0123456789abcdef".utf8)

    /// `bytes` as lowercase hexadecimal.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var text = [UInt8]()
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The bytes of an even-length hexadecimal string (either case), or nil.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count.isMultiple(of: 2) else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = value(of: utf8[index]), let low = value(of: utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
