/// Why a nearby advertisement could not be built or read; each case names the field at fault.
public enum NearbyAdvertisementError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The TXT record has more strings than an advertisement may.
    case tooManyStrings(Int)
    /// The TXT record, with its length bytes, is larger than an advertisement may be.
    case recordTooLarge(bytes: Int)
    /// One TXT string is longer than the 255 bytes its length byte can say.
    case stringTooLong(bytes: Int)
    /// The `v` field names a protocol version this program does not speak.
    case unsupportedVersion(String)
    /// A required field is absent (a missing `sig` means the advertisement is unsigned).
    case missingField(String)
    /// A field is present but its value is not in the one accepted form.
    case malformedField(String)
    /// A field's value is longer than its limit, in bytes.
    case valueTooLong(field: String, bytes: Int)
    /// The signature does not verify under the advertised peer ID.
    case invalidSignature
    /// The signing key refused to sign (never expected from swift-crypto).
    case signingFailed

    /// One line for logs and counters.
    public var description: String {
        switch self {
        case .tooManyStrings(let count): "the TXT record has \(count) strings"
        case .recordTooLarge(let bytes): "the TXT record is \(bytes) bytes long"
        case .stringTooLong(let bytes): "a TXT string is \(bytes) bytes long"
        case .unsupportedVersion(let version): "unsupported advertisement version \"\(version)\""
        case .missingField(let key): "the advertisement has no \"\(key)\" field"
        case .malformedField(let key): "the advertisement's \"\(key)\" field is malformed"
        case .valueTooLong(let key, let bytes): "the advertisement's \"\(key)\" field is \(bytes) bytes long"
        case .invalidSignature: "the advertisement's signature does not verify"
        case .signingFailed: "the advertisement could not be signed"
        }
    }
}
