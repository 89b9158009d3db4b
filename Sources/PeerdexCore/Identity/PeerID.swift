/// A peer's identity: its Ed25519 public key, written as 56 lowercase base32 characters.
///
/// The text form is `base32(publicKey ‖ crc24(publicKey))`: 35 bytes, exactly 56 characters, so
/// no padding bits exist and every character carries key or checksum. Parsing explains each way a
/// pasted ID can be wrong (see `PeerIDError`).
public struct PeerID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Length of an Ed25519 public key in bytes.
    public static let keyLength = 32
    /// Length of the text form in characters.
    public static let textLength = 56

    /// The raw Ed25519 public key.
    public let publicKey: [UInt8]
    /// The 56-character text form, encoded once: rows, reports and lists all print it.
    public let text: String

    /// Wraps a 32-byte Ed25519 public key.
    public init(publicKey: [UInt8]) throws(PeerIDError) {
        guard publicKey.count == Self.keyLength else { throw .wrongKeyLength(publicKey.count) }
        self.init(validKey: publicKey)
    }

    /// An ID from a key known to be 32 bytes, and its text form when the caller already has it.
    private init(validKey key: [UInt8], text: String? = nil) {
        publicKey = key
        self.text = text ?? Base32.encode(key + CRC24.checksumBytes(key))
    }

    /// Parses the text form, ignoring surrounding white space.
    public init(parsing text: some StringProtocol) throws(PeerIDError) {
        // Fast path for the common case (stored and pasted IDs): exactly 56 alphabet bytes.
        if text.utf8.count == Self.textLength, let bytes = Base32.decode(text), bytes.count == Self.keyLength + 3 {
            let key = Array(bytes[0..<Self.keyLength])
            guard CRC24.checksumBytes(key) == Array(bytes[Self.keyLength...]) else { throw .checksumMismatch }
            // Only the canonical form decodes, so the text given is the text form.
            self.init(validKey: key, text: String(text))
            return
        }
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw .empty }
        for (offset, character) in trimmed.enumerated() {
            guard let ascii = character.asciiValue, Base32.value(of: ascii) != nil else {
                throw .invalidCharacter(character, position: offset + 1)
            }
        }
        let count = trimmed.count
        guard count == Self.textLength else { throw .wrongLength(count) }
        guard let bytes = Base32.decode(trimmed), bytes.count == Self.keyLength + 3 else {
            throw .wrongLength(count)
        }
        let key = Array(bytes[0..<Self.keyLength])
        guard CRC24.checksumBytes(key) == Array(bytes[Self.keyLength...]) else { throw .checksumMismatch }
        self.init(validKey: key)
    }

    /// Decodes a text form this program wrote itself (the store), skipping the checksum.
    ///
    /// Nil when it is not 56 alphabet characters; callers treat that as damaged data.
    public init?(storedText text: String) {
        guard text.utf8.count == Self.textLength, let bytes = Base32.decode(text), bytes.count == Self.keyLength + 3
        else { return nil }
        let key = Array(bytes[0..<Self.keyLength])
        // A damaged checksum keeps the key readable, but the text must be the key's own.
        let isIntact = CRC24.checksumBytes(key) == Array(bytes[Self.keyLength...])
        self.init(validKey: key, text: isIntact ? text : nil)
    }

    /// The first eight characters, for narrow columns; never used to identify a peer.
    public var shortText: String { String(text.prefix(8)) }

    /// The text form.
    public var description: String { text }

    /// Two IDs are equal when their keys are (the text follows from the key).
    public static func == (lhs: PeerID, rhs: PeerID) -> Bool { lhs.publicKey == rhs.publicKey }

    /// Hashes the key only, like `==`.
    public func hash(into hasher: inout Hasher) {
        // All 32 bytes in one call: combining them one by one made deduplicating a large import slow.
        publicKey.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// Orders IDs by their key bytes, so that lists have a stable order.
    public static func < (lhs: PeerID, rhs: PeerID) -> Bool {
        lhs.publicKey.lexicographicallyPrecedes(rhs.publicKey)
    }
}

/// Why a piece of text is not a peer ID; each case says what to fix.
public enum PeerIDError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing was given.
    case empty
    /// The text has the wrong number of characters.
    case wrongLength(Int)
    /// A character outside the alphabet, with its 1-based position.
    case invalidCharacter(Character, position: Int)
    /// The characters are well formed but the checksum does not match: a typo.
    case checksumMismatch
    /// A raw key of the wrong size.
    case wrongKeyLength(Int)

    /// One line that explains the problem to a person.
    public var description: String {
        switch self {
        case .empty:
            return "the peer ID is empty"
        case .wrongLength(let count) where count < PeerID.textLength:
            let missing = PeerID.textLength - count
            return "a peer ID has \(PeerID.textLength) characters, this one has \(count) "
                + "(\(missing) missing)"
        case .wrongLength(let count):
            let extra = count - PeerID.textLength
            return "a peer ID has \(PeerID.textLength) characters, this one has \(count) "
                + "(\(extra) too many)"
        case .invalidCharacter(let character, let position):
            let shown = character.isWhitespace ? "a space" : "'\(character)'"
            if character.isUppercase, character.isASCII {
                return "\(shown) at position \(position) is uppercase: peer IDs are written in lowercase"
            }
            return "\(shown) at position \(position) cannot appear in a peer ID (only a-z and 2-7 can)"
        case .checksumMismatch:
            return "the peer ID's checksum does not match: a character is mistyped"
        case .wrongKeyLength(let count):
            return "a public key has \(PeerID.keyLength) bytes, not \(count)"
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing white space (Foundation-free).
    func trimmingWhitespace() -> Substring {
        let scalars = Substring(self)
        guard let start = scalars.firstIndex(where: { !$0.isWhitespace }),
            let end = scalars.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return scalars[start...end]
    }
}
