/// A bencoded value (BEP 3): the KRPC messages of the DHT and the values of BEP 44 items.
///
/// Dictionaries are keyed by raw byte strings; `encoded()` writes them in the canonical order
/// (keys sorted as raw bytes), which is what BEP 44 signs. See `BencodeDecoder` for parsing.
public enum BencodeValue: Hashable, Sendable {
    /// `i<digits>e`.
    case integer(Int64)
    /// `<length>:<bytes>`.
    case bytes([UInt8])
    /// `l<values>e`.
    case list([BencodeValue])
    /// `d<key><value>...e`, keys unique.
    case dictionary([[UInt8]: BencodeValue])

    /// A byte string holding `text` as UTF-8.
    public static func string(_ text: String) -> BencodeValue { .bytes(Array(text.utf8)) }

    /// A dictionary from string keys.
    public static func dictionary(_ entries: KeyValuePairs<String, BencodeValue>) -> BencodeValue {
        var dictionary = [[UInt8]: BencodeValue](minimumCapacity: entries.count)
        for (key, value) in entries { dictionary[Array(key.utf8)] = value }
        return .dictionary(dictionary)
    }

    /// Decodes exactly one canonical value filling `bytes`; see `BencodeDecoder`.
    public init(decoding bytes: some Collection<UInt8>, limits: BencodeLimits = .default) throws(BencodeError) {
        self = try BencodeDecoder.decode(Array(bytes), limits: limits)
    }

    // MARK: - Reading

    /// The value under `key` when this is a dictionary.
    public subscript(key: String) -> BencodeValue? {
        guard case .dictionary(let entries) = self else { return nil }
        return entries[Array(key.utf8)]
    }

    /// The byte string, if this is one.
    public var bytes: [UInt8]? { if case .bytes(let value) = self { value } else { nil } }
    /// The integer, if this is one.
    public var integer: Int64? { if case .integer(let value) = self { value } else { nil } }
    /// The list, if this is one.
    public var list: [BencodeValue]? { if case .list(let value) = self { value } else { nil } }
    /// The entries, if this is a dictionary.
    public var dictionary: [[UInt8]: BencodeValue]? { if case .dictionary(let value) = self { value } else { nil } }
    /// The byte string as text, if it is one and valid UTF-8.
    public var utf8String: String? {
        guard let bytes else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    // MARK: - Writing

    /// The canonical encoding.
    public func encoded() -> [UInt8] {
        var output = [UInt8]()
        encode(into: &output)
        return output
    }

    /// Appends the canonical encoding to `output`.
    public func encode(into output: inout [UInt8]) {
        switch self {
        case .integer(let value):
            output.append(UInt8(ascii: "i"))
            output.append(contentsOf: String(value).utf8)
            output.append(UInt8(ascii: "e"))
        case .bytes(let value):
            Self.appendString(value, to: &output)
        case .list(let values):
            output.append(UInt8(ascii: "l"))
            for value in values { value.encode(into: &output) }
            output.append(UInt8(ascii: "e"))
        case .dictionary(let entries):
            output.append(UInt8(ascii: "d"))
            // Sorting the pairs rather than the keys spares hashing every key again to find its value.
            for (key, value) in entries.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                Self.appendString(key, to: &output)
                value.encode(into: &output)
            }
            output.append(UInt8(ascii: "e"))
        }
    }

    private static func appendString(_ bytes: [UInt8], to output: inout [UInt8]) {
        output.append(contentsOf: String(bytes.count).utf8)
        output.append(UInt8(ascii: ":"))
        output.append(contentsOf: bytes)
    }
}

/// Bounds on what a decoder accepts, so that hostile input costs little.
public struct BencodeLimits: Sendable, Equatable {
    /// Most bytes in the whole input.
    public var maximumLength: Int
    /// Deepest nesting of lists and dictionaries (the top level is depth 1).
    public var maximumDepth: Int
    /// Most values in all (every integer, string, list and dictionary counts one).
    public var maximumValues: Int

    /// Limits from their parts.
    public init(maximumLength: Int, maximumDepth: Int, maximumValues: Int) {
        self.maximumLength = maximumLength
        self.maximumDepth = maximumDepth
        self.maximumValues = maximumValues
    }

    /// Enough for any KRPC message (a UDP datagram, at most 1,500 bytes in practice) and any
    /// BEP 44 value.
    public static let `default` = BencodeLimits(maximumLength: 4_096, maximumDepth: 16, maximumValues: 1_024)
}

/// Why bytes are not one canonical bencoded value.
public enum BencodeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input is longer than the limit.
    case tooLong(Int)
    /// Nesting deeper than the limit.
    case tooDeep
    /// More values than the limit.
    case tooManyValues
    /// The input ended inside a value.
    case truncated
    /// A byte that cannot start or continue a value here.
    case unexpectedByte(UInt8, offset: Int)
    /// An integer with a leading zero, `-0`, no digits, or out of 64-bit range.
    case malformedInteger(offset: Int)
    /// A string length with a leading zero or beyond the input.
    case malformedLength(offset: Int)
    /// Dictionary keys out of order or repeated.
    case unsortedKeys(offset: Int)
    /// Bytes after the one top-level value.
    case trailingBytes(offset: Int)

    /// What is wrong, for logs.
    public var description: String {
        switch self {
        case .tooLong(let count): "bencode of \(count) bytes is over the limit"
        case .tooDeep: "bencode nested too deep"
        case .tooManyValues: "bencode with too many values"
        case .truncated: "bencode ends inside a value"
        case .unexpectedByte(let byte, let offset): "unexpected byte \(byte) at offset \(offset)"
        case .malformedInteger(let offset): "malformed integer at offset \(offset)"
        case .malformedLength(let offset): "malformed string length at offset \(offset)"
        case .unsortedKeys(let offset): "dictionary keys out of order at offset \(offset)"
        case .trailingBytes(let offset): "bytes after the value at offset \(offset)"
        }
    }
}
