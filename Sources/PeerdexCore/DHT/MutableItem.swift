import Crypto

/// A BEP 44 mutable item: a bencoded value signed with an Ed25519 key, stored under
/// SHA-1(key ‖ salt) and replaced only by a higher sequence number.
///
/// Valid by construction: every initializer checks the sizes and verifies the signature, so a
/// `MutableItem` in hand is one its key's holder signed. As with `ImmutableItem`, only the value's
/// canonical encoding is kept.
public struct MutableItem: Hashable, Sendable {
    /// Length of an Ed25519 public key (`k`).
    public static let publicKeyLength = 32
    /// Length of an Ed25519 signature (`sig`).
    public static let signatureLength = 64
    /// The longest salt BEP 44 allows (libtorrent answers 207 above it).
    public static let maximumSaltLength = 64
    /// The most bytes a bencoded value may have.
    public static let maximumValueLength = ImmutableItem.maximumValueLength

    /// The signer's Ed25519 public key, 32 bytes.
    public let publicKey: [UInt8]
    /// The salt, 0...64 bytes; empty means none (BEP 44: an empty salt is as if absent).
    public let salt: [UInt8]
    /// The sequence number, never negative; a holder replaces an item only with a higher one.
    public let seq: Int64
    /// The canonical bencoding of the value: what is signed, stored and sent.
    public let valueBytes: [UInt8]
    /// The Ed25519 signature over `signedBuffer`, 64 bytes.
    public let signature: [UInt8]
    /// SHA-1(`publicKey` ‖ `salt`): where the item lives in the DHT.
    public let target: NodeID

    // MARK: - Validating initializers

    /// The item from its parts as received (a `put`, a `get` reply), if the sizes are right and the
    /// signature verifies; otherwise the error a storing node answers (see `DHTItemError`).
    public init(
        publicKey: [UInt8], salt: [UInt8] = [], seq: Int64, value: BencodeValue, signature: [UInt8]
    ) throws(DHTItemError) {
        try self.init(
            publicKey: publicKey, salt: salt, seq: seq, encodedValue: value.encoded(), signature: signature,
            isWellFormed: { _ in ImmutableItem.isWellFormed(value) })
    }

    /// The item whose value is already encoded (read back from storage, or the verbatim `v` of a
    /// message), which must be one canonical bencoded value; checked as the other initializer.
    public init(
        publicKey: [UInt8], salt: [UInt8] = [], seq: Int64, valueBytes: [UInt8], signature: [UInt8]
    ) throws(DHTItemError) {
        try self.init(
            publicKey: publicKey, salt: salt, seq: seq, encodedValue: valueBytes, signature: signature,
            isWellFormed: ImmutableItem.isWellFormed(valueBytes:))
    }

    /// The checks in libtorrent's order: field lengths (203), value (205), salt (207), negative
    /// `seq` (203), then the signature (206), the one expensive check, last.
    private init(
        publicKey: [UInt8], salt: [UInt8], seq: Int64, encodedValue: [UInt8], signature: [UInt8],
        isWellFormed: ([UInt8]) -> Bool
    ) throws(DHTItemError) {
        guard publicKey.count == Self.publicKeyLength else { throw .invalidPublicKeyLength(publicKey.count) }
        guard signature.count == Self.signatureLength else { throw .invalidSignatureLength(signature.count) }
        try Self.checkContent(salt: salt, seq: seq, encodedValue: encodedValue, isWellFormed: isWellFormed)
        let buffer = Self.signedBuffer(salt: salt, seq: seq, valueBytes: encodedValue)
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey),
            key.isValidSignature(signature, for: buffer)
        else { throw .invalidSignature }
        self.init(checkedKey: publicKey, salt: salt, seq: seq, valueBytes: encodedValue, signature: signature)
    }

    private init(checkedKey: [UInt8], salt: [UInt8], seq: Int64, valueBytes: [UInt8], signature: [UInt8]) {
        publicKey = checkedKey
        self.salt = salt
        self.seq = seq
        self.valueBytes = valueBytes
        self.signature = signature
        target = Self.target(publicKey: checkedKey, salt: salt)
    }

    // MARK: - Signing

    /// The item `value` at `seq` under `salt`, signed with `privateKey` (what a publisher puts).
    public static func sign(
        value: BencodeValue, seq: Int64, salt: [UInt8] = [], with privateKey: Curve25519.Signing.PrivateKey
    ) throws(DHTItemError) -> MutableItem {
        let valueBytes = value.encoded()
        try checkContent(salt: salt, seq: seq, encodedValue: valueBytes) { _ in ImmutableItem.isWellFormed(value) }
        let buffer = signedBuffer(salt: salt, seq: seq, valueBytes: valueBytes)
        guard let signature = try? privateKey.signature(for: buffer) else { throw .signingFailed }
        return MutableItem(
            checkedKey: Array(privateKey.publicKey.rawRepresentation), salt: salt, seq: seq, valueBytes: valueBytes,
            signature: Array(signature))
    }

    // MARK: - Derived values

    /// The value, decoded from `valueBytes`.
    public var value: BencodeValue { ImmutableItem.decodeChecked(valueBytes) }

    /// The bytes the signature covers.
    public var signedBuffer: [UInt8] { Self.signedBuffer(salt: salt, seq: seq, valueBytes: valueBytes) }

    /// The bytes BEP 44 signs: `4:salt<len>:<salt>` when the salt is not empty, then
    /// `3:seqi<seq>e1:v` and the bencoded value, i.e. the bencoded dictionary without its `d`/`e`.
    public static func signedBuffer(salt: [UInt8], seq: Int64, valueBytes: [UInt8]) -> [UInt8] {
        var buffer = [UInt8]()
        buffer.reserveCapacity(salt.count + valueBytes.count + 40)
        if !salt.isEmpty {
            buffer.append(contentsOf: "4:salt".utf8)
            buffer.append(contentsOf: String(salt.count).utf8)
            buffer.append(UInt8(ascii: ":"))
            buffer.append(contentsOf: salt)
        }
        buffer.append(contentsOf: "3:seqi".utf8)
        buffer.append(contentsOf: String(seq).utf8)
        buffer.append(contentsOf: "e1:v".utf8)
        buffer.append(contentsOf: valueBytes)
        return buffer
    }

    /// The target of a mutable item: SHA-1 of the public key followed by the salt (if any).
    public static func target(publicKey: [UInt8], salt: [UInt8] = []) -> NodeID {
        var hasher = Insecure.SHA1()
        hasher.update(data: publicKey)
        hasher.update(data: salt)
        return ImmutableItem.nodeID(of: hasher.finalize())
    }

    // MARK: - Checks

    private static func checkContent(
        salt: [UInt8], seq: Int64, encodedValue: [UInt8], isWellFormed: ([UInt8]) -> Bool
    ) throws(DHTItemError) {
        guard encodedValue.count <= maximumValueLength else { throw .valueTooBig(encodedValue.count) }
        guard salt.count <= maximumSaltLength else { throw .saltTooBig(salt.count) }
        guard seq >= 0 else { throw .negativeSequenceNumber(seq) }
        guard isWellFormed(encodedValue) else { throw .malformedValue }
    }
}
