import struct Foundation.Date

/// One entry of the contact book: who a peer is to us, and what we remember about them.
///
/// Times are passed in by the caller (Core reads no clock). `favoritedAt` and `blockedAt` are the
/// flags themselves: a contact is a favorite exactly when `favoritedAt` is set.
public struct Contact: Hashable, Sendable {
    /// The contact's peer ID; unique in the book.
    public var peerID: PeerID
    /// Display name, as the peer calls itself (may be empty).
    public var name: String
    /// Our own name for the contact (may be empty).
    public var alias: String
    /// Free text we keep about the contact.
    public var note: String
    /// Interests, in the order given, without duplicates.
    public var interests: [String]
    /// General location (city or region, never an exact address).
    public var location: String
    /// How far what we know about this contact may travel.
    public var privacy: PrivacyLevel
    /// Whether the contact is a friend (friends see `friends`-level data).
    public var isFriend: Bool
    /// When the contact was marked favorite; nil when it is not one.
    public var favoritedAt: Date?
    /// When the contact was blocked; nil when it is not blocked.
    public var blockedAt: Date?
    /// When the contact entered the book.
    public var addedAt: Date
    /// When the peer was last seen online.
    public var lastSeen: Date?
    /// When we last did something with the contact: the key of the recent list.
    public var lastInteraction: Date?

    /// A contact with the given ID and optional details; flags off, privacy `private`.
    public init(
        peerID: PeerID,
        name: String = "",
        alias: String = "",
        note: String = "",
        interests: [String] = [],
        location: String = "",
        privacy: PrivacyLevel = .private,
        isFriend: Bool = false,
        favoritedAt: Date? = nil,
        blockedAt: Date? = nil,
        addedAt: Date,
        lastSeen: Date? = nil,
        lastInteraction: Date? = nil
    ) {
        self.peerID = peerID
        self.name = name
        self.alias = alias
        self.note = note
        self.interests = Contact.normalizedInterests(interests)
        self.location = location
        self.privacy = privacy
        self.isFriend = isFriend
        self.favoritedAt = favoritedAt
        self.blockedAt = blockedAt
        self.addedAt = addedAt
        self.lastSeen = lastSeen
        self.lastInteraction = lastInteraction
    }

    /// Whether the contact is a favorite.
    public var isFavorite: Bool { favoritedAt != nil }
    /// Whether the contact is blocked.
    public var isBlocked: Bool { blockedAt != nil }

    /// The best label for lists: alias, else name, else the short peer ID.
    public var displayName: String {
        if !alias.isEmpty { return alias }
        if !name.isEmpty { return name }
        return peerID.shortText
    }

    /// Puts each interest on one line, trims it, drops empty ones and case-insensitive duplicates, keeping first spelling.
    public static func normalizedInterests(_ interests: [String]) -> [String] {
        // A handful per contact: a linear scan beats hashing, and one interest needs no folding.
        var seen = [String]()
        var result = [String]()
        result.reserveCapacity(interests.count)
        for interest in interests {
            let trimmed: String
            if isOneTrimmedLine(interest) {
                trimmed = interest
            } else {
                let oneLine = interest.split(whereSeparator: \.isNewline).joined(separator: " ")
                trimmed = String(oneLine.trimmingWhitespace())
            }
            guard !trimmed.isEmpty else { continue }
            if interests.count > 1 {
                let folded = trimmed.lowercased()
                guard !seen.contains(folded) else { continue }
                seen.append(folded)
            }
            result.append(trimmed)
        }
        return result
    }

    /// A cheap, conservative test that `text` already is one trimmed line: no control characters,
    /// no lead byte of U+0085, U+2028 or U+2029, and no white space at either end. (Imports of
    /// 100,000 contacts spend most of their conversion time otherwise splitting clean strings.)
    static func isOneTrimmedLine(_ text: String) -> Bool {
        guard let firstByte = text.utf8.first, let lastByte = text.utf8.last else { return false }
        // A printable ASCII byte at an end is a character that is not white space (white space
        // never joins a following letter); only other ends need the character itself.
        let printable: ClosedRange<UInt8> = 0x21...0x7E
        guard printable.contains(firstByte) || !(text.first?.isWhitespace ?? true),
            printable.contains(lastByte) || !(text.last?.isWhitespace ?? true)
        else { return false }
        return text.utf8.allSatisfy { $0 >= 0x20 && $0 != 0x7F && $0 != 0xC2 && $0 != 0xE2 }
    }
}
