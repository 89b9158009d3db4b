import struct Foundation.Date

/// The user's own profile: what peers may learn about us, and how far it may travel.
///
/// A new profile is empty and `private`: nothing is published until the user chooses a wider
/// visibility. `seq` and `updatedAt` belong to the store, which raises `seq` by one and stamps
/// `updatedAt` with every saved change; `seq` becomes the BEP 44 sequence number of the record.
/// The limits are in UTF-8 bytes and sized so that the published record (`ProfileRecord`) always
/// fits in its 1,000 bytes, with room to spare for the port, address hints and capabilities.
public struct Profile: Hashable, Sendable {
    /// Display name, as peers will see it; may be empty (the peer ID still identifies us).
    public var name: String
    /// Interests, in the order given, without duplicates (normalized as contacts' interests are).
    public var interests: [String]
    /// General location (city or region, never an exact address); may be empty.
    public var location: String
    /// Who may learn the profile through the network; `private` until the user says otherwise.
    public var visibility: PrivacyLevel
    /// How many changes were saved: 0 before the first, then strictly increasing.
    public var seq: Int64
    /// When the last change was saved; nil before the first.
    public var updatedAt: Date?

    // MARK: - Limits

    /// The longest display name, in UTF-8 bytes (64 Latin letters, 21 CJK characters).
    public static let maximumNameBytes = 64
    /// The longest location, in UTF-8 bytes.
    public static let maximumLocationBytes = 64
    /// The most interests a profile lists.
    public static let maximumInterestCount = 12
    /// The longest interest, in UTF-8 bytes.
    public static let maximumInterestBytes = 32

    /// A profile with the given fields, normalized: name and location become one trimmed line,
    /// interests are normalized as contacts' are. Limits are checked by `validate()`.
    public init(
        name: String = "",
        interests: [String] = [],
        location: String = "",
        visibility: PrivacyLevel = .private,
        seq: Int64 = 0,
        updatedAt: Date? = nil
    ) {
        self.name = Self.normalizedLine(name)
        self.interests = Self.normalizedInterests(interests)
        self.location = Self.normalizedLine(location)
        self.visibility = visibility
        self.seq = seq
        self.updatedAt = updatedAt
    }

    // MARK: - Normalization

    /// Text as one line: line breaks become spaces, white space at either end goes.
    public static func normalizedLine(_ text: String) -> String {
        guard text.contains(where: \.isNewline) || text.first?.isWhitespace == true || text.last?.isWhitespace == true
        else { return text }
        return String(text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingWhitespace())
    }

    /// Interests as contacts keep them: one trimmed line each, no empty ones, no case-insensitive duplicates.
    public static func normalizedInterests(_ interests: [String]) -> [String] {
        Contact.normalizedInterests(interests)
    }

    // MARK: - Validation

    /// Checks every field against its limit; the first problem found is thrown.
    public func validate() throws(ProfileError) {
        try Self.validateName(name)
        try Self.validateInterests(interests)
        try Self.validateLocation(location)
        guard seq >= 0 else { throw .invalidSeq(seq) }
    }

    /// Checks a display name: at most `maximumNameBytes`, no control characters.
    public static func validateName(_ name: String) throws(ProfileError) {
        guard !containsControlCharacter(name) else { throw .controlCharacter(field: "name") }
        let bytes = name.utf8.count
        guard bytes <= maximumNameBytes else { throw .nameTooLong(bytes: bytes, limit: maximumNameBytes) }
    }

    /// Checks a location: at most `maximumLocationBytes`, no control characters.
    public static func validateLocation(_ location: String) throws(ProfileError) {
        guard !containsControlCharacter(location) else { throw .controlCharacter(field: "location") }
        let bytes = location.utf8.count
        guard bytes <= maximumLocationBytes else {
            throw .locationTooLong(bytes: bytes, limit: maximumLocationBytes)
        }
    }

    /// Checks normalized interests: at most `maximumInterestCount`, each within `maximumInterestBytes`.
    public static func validateInterests(_ interests: [String]) throws(ProfileError) {
        guard interests.count <= maximumInterestCount else {
            throw .tooManyInterests(count: interests.count, limit: maximumInterestCount)
        }
        for interest in interests {
            guard !containsControlCharacter(interest) else { throw .controlCharacter(field: "interest") }
            let bytes = interest.utf8.count
            guard bytes <= maximumInterestBytes else {
                throw .interestTooLong(interest, bytes: bytes, limit: maximumInterestBytes)
            }
        }
    }

    /// Whether the text holds a C0 or C1 control character (tab and escape included).
    static func containsControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}

/// Why a profile or a change to it is refused; each case reads as one line.
public enum ProfileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The display name is longer than the limit, in UTF-8 bytes.
    case nameTooLong(bytes: Int, limit: Int)
    /// The location is longer than the limit, in UTF-8 bytes.
    case locationTooLong(bytes: Int, limit: Int)
    /// One interest is longer than the limit, in UTF-8 bytes.
    case interestTooLong(String, bytes: Int, limit: Int)
    /// More interests than a profile may list.
    case tooManyInterests(count: Int, limit: Int)
    /// A field holds a control character (tab, escape, …).
    case controlCharacter(field: String)
    /// The sequence number is negative.
    case invalidSeq(Int64)

    /// One line that explains the problem to a person.
    public var description: String {
        switch self {
        case .nameTooLong(let bytes, let limit):
            return "the name is \(bytes) bytes long in UTF-8; at most \(limit) fit in the published profile"
        case .locationTooLong(let bytes, let limit):
            return "the location is \(bytes) bytes long in UTF-8; at most \(limit) fit in the published profile"
        case .interestTooLong(let interest, let bytes, let limit):
            let shown = interest.count > 40 ? String(interest.prefix(37)) + "..." : interest
            return "the interest '\(shown)' is \(bytes) bytes long in UTF-8; at most \(limit) per interest"
        case .tooManyInterests(let count, let limit):
            return "\(count) interests given; a profile lists at most \(limit)"
        case .controlCharacter(let field):
            return "the \(field) contains a control character (such as a tab or escape); use plain text"
        case .invalidSeq(let seq):
            return "the profile's sequence number \(seq) is negative"
        }
    }
}
