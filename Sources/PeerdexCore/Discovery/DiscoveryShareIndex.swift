/// What a discovery peer may share by peer query, decided and folded once per snapshot, so that
/// answering a query neither re-decides privacy nor re-folds text per record.
///
/// Built from the same `PrivacyController` decisions and `DiscoveryResultMerger` rules that
/// `DiscoveryResponder.referenceResults(matching:for:limit:)` applies per query, and answers
/// identically (same entries, same order, same limit): each shareable record (our discovery
/// profile and the contacts we may share) is validated and folded once, tagged with the
/// relationships allowed to learn it. Its distinct fields and words are indexed (sorted bytes for
/// prefixes, byte trigrams for substrings, deletion keys for typos); a query asks `SearchRanker`'s
/// own tier test about each field or word that may match, once, and an entry's tier is the best
/// of its fields' and words' (as the ranker defines it), so the index only narrows what is asked.
///
/// Immutable and shared between copies of the responder (a class: a copy costs one retain).
final class DiscoveryShareIndex: Sendable {
    /// One record we may share with at least one relationship.
    struct Entry: Sendable {
        /// The record as the merger would keep it: normalized fields, `seq`, nothing else.
        let peer: DiscoveredPeer
        /// The folded fields of its search document.
        let fields: [String]
        /// The words of those fields.
        let words: [Substring]
        /// Its interests as tags, for Jaccard scores.
        let tags: Set<InterestTag>
        /// One bit per `Relationship` allowed to learn it (`bit(of:)`).
        let audience: UInt8
    }

    /// The controller the decisions were made with; another one makes this index stale.
    let controller: PrivacyController
    /// Whether the index answers exactly as the merger would. Not when two shareable records
    /// share a peer ID: the merger then keeps whichever its bounded memory lets through, which
    /// depends on the query, so those books (which the store never produces) take the reference path.
    let isExact: Bool
    /// Every shareable record.
    let entries: [Entry]
    /// Each entry's record in its wire form, made once so that an answer only copies them.
    let wires: [WireDiscoveredProfile]
    /// Each entry's position in the ranker's final order (folded name, then peer ID).
    let order: [Int32]
    /// Entries by `order`, for queries that match everything.
    let byOrder: [Int32]
    /// Each entry's `audience`, flat, so that filtering copies no entry.
    let audiences: [UInt8]
    /// The entry of each peer ID, to leave a requester out of its own answer.
    let entryOfPeer: [PeerID: Int32]
    /// The distinct non-empty folded fields of all entries, and the entries holding each.
    let fields: Vocabulary
    /// The distinct words of all entries, and the entries holding each.
    let words: Vocabulary
    /// Words of four or more characters (the only ones a typo-matching term can reach) by
    /// one-deletion key (`EditDistance.deletionKeys`).
    let typoKeys: [String: Range<Int>]
    /// The word numbers `typoKeys` point into.
    let typoWords: [Int32]
    /// Entries having each interest tag.
    let tagPostings: [InterestTag: [Int32]]

    /// The index of what `controller` lets us share from `contacts` by peer query.
    init(controller: PrivacyController, contacts: [Contact]) {
        self.controller = controller
        var disclosed: [(profile: PrivacyController.DisclosedProfile, seq: Int64, audience: UInt8)] = []
        var ownAudience: UInt8 = 0
        var own: PrivacyController.DisclosedProfile?
        for relationship in Relationship.allCases {
            if let profile = controller.ownProfile(for: relationship, path: .peerQuery).profile {
                ownAudience |= Self.bit(of: relationship)
                own = profile
            }
        }
        if let own { disclosed.append((own, controller.profile.seq, ownAudience)) }
        for contact in contacts {
            var audience: UInt8 = 0
            var shared: PrivacyController.DisclosedProfile?
            for relationship in Relationship.allCases {
                if let disclosure = controller.sharedContacts([contact], for: relationship, path: .peerQuery).first {
                    audience |= Self.bit(of: relationship)
                    shared = disclosure
                }
            }
            // A shared contact's record seq is not ours to know: 0, as the reference answers.
            if let shared { disclosed.append((shared, 0, audience)) }
        }
        var seen = Set<PeerID>()
        isExact = disclosed.allSatisfy { seen.insert($0.profile.peerID).inserted }

        var entries = [Entry]()
        var names = [String]()
        for item in disclosed {
            guard let peer = Self.validated(item.profile, seq: item.seq) else { continue }
            let contact = peer.asContact
            let document = SearchDocument(contact: contact)
            let fields = document.fields
            entries.append(
                Entry(
                    peer: peer, fields: fields, words: fields.flatMap { SearchWords.words(in: $0) },
                    tags: InterestTag.tags(of: peer.interests), audience: item.audience))
            names.append(document.displayName(of: contact))
        }
        self.entries = entries
        wires = entries.map { WireDiscoveredProfile($0.peer) }
        let sorted = entries.indices.sorted {
            names[$0] != names[$1] ? names[$0] < names[$1] : entries[$0].peer.peerID < entries[$1].peer.peerID
        }
        var order = [Int32](repeating: 0, count: entries.count)
        for (position, index) in sorted.enumerated() { order[index] = Int32(position) }
        self.order = order
        byOrder = sorted.map { Int32($0) }
        audiences = entries.map(\.audience)
        entryOfPeer = Dictionary(
            entries.enumerated().map { ($1.peer.peerID, Int32($0)) }, uniquingKeysWith: { first, _ in first })

        var fieldPostings = [String: [Int32]]()
        var wordPostings = [String: [Int32]]()
        var tagPostings = [InterestTag: [Int32]]()
        for (index, entry) in entries.enumerated() {
            let position = Int32(index)
            for field in Set(entry.fields) where !field.isEmpty { fieldPostings[field, default: []].append(position) }
            for word in Set(entry.words.map(String.init)) { wordPostings[word, default: []].append(position) }
            for tag in entry.tags { tagPostings[tag, default: []].append(position) }
        }
        fields = Vocabulary(fieldPostings, trigrams: true)
        words = Vocabulary(wordPostings, trigrams: false)
        var typoLists = [String: [Int32]]()
        for (index, word) in words.strings.enumerated() where word.count >= SearchQuery.minimumFuzzyLength - 1 {
            for key in EditDistance.deletionKeys(of: word) { typoLists[key, default: []].append(Int32(index)) }
        }
        (typoKeys, typoWords) = Self.flattened(typoLists)
        self.tagPostings = tagPostings
    }

    // MARK: - Answering

    /// A match kept for the answer, ordered as the merger orders results.
    private struct Match {
        var tier: MatchTier
        var score: Double
        var order: Int32
        var index: Int32

        func precedes(_ other: Match) -> Bool {
            if tier != other.tier { return tier < other.tier }
            if score != other.score { return score > other.score }
            return order < other.order
        }
    }

    /// What we may tell `requester` (standing to us as `relationship`) that matches `query`,
    /// best first, at most `limit`: the reference's answer, from the index.
    func results(
        matching query: DiscoveryQuery, for requester: PeerID, relationship: Relationship, limit: Int
    ) -> [DiscoveredPeer] {
        matches(query, for: requester, relationship: relationship, limit: limit).map { entries[Int($0)].peer }
    }

    /// `results(matching:for:relationship:limit:)` in wire form.
    func wireResults(
        matching query: DiscoveryQuery, for requester: PeerID, relationship: Relationship, limit: Int
    ) -> [WireDiscoveredProfile] {
        matches(query, for: requester, relationship: relationship, limit: limit).map { wires[Int($0)] }
    }

    /// The entries of `results(matching:for:relationship:limit:)`, in its order.
    private func matches(
        _ query: DiscoveryQuery, for requester: PeerID, relationship: Relationship, limit: Int
    ) -> [Int32] {
        let audience = Self.bit(of: relationship)
        guard limit > 0 else { return [] }
        // An index may hold the requester only if its IDs are distinct (`isExact`): one entry.
        let excluded = entryOfPeer[requester] ?? -1
        if query.isEmpty {
            // Everything matches and every result ties on tier and score: the name order alone.
            var results = [Int32]()
            for index in byOrder where results.count < limit && audiences[Int(index)] & audience != 0 && index != excluded {
                results.append(index)
            }
            return results
        }
        let matcher = InterestMatcher(tags: query.interests)
        var best = [Match]()
        best.reserveCapacity(limit + 1)
        let found = candidates(for: query.text, minimumScore: matcher.minimumScore, interests: query.interests)
        audiences.withUnsafeBufferPointer { audiences in
            order.withUnsafeBufferPointer { order in
                for (index, tier) in found where audiences[Int(index)] & audience != 0 && index != excluded {
                    var score = 0.0
                    if !query.interests.isEmpty {
                        score = InterestTag.jaccard(query.interests, entries[Int(index)].tags)
                        guard matcher.accepts(score: score) else { continue }
                    }
                    let match = Match(tier: tier, score: score, order: order[Int(index)], index: index)
                    if best.count == limit, !match.precedes(best[limit - 1]) { continue }
                    var low = 0
                    var high = best.count
                    while low < high {
                        let middle = (low + high) / 2
                        if best[middle].precedes(match) { low = middle + 1 } else { high = middle }
                    }
                    best.insert(match, at: low)
                    if best.count > limit { best.removeLast() }
                }
            }
        }
        return best.map(\.index)
    }

    /// Entries matching every term of `text` with their tier (the worst over terms), each once;
    /// without text, a superset of the entries the interests may accept, at tier `.exact`.
    private func candidates(
        for text: SearchQuery, minimumScore: Double, interests: Set<InterestTag>
    ) -> [(Int32, MatchTier)] {
        if text.isEmpty {
            // Interests alone: a score of at least a positive minimum needs a tag in common.
            guard minimumScore > 0 else { return byOrder.map { ($0, .exact) } }
            var marked = [Bool](repeating: false, count: entries.count)
            var result = [(Int32, MatchTier)]()
            for tag in interests {
                for index in tagPostings[tag] ?? [] where !marked[Int(index)] {
                    marked[Int(index)] = true
                    result.append((index, .exact))
                }
            }
            return result
        }
        var scratch = TermScratch(count: entries.count)
        // Views over the flat storage, taken once: reading through them retains nothing, which
        // matters when several threads answer from the one index.
        fields.withView { fieldView in
            words.withView { wordView in
                for (position, term) in text.terms.enumerated() {
                    scratch.begin(term: position + 1)
                    // The tier of each field and word that may match, decided once per string;
                    // an entry's tier for the term is the best over its fields and words.
                    let termBytes = Array(term.text.utf8)
                    let termIsPlain = Self.isPlainASCII(termBytes)
                    func visitField(_ field: Int) {
                        let tier =
                            termIsPlain && fieldView.isPlain[field]
                            ? Self.fieldTier(of: term, termBytes, in: fieldView.bytes(of: field))
                            : SearchRanker.tier(of: term, fields: [fields.strings[field]], words: [])
                        if let tier { scratch.note(fieldView.postings(of: field), tier) }
                    }
                    func visitWord(_ word: Int) {
                        let tier =
                            termIsPlain && wordView.isPlain[word]
                            ? Self.wordTier(of: term, termBytes, in: wordView.bytes(of: word))
                            : SearchRanker.tier(of: term, fields: [], words: [words.strings[word][...]])
                        if let tier { scratch.note(wordView.postings(of: word), tier) }
                    }
                    // Fields and words starting with the term (exact and prefix matches).
                    for field in fieldView.withPrefix(termBytes) { visitField(field) }
                    for word in wordView.withPrefix(termBytes) { visitWord(word) }
                    // Fields holding it (substring matches): they hold each of its 3-byte windows.
                    if term.allowsSubstring, termBytes.count >= 3 {
                        fields.forEachHoldingTrigrams(of: termBytes) { visitField($0) }
                    }
                    // Words one typo away share a one-deletion key with it.
                    if term.allowsFuzzy {
                        for key in EditDistance.deletionKeys(of: term.text) {
                            guard let range = typoKeys[key] else { continue }
                            for word in typoWords[range] { visitWord(Int(word)) }
                        }
                    }
                    scratch.end()
                }
            }
        }
        return scratch.survivors(terms: text.terms.count)
    }

    /// Per-entry bookkeeping of one query's terms, in flat arrays.
    private struct TermScratch {
        /// Terms matched so far by each entry.
        var matchedTerms: [UInt16]
        /// Each entry's worst tier over the terms so far.
        var worst: [MatchTier]
        /// The term whose `termBest` an entry holds.
        var seenInTerm: [UInt16]
        /// Each entry's best tier for the current term.
        var termBest: [MatchTier]
        /// Entries reached by the current term.
        var touched: [Int32] = []
        var number: UInt16 = 0

        init(count: Int) {
            matchedTerms = Array(repeating: 0, count: count)
            worst = Array(repeating: .exact, count: count)
            seenInTerm = Array(repeating: 0, count: count)
            termBest = Array(repeating: .exact, count: count)
        }

        mutating func begin(term: Int) {
            number = UInt16(truncatingIfNeeded: term)
            touched.removeAll(keepingCapacity: true)
        }

        mutating func note(_ postings: UnsafeBufferPointer<Int32>, _ tier: MatchTier) {
            for index in postings {
                let slot = Int(index)
                if seenInTerm[slot] != number {
                    seenInTerm[slot] = number
                    termBest[slot] = tier
                    touched.append(index)
                } else if tier < termBest[slot] {
                    termBest[slot] = tier
                }
            }
        }

        mutating func end() {
            for index in touched where matchedTerms[Int(index)] == number &- 1 {
                matchedTerms[Int(index)] = number
                worst[Int(index)] = max(worst[Int(index)], termBest[Int(index)])
            }
        }

        func survivors(terms: Int) -> [(Int32, MatchTier)] {
            let count = UInt16(truncatingIfNeeded: terms)
            return touched.compactMap { matchedTerms[Int($0)] == count ? ($0, worst[Int($0)]) : nil }
        }
    }

    /// `SearchRanker`'s tier of `term` in one field, byte by byte: for ASCII without carriage
    /// returns, where bytes are characters and equal text is equal bytes.
    private static func fieldTier(
        of term: SearchTerm, _ termBytes: [UInt8], in field: UnsafeBufferPointer<UInt8>
    ) -> MatchTier? {
        if field.elementsEqual(termBytes) { return .exact }
        if field.starts(with: termBytes) { return .prefix }
        if term.allowsSubstring, holds(field, termBytes) { return .substring }
        return nil
    }

    /// `SearchRanker`'s tier of `term` in one word, byte by byte (ASCII as above).
    private static func wordTier(
        of term: SearchTerm, _ termBytes: [UInt8], in word: UnsafeBufferPointer<UInt8>
    ) -> MatchTier? {
        if word.elementsEqual(termBytes) { return .exact }
        if word.starts(with: termBytes) { return .prefix }
        if term.allowsFuzzy, abs(word.count - termBytes.count) <= 1, EditDistance.isWithinOne(Array(word), termBytes) {
            return .fuzzy
        }
        return nil
    }

    /// Whether `needle` occurs in `haystack`, byte for byte (as `SearchRanker.contains`).
    private static func holds(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        let first = needle[0]
        for start in 0...(haystack.count - needle.count) where haystack[start] == first {
            var index = 1
            while index < needle.count, haystack[start + index] == needle[index] { index += 1 }
            if index == needle.count { return true }
        }
        return false
    }

    /// Whether bytes are ASCII without a carriage return (which joins a following line feed
    /// into one character).
    static func isPlainASCII(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { $0 < 0x80 && $0 != 0x0D }
    }

    // MARK: - Helpers

    /// The bit of a relationship in `Entry.audience`.
    static func bit(of relationship: Relationship) -> UInt8 {
        switch relationship {
        case .selfPeer: 1
        case .stranger: 2
        case .contact: 4
        case .friend: 8
        case .blocked: 16
        }
    }

    /// The record as `DiscoveryResultMerger` validates it: fields normalized as a profile's, or
    /// nil for a record a profile could not hold (the merger drops it).
    static func validated(_ profile: PrivacyController.DisclosedProfile, seq: Int64) -> DiscoveredPeer? {
        guard seq >= 0, profile.interests.count <= InterestTag.maximumTagsPerPeer else { return nil }
        let normalized = Profile(name: profile.name, interests: profile.interests, location: profile.location)
        guard (try? normalized.validate()) != nil else { return nil }
        return DiscoveredPeer(
            peerID: profile.peerID, name: normalized.name, interests: normalized.interests,
            location: normalized.location, seq: seq)
    }

    /// One to three bytes as a key, the length in the top byte so that "a" and "a\0" differ.
    static func key(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var key = UInt32(bytes.count) << 24
        for (shift, byte) in zip([16, 8, 0], bytes) { key |= UInt32(byte) << UInt32(shift) }
        return key
    }

    /// Lists stored end to end, each key with its range.
    static func flattened<Key: Hashable>(_ lists: [Key: [Int32]]) -> ([Key: Range<Int>], [Int32]) {
        var ranges = [Key: Range<Int>](minimumCapacity: lists.count)
        var storage = [Int32]()
        for (key, list) in lists {
            ranges[key] = storage.count..<(storage.count + list.count)
            storage += list
        }
        return (ranges, storage)
    }

    /// Whether the sorted list holds `index`.
    static func contains(_ list: UnsafeBufferPointer<Int32>, _ index: Int32) -> Bool {
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle] < index { low = middle + 1 } else { high = middle }
        }
        return low < list.count && list[low] == index
    }
}
