/// The value of a profile's BEP 44 mutable item (BRIEF §3b): what peers read about us from the DHT.
///
/// The item lives under the owner's Ed25519 key with the salt `peerdex/profile`; its `v` is the
/// bencoded dictionary this type reads and writes, at most 1,000 bytes:
///
/// | key | value |
/// |---|---|
/// | `v` | format version, the integer 1 (required) |
/// | `n`, `i`, `l` | display name, list of interests, general location (UTF-8 strings) |
/// | `e`, `x` | instead of `n`, `i`, `l` in an audience-only record: ciphertext, audience key id |
/// | `p` | TCP port of the Noise listener, 1–65535 |
/// | `a` | list of compact address hints, 6 (IPv4) or 18 (IPv6) bytes each, port last |
/// | `c` | list of capabilities (UTF-8 strings) |
///
/// Every key but `v` may be absent, which means empty (or, for `p`, unknown); the encoder leaves
/// out empty ones. Unknown keys are kept, so that re-publishing a newer peer's record keeps what
/// it added, and otherwise ignored.
public struct ProfileRecord: Hashable, Sendable {
    /// What the record says about its owner: in the clear, or sealed for an audience.
    public enum Content: Hashable, Sendable {
        /// Name, interests and location in the clear (`n`, `i`, `l`).
        case open(name: String, interests: [String], location: String)
        /// Name, interests and location encrypted for an audience (`e`), and which key opens them (`x`).
        case sealed(ciphertext: [UInt8], audienceKeyID: [UInt8])
    }

    /// The format version this code reads and writes (`v`).
    public static let formatVersion: Int64 = 1
    /// The most bytes an encoded record may take (BEP 44's limit on `v`).
    public static let maximumEncodedSize = 1_000
    /// The BEP 44 salt under which the profile item is stored: the 15 ASCII bytes `peerdex/profile`.
    public static let salt: [UInt8] = Array("peerdex/profile".utf8)

    /// Name, interests and location, open or sealed.
    public var content: Content
    /// The TCP port of the owner's Noise listener; nil when it has none or does not say.
    public var port: UInt16?
    /// Addresses where the owner may be reached (the port is the listener's).
    public var addressHints: [DHTEndpoint]
    /// What the owner's node can do (names such as `ping`).
    public var capabilities: [String]
    /// Entries under keys this version does not know, kept as they came.
    public var unknownFields: [[UInt8]: BencodeValue]

    /// A record from its parts.
    public init(
        content: Content,
        port: UInt16? = nil,
        addressHints: [DHTEndpoint] = [],
        capabilities: [String] = [],
        unknownFields: [[UInt8]: BencodeValue] = [:]
    ) {
        self.content = content
        self.port = port
        self.addressHints = addressHints
        self.capabilities = capabilities
        self.unknownFields = unknownFields
    }

    /// The open record of a profile: its name, interests and location in the clear.
    ///
    /// Only a `public` profile should be published this way; the caller decides. A valid profile
    /// takes at most 565 bytes here, which leaves room for the version, the port, four IPv6
    /// address hints and eight capabilities of 16 bytes (829 bytes in all).
    public init(profile: Profile, port: UInt16? = nil, addressHints: [DHTEndpoint] = [], capabilities: [String] = []) {
        self.init(
            content: .open(name: profile.name, interests: profile.interests, location: profile.location), port: port,
            addressHints: addressHints, capabilities: capabilities)
    }

    /// The display name, when the record is open.
    public var name: String? {
        if case .open(let name, _, _) = content { name } else { nil }
    }

    /// The interests, when the record is open.
    public var interests: [String]? {
        if case .open(_, let interests, _) = content { interests } else { nil }
    }

    /// The general location, when the record is open.
    public var location: String? {
        if case .open(_, _, let location) = content { location } else { nil }
    }
}

/// Why bytes are not a profile record this version can read, or a record cannot be written.
public enum ProfileRecordError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The encoded record is longer than the limit.
    case tooLarge(size: Int, limit: Int)
    /// The bytes are not one canonical bencoded value.
    case malformed(BencodeError)
    /// The value is not a dictionary.
    case notADictionary
    /// A required key is absent.
    case missingKey(String)
    /// A key holds a value of the wrong type.
    case wrongType(key: String, expected: String)
    /// The record is of a format version this code does not read.
    case unsupportedVersion(Int64)
    /// An integer is outside its range.
    case outOfRange(key: String, value: Int64)
    /// An address hint is neither 6 nor 18 bytes long.
    case invalidAddressHint(length: Int)
    /// The record carries both open (`n`, `i`, `l`) and sealed (`e`, `x`) content.
    case mixedContent

    /// What is wrong, in one line.
    public var description: String {
        switch self {
        case .tooLarge(let size, let limit): "profile record of \(size) bytes is over the limit of \(limit)"
        case .malformed(let error): "profile record is not canonical bencode: \(error)"
        case .notADictionary: "profile record is not a dictionary"
        case .missingKey(let key): "profile record lacks '\(key)'"
        case .wrongType(let key, let expected): "profile record's '\(key)' is not \(expected)"
        case .unsupportedVersion(let version):
            "unsupported version \(version) of the profile record (this peerdex reads 1)"
        case .outOfRange(let key, let value): "profile record's '\(key)' is out of range: \(value)"
        case .invalidAddressHint(let length): "profile record's address hint of \(length) bytes is not 6 or 18"
        case .mixedContent: "profile record carries both open (n, i, l) and sealed (e, x) content"
        }
    }
}
