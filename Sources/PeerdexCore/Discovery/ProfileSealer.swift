import Crypto

/// Seals the open part of a profile record (name, interests, location) for an audience, and
/// opens it again: the `e` and `x` of a `contacts` or `friends` profile record (BRIEF §3b).
///
/// `e` is ChaChaPoly's combined box: a 12-byte random nonce, the ciphertext, a 16-byte tag. The
/// plaintext is a canonical bencoded dictionary with `n`, `i`, `l` as in an open record, padded
/// with a `z` byte string to a multiple of 128 bytes, so that the length tells a holder nothing
/// finer than that. The authenticated data binds the box to its owner's key and to the key ID it
/// claims: a box cannot be moved under another owner's record or relabelled.
public enum ProfileSealer {
    /// Plaintexts are padded to a multiple of this many bytes.
    public static let paddingBlock = 128
    /// The bytes `e` adds to its plaintext: nonce and tag.
    public static let overhead = 12 + 16
    /// The longest plaintext opened: a valid profile needs under 600 bytes, and a record holds 1,000.
    static let maximumPlaintext = ProfileRecord.maximumEncodedSize

    /// The name, interests and location a sealed record holds.
    public struct OpenFields: Hashable, Sendable {
        /// The display name.
        public var name: String
        /// The interests.
        public var interests: [String]
        /// The general location.
        public var location: String

        /// Fields from their values.
        public init(name: String, interests: [String], location: String) {
            self.name = name
            self.interests = interests
            self.location = location
        }

        /// The open fields of `profile`.
        public init(profile: Profile) {
            self.init(name: profile.name, interests: profile.interests, location: profile.location)
        }
    }

    // MARK: - Sealing

    /// The sealed content for `fields`, under `key`, for the owner whose Ed25519 public key is
    /// `ownerKey`; `random` supplies the nonce (the app passes the system's secure generator: a
    /// nonce must never repeat under one key).
    public static func seal(
        _ fields: OpenFields, ownerKey: [UInt8], with key: AudienceKey, using random: inout some RandomNumberGenerator
    ) throws(ProfileSealError) -> ProfileRecord.Content {
        let plaintext = padded(
            .dictionary([
                "n": .string(fields.name), "i": .list(fields.interests.map { .string($0) }),
                "l": .string(fields.location),
            ]))
        var nonceBytes = [UInt8]()
        while nonceBytes.count < 12 { withUnsafeBytes(of: random.next().littleEndian) { nonceBytes.append(contentsOf: $0) } }
        do {
            let nonce = try ChaChaPoly.Nonce(data: nonceBytes.prefix(12))
            let box = try ChaChaPoly.seal(
                plaintext, using: key.symmetricKey, nonce: nonce,
                authenticating: authenticatedData(ownerKey: ownerKey, keyID: key.id))
            return .sealed(ciphertext: Array(box.combined), audienceKeyID: key.id)
        } catch {
            throw .cannotSeal("\(error)")
        }
    }

    /// `fields` bencoded, with a `z` entry that makes the whole a multiple of `paddingBlock` long.
    static func padded(_ fields: BencodeValue) -> [UInt8] {
        guard case .dictionary(var entries) = fields else { return fields.encoded() }
        let bare = fields.encoded().count
        // `1:z` + `<L>:` + L bytes; the smallest L that lands on a block boundary.
        var padding = 0
        while (bare + 3 + String(padding).utf8.count + 1 + padding) % paddingBlock != 0 { padding += 1 }
        entries[Array("z".utf8)] = .bytes([UInt8](repeating: 0, count: padding))
        return BencodeValue.dictionary(entries).encoded()
    }

    // MARK: - Opening

    /// The fields inside a sealed record's `e`, opened with whichever of `keys` has the record's
    /// key ID (`x`).
    public static func open(
        ciphertext: [UInt8], audienceKeyID: [UInt8], ownerKey: [UInt8], with keys: [AudienceKey]
    ) throws(ProfileSealError) -> OpenFields {
        guard let key = keys.first(where: { $0.id == audienceKeyID }) else { throw .noKey }
        guard ciphertext.count >= overhead, ciphertext.count <= maximumPlaintext + overhead else {
            throw .malformed("a sealed profile of \(ciphertext.count) bytes")
        }
        let plaintext: [UInt8]
        do {
            let box = try ChaChaPoly.SealedBox(combined: ciphertext)
            plaintext = Array(
                try ChaChaPoly.open(
                    box, using: key.symmetricKey,
                    authenticating: authenticatedData(ownerKey: ownerKey, keyID: audienceKeyID)))
        } catch {
            throw .notAuthentic
        }
        let value: BencodeValue
        do {
            value = try BencodeValue(
                decoding: plaintext,
                limits: BencodeLimits(maximumLength: maximumPlaintext, maximumDepth: 3, maximumValues: maximumPlaintext))
        } catch {
            throw .malformed("the opened profile is not canonical bencode: \(error)")
        }
        guard case .dictionary = value else { throw .malformed("the opened profile is not a dictionary") }
        guard let name = value["n"]?.utf8String ?? (value["n"] == nil ? "" : nil),
            let location = value["l"]?.utf8String ?? (value["l"] == nil ? "" : nil)
        else { throw .malformed("the opened profile's name or location is not UTF-8 text") }
        var interests = [String]()
        if let list = value["i"] {
            guard let items = list.list else { throw .malformed("the opened profile's interests are not a list") }
            for item in items {
                guard let text = item.utf8String else { throw .malformed("an opened interest is not UTF-8 text") }
                interests.append(text)
            }
        }
        return OpenFields(name: name, interests: interests, location: location)
    }

    /// Binds a box to its owner and key: the version tag, the owner's public key, the key ID.
    static func authenticatedData(ownerKey: [UInt8], keyID: [UInt8]) -> [UInt8] {
        Array("peerdex/sealed-profile/1".utf8) + ownerKey + keyID
    }
}

/// Why a profile could not be sealed or opened; each reads as one line.
public enum ProfileSealError: Error, Equatable, Sendable, CustomStringConvertible {
    /// None of the keys we were given has the record's key ID: we are not (or no longer) in its
    /// audience.
    case noKey
    /// The box does not open under the key: tampered with, or sealed for another owner.
    case notAuthentic
    /// The box or what it held is not a sealed profile.
    case malformed(String)
    /// The crypto library refused to seal (not expected with a 32-byte key and 12-byte nonce).
    case cannotSeal(String)

    /// What is wrong, in one line.
    public var description: String {
        switch self {
        case .noKey: "no audience key we hold opens this profile"
        case .notAuthentic: "the sealed profile does not verify under its audience key"
        case .malformed(let detail): "not a sealed profile: \(detail)"
        case .cannotSeal(let detail): "cannot seal the profile: \(detail)"
        }
    }
}
