import Crypto

/// A BEP 44 immutable item: a bencoded value stored under the SHA-1 of its encoding.
///
/// Valid by construction: the value is one canonical bencoded value of at most 1,000 bytes. Only
/// the encoding is kept (a decoded tree costs many times its bytes, and a store holds thousands of
/// items from strangers); `value` decodes it on demand.
public struct ImmutableItem: Hashable, Sendable {
    /// The most bytes a bencoded value may have (BEP 44; libtorrent answers 205 above it).
    public static let maximumValueLength = 1_000
    /// What a value's encoding must fit: 1,000 bytes and the nesting a KRPC message can carry.
    public static let valueLimits = BencodeLimits(
        maximumLength: maximumValueLength, maximumDepth: BencodeLimits.default.maximumDepth, maximumValues: 1_000)

    /// The canonical bencoding of the value: what is hashed, stored and sent.
    public let valueBytes: [UInt8]
    /// SHA-1 of `valueBytes`: where the item lives in the DHT.
    public let target: NodeID

    /// The item holding `value`, or `.valueTooBig` / `.malformedValue`.
    public init(value: BencodeValue) throws(DHTItemError) {
        let bytes = value.encoded()
        guard bytes.count <= Self.maximumValueLength else { throw .valueTooBig(bytes.count) }
        guard Self.isWellFormed(value) else { throw .malformedValue }
        self.init(checkedValueBytes: bytes)
    }

    /// The item whose value is encoded as `valueBytes` (as read back from storage, or the `v` of a
    /// message), which must be one canonical bencoded value.
    public init(valueBytes: [UInt8]) throws(DHTItemError) {
        guard valueBytes.count <= Self.maximumValueLength else { throw .valueTooBig(valueBytes.count) }
        guard Self.isWellFormed(valueBytes: valueBytes) else { throw .malformedValue }
        self.init(checkedValueBytes: valueBytes)
    }

    private init(checkedValueBytes: [UInt8]) {
        valueBytes = checkedValueBytes
        target = Self.target(of: checkedValueBytes)
    }

    /// The value, decoded from `valueBytes`.
    public var value: BencodeValue { Self.decodeChecked(valueBytes) }

    /// The target of an immutable item: SHA-1 of the bencoded value.
    public static func target(of valueBytes: [UInt8]) -> NodeID {
        nodeID(of: Insecure.SHA1.hash(data: valueBytes))
    }

    // MARK: - Value checks shared with MutableItem

    /// Whether `valueBytes` is one canonical bencoded value within `valueLimits`.
    static func isWellFormed(valueBytes: [UInt8]) -> Bool {
        (try? BencodeDecoder.decode(valueBytes, limits: valueLimits)) != nil
    }

    /// Whether `value` nests no deeper than `valueLimits` allows, as `BencodeDecoder` would check
    /// on its encoding. (1,000 bytes cannot hold more than `valueLimits.maximumValues` values.)
    static func isWellFormed(_ value: BencodeValue) -> Bool {
        isNested(value, atMost: valueLimits.maximumDepth)
    }

    /// Decodes bytes that an initializer has already checked against `valueLimits`, so the
    /// fallback is never taken.
    static func decodeChecked(_ valueBytes: [UInt8]) -> BencodeValue {
        (try? BencodeDecoder.decode(valueBytes, limits: valueLimits)) ?? .bytes([])
    }

    private static func isNested(_ value: BencodeValue, atMost levels: Int) -> Bool {
        guard levels >= 1 else { return false }
        switch value {
        case .integer, .bytes: return true
        case .list(let values): return values.allSatisfy { isNested($0, atMost: levels - 1) }
        case .dictionary(let entries): return entries.values.allSatisfy { isNested($0, atMost: levels - 1) }
        }
    }

    /// The ID made of a SHA-1 digest (always 20 bytes, so the fallback is never taken).
    static func nodeID(of digest: Insecure.SHA1Digest) -> NodeID {
        digest.withUnsafeBytes { NodeID(bytes: $0) } ?? .zero
    }
}
