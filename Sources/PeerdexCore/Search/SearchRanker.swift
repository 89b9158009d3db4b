import struct Foundation.Date

/// How well a contact matches a query: the first key of the result order.
public enum MatchTier: Int, Comparable, Sendable, CaseIterable {
    /// A whole field or word equals every term.
    case exact
    /// A field or word starts with every term.
    case prefix
    /// Every term appears inside a field.
    case substring
    /// Some term matches only a word one typo away.
    case fuzzy

    /// Better tiers sort first.
    public static func < (lhs: MatchTier, rhs: MatchTier) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A contact found by a search, with how well it matched.
public struct RankedContact: Hashable, Sendable {
    /// The contact.
    public var contact: Contact
    /// Its match tier for the query.
    public var tier: MatchTier

    /// A result from its parts.
    public init(contact: Contact, tier: MatchTier) {
        self.contact = contact
        self.tier = tier
    }
}

/// Decides whether a contact matches a query and in what order results come.
///
/// Order: tier (exact > prefix > substring > fuzzy), then favorites first, then most recent
/// interaction, then name. The store narrows candidates with its indexes; this type has the last
/// word, so results are ranked the same whatever index found them.
public enum SearchRanker {
    /// The tier at which every term matches, or nil when some term does not match at all.
    public static func tier(of query: SearchQuery, in document: SearchDocument) -> MatchTier? {
        guard !query.isEmpty else { return nil }
        var worst = MatchTier.exact
        let fields = document.fields
        let words = fields.flatMap { SearchWords.words(in: $0) }
        for term in query.terms {
            guard let tier = tier(of: term, fields: fields, words: words) else { return nil }
            worst = max(worst, tier)
        }
        return worst
    }

    /// The best tier at which one term matches the given fields and their words.
    static func tier(of term: SearchTerm, fields: [String], words: [Substring]) -> MatchTier? {
        let text = term.text
        if fields.contains(text) || words.contains(where: { $0 == text }) { return .exact }
        if fields.contains(where: { $0.hasPrefix(text) }) || words.contains(where: { $0.hasPrefix(text) }) {
            return .prefix
        }
        if term.allowsSubstring, fields.contains(where: { contains($0, text) }) { return .substring }
        if term.allowsFuzzy {
            let target = Array(text)
            if words.contains(where: { abs($0.count - target.count) <= 1 && EditDistance.isWithinOne(Array($0), target) }) {
                return .fuzzy
            }
        }
        return nil
    }

    /// Ranks candidates, dropping those that do not match, and keeps the best `limit`.
    public static func rank(
        _ candidates: [(contact: Contact, document: SearchDocument)],
        for query: SearchQuery,
        limit: Int
    ) -> [RankedContact] {
        rank(
            candidates.compactMap { candidate in
                tier(of: query, in: candidate.document).map { (candidate.contact, $0, candidate.document) }
            },
            limit: limit)
    }

    /// Orders contacts whose tier is already known and keeps the best `limit`, each contact once.
    public static func rank(
        _ matches: [(contact: Contact, tier: MatchTier, document: SearchDocument)], limit: Int
    ) -> [RankedContact] {
        var seen = Set<PeerID>()
        let keyed = matches.compactMap { match -> (RankedContact, String)? in
            guard seen.insert(match.contact.peerID).inserted else { return nil }
            // The folded name comes from the document, so sorting folds nothing.
            return (RankedContact(contact: match.contact, tier: match.tier), match.document.displayName(of: match.contact))
        }
        return Array(keyed.sorted { precedes($0.0, $1.0, names: ($0.1, $1.1)) }.prefix(max(0, limit)).map(\.0))
    }

    /// Searches contacts directly, without an index: the reference the indexed search must equal.
    public static func search(_ contacts: [Contact], for query: SearchQuery, limit: Int) -> [RankedContact] {
        rank(contacts.filter { !$0.isBlocked }.map { ($0, SearchDocument(contact: $0)) }, for: query, limit: limit)
    }

    /// The result order — tier, favorite, most recent interaction, name, peer ID — with both display
    /// names already folded, so that sorting folds nothing.
    static func precedes(_ lhs: RankedContact, _ rhs: RankedContact, names: (String, String)) -> Bool {
        if lhs.tier != rhs.tier { return lhs.tier < rhs.tier }
        let (left, right) = (lhs.contact, rhs.contact)
        if left.isFavorite != right.isFavorite { return left.isFavorite }
        let leftTime = left.lastInteraction ?? .distantPast
        let rightTime = right.lastInteraction ?? .distantPast
        if leftTime != rightTime { return leftTime > rightTime }
        if names.0 != names.1 { return names.0 < names.1 }
        return left.peerID < right.peerID
    }

    /// Byte-wise substring test; folded text is normalized, so bytes compare like characters.
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        let hay = Array(haystack.utf8)
        let pin = Array(needle.utf8)
        guard !pin.isEmpty else { return true }
        guard hay.count >= pin.count else { return false }
        let first = pin[0]
        for start in 0...(hay.count - pin.count) where hay[start] == first {
            var index = 1
            while index < pin.count, hay[start + index] == pin[index] { index += 1 }
            if index == pin.count { return true }
        }
        return false
    }
}
