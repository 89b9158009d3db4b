// MARK: - Decoding

extension ProfileRecord {
    /// What the decoder accepts: no more than a record's bytes, and no deeper than unknown keys need.
    static let decodingLimits = BencodeLimits(
        maximumLength: maximumEncodedSize, maximumDepth: 8, maximumValues: maximumEncodedSize)

    /// The keys this version reads; every other key is kept in `unknownFields`.
    static let knownKeys: Set<[UInt8]> = Set(["v", "n", "i", "l", "p", "a", "c", "e", "x"].map { Array($0.utf8) })

    /// Reads a record from the bytes of a BEP 44 `v`: canonical bencode, at most 1,000 bytes.
    ///
    /// Anything else, from anyone, is an error, never a trap: wrong types, a port out of range,
    /// an address hint of another length, a version other than 1.
    public init(decoding bytes: some Collection<UInt8>) throws(ProfileRecordError) {
        guard bytes.count <= Self.maximumEncodedSize else {
            throw .tooLarge(size: bytes.count, limit: Self.maximumEncodedSize)
        }
        let value: BencodeValue
        do { value = try BencodeValue(decoding: bytes, limits: Self.decodingLimits) } catch { throw .malformed(error) }
        try self.init(value: value)
    }

    /// Reads a record from a value already decoded (the `v` of a BEP 44 response).
    public init(value: BencodeValue) throws(ProfileRecordError) {
        guard let entries = value.dictionary else { throw .notADictionary }
        let size = value.encoded().count
        guard size <= Self.maximumEncodedSize else { throw .tooLarge(size: size, limit: Self.maximumEncodedSize) }
        let fields = Fields(entries: entries)
        // The version comes first: a newer format may give the other keys other types.
        guard let version = try fields.integer("v") else { throw .missingKey("v") }
        guard version == Self.formatVersion else { throw .unsupportedVersion(version) }

        if fields.contains("e") || fields.contains("x") {
            guard !fields.contains("n"), !fields.contains("i"), !fields.contains("l") else { throw .mixedContent }
            guard let ciphertext = try fields.bytes("e") else { throw .missingKey("e") }
            guard let keyID = try fields.bytes("x") else { throw .missingKey("x") }
            content = .sealed(ciphertext: ciphertext, audienceKeyID: keyID)
        } else {
            content = .open(
                name: try fields.text("n") ?? "", interests: try fields.texts("i") ?? [],
                location: try fields.text("l") ?? "")
        }
        if let port = try fields.integer("p") {
            guard (1...Int64(UInt16.max)).contains(port) else { throw .outOfRange(key: "p", value: port) }
            self.port = UInt16(port)
        } else {
            port = nil
        }
        addressHints = try fields.addressHints("a")
        capabilities = try fields.texts("c") ?? []
        unknownFields = entries.filter { !Self.knownKeys.contains($0.key) }
    }

    /// Typed reads of a record's entries, each nil when the key is absent and an error when it
    /// holds something else than its type.
    private struct Fields {
        let entries: [[UInt8]: BencodeValue]

        func contains(_ key: String) -> Bool { entries[Array(key.utf8)] != nil }

        func integer(_ key: String) throws(ProfileRecordError) -> Int64? {
            guard let value = entries[Array(key.utf8)] else { return nil }
            guard let integer = value.integer else { throw .wrongType(key: key, expected: "an integer") }
            return integer
        }

        func bytes(_ key: String) throws(ProfileRecordError) -> [UInt8]? {
            guard let value = entries[Array(key.utf8)] else { return nil }
            guard let bytes = value.bytes else { throw .wrongType(key: key, expected: "a byte string") }
            return bytes
        }

        func text(_ key: String) throws(ProfileRecordError) -> String? {
            guard let value = entries[Array(key.utf8)] else { return nil }
            guard let text = value.utf8String else { throw .wrongType(key: key, expected: "a UTF-8 string") }
            return text
        }

        func texts(_ key: String) throws(ProfileRecordError) -> [String]? {
            guard let value = entries[Array(key.utf8)] else { return nil }
            guard let list = value.list else { throw .wrongType(key: key, expected: "a list of UTF-8 strings") }
            var texts = [String]()
            texts.reserveCapacity(list.count)
            for item in list {
                guard let text = item.utf8String else {
                    throw .wrongType(key: key, expected: "a list of UTF-8 strings")
                }
                texts.append(text)
            }
            return texts
        }

        func addressHints(_ key: String) throws(ProfileRecordError) -> [DHTEndpoint] {
            guard let value = entries[Array(key.utf8)] else { return [] }
            guard let list = value.list else { throw .wrongType(key: key, expected: "a list of byte strings") }
            var hints = [DHTEndpoint]()
            hints.reserveCapacity(list.count)
            for item in list {
                guard let bytes = item.bytes else { throw .wrongType(key: key, expected: "a list of byte strings") }
                guard let hint = DHTEndpoint(compact: bytes) else { throw .invalidAddressHint(length: bytes.count) }
                hints.append(hint)
            }
            return hints
        }
    }
}

// MARK: - Encoding

extension ProfileRecord {
    /// The record as a bencode dictionary, empty fields left out, unknown fields kept (a known
    /// key among them gives way to the record's own field). Not checked against the size limit.
    public var bencodeValue: BencodeValue {
        var entries = unknownFields.filter { !Self.knownKeys.contains($0.key) }
        func set(_ key: String, _ value: BencodeValue) { entries[Array(key.utf8)] = value }
        set("v", .integer(Self.formatVersion))
        switch content {
        case .open(let name, let interests, let location):
            if !name.isEmpty { set("n", .string(name)) }
            if !interests.isEmpty { set("i", .list(interests.map(BencodeValue.string))) }
            if !location.isEmpty { set("l", .string(location)) }
        case .sealed(let ciphertext, let audienceKeyID):
            set("e", .bytes(ciphertext))
            set("x", .bytes(audienceKeyID))
        }
        if let port { set("p", .integer(Int64(port))) }
        if !addressHints.isEmpty { set("a", .list(addressHints.map { .bytes($0.compact) })) }
        if !capabilities.isEmpty { set("c", .list(capabilities.map(BencodeValue.string))) }
        return .dictionary(entries)
    }

    /// The canonical bytes of the record, for a BEP 44 `v`; refused past 1,000 bytes or with port 0.
    public func encoded() throws(ProfileRecordError) -> [UInt8] {
        if port == 0 { throw .outOfRange(key: "p", value: 0) }
        let bytes = bencodeValue.encoded()
        guard bytes.count <= Self.maximumEncodedSize else {
            throw .tooLarge(size: bytes.count, limit: Self.maximumEncodedSize)
        }
        return bytes
    }
}
