import Crypto

/// One interest in the form the network compares and announces: folded, trimmed, one space between words.
///
/// Normalization is `TextFolder.fold`, the same folding local search applies: compatibility
/// decomposition (full-width forms, ligatures), lower-casing, removal of Latin, Greek and Cyrillic
/// diacritics, the letter table for ø, ł, ß, æ …, and white space (line breaks included) collapsed
/// to single spaces and trimmed. Folding diacritics is a choice: "Café" and "cafe" meet under one
/// DHT key and score as the same interest, exactly as a local search for "cafe" finds "Café"; the
/// price is that the rare pairs that differ only by an accent (Spanish "año" and "ano") merge too.
/// Hyphens and underscores are kept: "machine-learning" and "machine learning" are two tags.
/// Because the tag's bytes feed a hash other nodes must reproduce, this folding is part of the
/// protocol (docs/PROTOCOL.md) and must not change without a new info-hash prefix.
public struct InterestTag: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The prefix hashed in front of a tag to make its DHT info-hash (BRIEF §3b).
    public static let infoHashPrefix: [UInt8] = Array("peerdex:interest:".utf8)
    /// The longest normalized tag, in UTF-8 bytes: twice a profile's interest limit, since folding
    /// may expand text (ß becomes ss, ligatures their letters).
    public static let maximumBytes = 2 * Profile.maximumInterestBytes
    /// The longest text looked at before folding, in UTF-8 bytes: a hostile 1 MB "interest" is
    /// refused without being folded.
    public static let maximumInputBytes = 4 * maximumBytes
    /// The most tags read from one peer's list; the rest are ignored (a valid profile has 12).
    public static let maximumTagsPerPeer = 64

    /// The normalized text: never empty, at most `maximumBytes`, no control characters.
    public let text: String

    /// Normalizes `raw`, or explains why it cannot be a tag.
    public init(_ raw: String) throws(InterestTagError) {
        let inputBytes = raw.utf8.count
        guard inputBytes <= Self.maximumInputBytes else { throw .tooLong(bytes: inputBytes, limit: Self.maximumBytes) }
        let folded = TextFolder.fold(raw)
        guard !folded.isEmpty else { throw .empty }
        // Tabs and line breaks were folded to spaces; what control characters remain are not text.
        guard !Profile.containsControlCharacter(folded) else { throw .controlCharacter }
        let bytes = folded.utf8.count
        guard bytes <= Self.maximumBytes else { throw .tooLong(bytes: bytes, limit: Self.maximumBytes) }
        text = folded
    }

    /// The normalized form of `raw`, or nil when it is not a valid tag (empty, too long, control characters).
    public static func normalized(_ raw: String) -> String? {
        try? InterestTag(raw).text
    }

    /// The distinct valid tags among the first `maximumTagsPerPeer` interests; invalid ones are skipped.
    ///
    /// Lenient on purpose: interests come from other peers' records, and one bad entry should not
    /// hide the others.
    public static func tags(of interests: some Sequence<String>) -> Set<InterestTag> {
        var tags = Set<InterestTag>()
        for interest in interests.prefix(maximumTagsPerPeer) {
            if let tag = try? InterestTag(interest) { tags.insert(tag) }
        }
        return tags
    }

    // MARK: - DHT

    /// The info-hash under which peers with this public interest announce: SHA-1(`peerdex:interest:` ‖ tag).
    public var infoHash: NodeID {
        var hasher = Insecure.SHA1()
        hasher.update(data: Self.infoHashPrefix)
        hasher.update(data: Array(text.utf8))
        return ImmutableItem.nodeID(of: hasher.finalize())
    }

    // MARK: - Similarity

    /// Jaccard similarity |A ∩ B| / |A ∪ B| of two tag sets, from 0 to 1.
    ///
    /// Two empty sets score 0, not 1 (nor 0/0): people who list no interests share no known
    /// interest, and must not rank as perfect matches of each other.
    public static func jaccard(_ lhs: Set<InterestTag>, _ rhs: Set<InterestTag>) -> Double {
        let (small, large) = lhs.count <= rhs.count ? (lhs, rhs) : (rhs, lhs)
        let shared = small.reduce(0) { $0 + (large.contains($1) ? 1 : 0) }
        let union = lhs.count + rhs.count - shared
        return union == 0 ? 0 : Double(shared) / Double(union)
    }

    /// Jaccard similarity of two interest lists, each normalized with `tags(of:)` first.
    public static func jaccard(_ lhs: [String], _ rhs: [String]) -> Double {
        jaccard(tags(of: lhs), tags(of: rhs))
    }

    // MARK: - Conformances

    /// Orders tags by their normalized text, so lists of tags print the same way every time.
    public static func < (lhs: InterestTag, rhs: InterestTag) -> Bool { lhs.text < rhs.text }

    /// The normalized text.
    public var description: String { text }
}

/// Why text cannot be an interest tag; each case reads as one line.
public enum InterestTagError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing is left once white space is trimmed.
    case empty
    /// The tag is longer than the limit, in UTF-8 bytes.
    case tooLong(bytes: Int, limit: Int)
    /// The tag holds a control character other than white space.
    case controlCharacter

    /// One line that explains the problem to a person.
    public var description: String {
        switch self {
        case .empty: "the interest is empty"
        case .tooLong(let bytes, let limit):
            "the interest is \(bytes) bytes long in UTF-8; at most \(limit) once normalized"
        case .controlCharacter: "the interest contains a control character (such as escape); use plain text"
        }
    }
}
