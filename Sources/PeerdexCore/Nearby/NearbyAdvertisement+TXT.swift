/// The advertisement as DNS-SD TXT strings (RFC 6763 §6), and the strict parser for them.
extension NearbyAdvertisement {
    /// The longest TXT string: its length is one byte.
    public static let maximumStringBytes = 255
    /// The largest TXT record accepted, length bytes included (RFC 6763 §6.2: up to 1,300 fits
    /// one Ethernet packet; ours is about 210 bytes plus the name).
    public static let maximumRecordBytes = 1_300
    /// The most TXT strings accepted; ours uses six, the rest of the room is for unknown keys.
    public static let maximumStringCount = 32

    private static let knownKeys: Set<String> = ["v", "id", "seq", "port", "n", "sig"]
    private static let digitsInMaximumSeq = String(UInt64.max).utf8.count

    // MARK: - Encoding

    /// The TXT strings, `key=value` each, in a fixed order: `v`, `id`, `seq`, `port`, `n`, `sig`.
    public var txtStrings: [[UInt8]] {
        var strings: [[UInt8]] = [
            Array("v=\(Self.version)".utf8), Array("id=\(peerID.text)".utf8), Array("seq=\(seq)".utf8),
            Array("port=\(port)".utf8),
        ]
        if let name { strings.append(Array("n=".utf8) + Array(name.utf8)) }
        strings.append(Array("sig=\(Base32.encode(signature))".utf8))
        return strings
    }

    // MARK: - Parsing

    /// Parses and verifies TXT strings as received.
    ///
    /// Sizes are checked before anything is read. Keys are matched without regard to case and the
    /// first occurrence of a key wins, later ones are ignored (RFC 6763 §6.4); strings with an
    /// empty key and unknown keys are ignored. The version is read first, so a future format is
    /// reported as such rather than as malformed; the signature is checked last.
    public init(txtStrings strings: [[UInt8]]) throws(NearbyAdvertisementError) {
        let fields = try Self.fields(of: strings)
        guard let version = fields["v"] else { throw .missingField("v") }
        guard version.elementsEqual(String(Self.version).utf8) else {
            throw .unsupportedVersion(String(decoding: version, as: UTF8.self))
        }
        let peerID = try Self.peerID(fields["id"])
        let seq = try Self.decimal(fields["seq"], key: "seq", maximumDigits: Self.digitsInMaximumSeq)
        let port = try Self.decimal(fields["port"], key: "port", maximumDigits: 5)
        guard port <= UInt64(UInt16.max) else { throw .malformedField("port") }
        let name = try fields["n"].map { bytes throws(NearbyAdvertisementError) -> String in
            guard bytes.count <= Self.maximumNameBytes else { throw .valueTooLong(field: "n", bytes: bytes.count) }
            guard let text = String(validating: bytes, as: UTF8.self) else { throw .malformedField("n") }
            return text
        }
        let signature = try Self.signature(fields["sig"])
        try self.init(peerID: peerID, seq: seq, port: UInt16(port), name: name, signature: signature)
    }

    /// The first value of each key, lowercased, after the size checks.
    private static func fields(of strings: [[UInt8]]) throws(NearbyAdvertisementError) -> [String: ArraySlice<UInt8>] {
        guard strings.count <= maximumStringCount else { throw .tooManyStrings(strings.count) }
        var total = 0
        for string in strings {
            guard string.count <= maximumStringBytes else { throw .stringTooLong(bytes: string.count) }
            total += 1 + string.count
        }
        guard total <= maximumRecordBytes else { throw .recordTooLarge(bytes: total) }
        var fields = [String: ArraySlice<UInt8>]()
        for string in strings {
            let separator = string.firstIndex(of: UInt8(ascii: "=")) ?? string.endIndex
            let keyBytes = string[..<separator]
            // RFC 6763 §6.4: a key is printable ASCII; a string without one is ignored.
            guard !keyBytes.isEmpty, keyBytes.allSatisfy({ (0x20...0x7e).contains($0) }) else { continue }
            let key = String(decoding: keyBytes, as: UTF8.self).lowercased()
            guard fields[key] == nil else { continue }
            guard separator != string.endIndex else {
                // A key without "=" is a boolean attribute (§6.4); none of ours is boolean.
                if knownKeys.contains(key) { throw .malformedField(key) }
                continue
            }
            fields[key] = string[(separator + 1)...]
        }
        return fields
    }

    private static func peerID(_ value: ArraySlice<UInt8>?) throws(NearbyAdvertisementError) -> PeerID {
        guard let value else { throw .missingField("id") }
        guard value.count == PeerID.textLength,
            let peerID = try? PeerID(parsing: String(decoding: value, as: UTF8.self))
        else { throw .malformedField("id") }
        return peerID
    }

    /// A canonical decimal: digits only, no sign, no leading zero, no more than `maximumDigits`.
    private static func decimal(
        _ value: ArraySlice<UInt8>?, key: String, maximumDigits: Int
    ) throws(NearbyAdvertisementError) -> UInt64 {
        guard let value else { throw .missingField(key) }
        guard !value.isEmpty, value.count <= maximumDigits,
            value.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            value.count == 1 || value.first != UInt8(ascii: "0"),
            let number = UInt64(String(decoding: value, as: UTF8.self))
        else { throw .malformedField(key) }
        return number
    }

    /// The 64 signature bytes from their one canonical base32 form (103 characters).
    private static func signature(_ value: ArraySlice<UInt8>?) throws(NearbyAdvertisementError) -> [UInt8] {
        guard let value else { throw .missingField("sig") }
        let text = String(decoding: value, as: UTF8.self)
        guard value.count == (signatureLength * 8 + 4) / 5, let bytes = Base32.decode(text),
            bytes.count == signatureLength, Base32.encode(bytes) == text
        else { throw .malformedField("sig") }
        return bytes
    }
}
