import struct Foundation.Date

// MARK: - Result

/// A peer found by a network query: its public profile as discovery peers reported it, and how well it matched.
///
/// Not a `ProfileRecord`: that is the bencoded DHT value, which may be sealed and carries no peer
/// ID or sequence number; a result needs the open fields, the record's `seq`, who reported it and
/// its ranking. `init?(peerID:seq:record:)` makes one from an open record.
public struct DiscoveredPeer: Hashable, Sendable {
    /// The peer's ID: one result per ID.
    public var peerID: PeerID
    /// Its display name (may be empty).
    public var name: String
    /// Its interests, as its profile lists them.
    public var interests: [String]
    /// Its general location (city or region).
    public var location: String
    /// The sequence number of the profile record this result comes from; the highest wins.
    public var seq: Int64
    /// The discovery peers that reported this record (set by the merger).
    public var sources: Set<PeerID>
    /// How well the query's text matched, as local search ranks it; nil when the query has no text.
    public var tier: MatchTier?
    /// Jaccard similarity between the query's interests and the peer's; 0 when the query has none.
    public var score: Double

    /// A result from its parts; the merger fills `sources`, `tier` and `score`.
    public init(
        peerID: PeerID,
        name: String = "",
        interests: [String] = [],
        location: String = "",
        seq: Int64 = 0,
        sources: Set<PeerID> = [],
        tier: MatchTier? = nil,
        score: Double = 0
    ) {
        self.peerID = peerID
        self.name = name
        self.interests = interests
        self.location = location
        self.seq = seq
        self.sources = sources
        self.tier = tier
        self.score = score
    }

    /// The result of an open profile record, or nil for a sealed one (its content is not ours to read).
    public init?(peerID: PeerID, seq: Int64, record: ProfileRecord) {
        guard case .open(let name, let interests, let location) = record.content else { return nil }
        self.init(peerID: peerID, name: name, interests: interests, location: location, seq: seq)
    }

    /// The peer as a contact that is not in the book, so that the local search ranker can rank it:
    /// not a favorite, no interaction, added at the epoch (a date the ranker never reads).
    var asContact: Contact {
        Contact(
            peerID: peerID, name: name, interests: interests, location: location,
            addedAt: Date(timeIntervalSince1970: 0))
    }
}

// MARK: - Query

/// What a network query looks for: text, interests, or both (a result must match both).
public struct DiscoveryQuery: Hashable, Sendable {
    /// The text, folded and split as local search splits it.
    public var text: SearchQuery
    /// The interests, normalized.
    public var interests: Set<InterestTag>

    /// A query from typed text and interests; invalid interests are skipped.
    public init(text: String = "", interests: [String] = []) {
        self.text = SearchQuery(text)
        self.interests = InterestTag.tags(of: interests)
    }

    /// Whether the query asks for nothing (every valid result matches it).
    public var isEmpty: Bool { text.isEmpty && interests.isEmpty }
}

// MARK: - Change

/// What one merged batch changed, so that a list on screen can insert and update rows in place.
public struct DiscoveryResultChange: Hashable, Sendable {
    /// Every result kept, best first.
    public var ranked: [DiscoveredPeer]
    /// Peers that were not in the list before this batch and are now.
    public var added: Set<PeerID>
    /// Peers in the list before and after whose entry changed (newer record, another source).
    public var updated: Set<PeerID>
    /// Peers that left the list: their newer record no longer matches, they were blocked, or
    /// better results pushed them out of a full list.
    public var removed: Set<PeerID>
    /// Records skipped as invalid (over a profile's limits, control characters, negative seq).
    public var rejected: Int

    /// A change from its parts.
    public init(
        ranked: [DiscoveredPeer], added: Set<PeerID> = [], updated: Set<PeerID> = [], removed: Set<PeerID> = [],
        rejected: Int = 0
    ) {
        self.ranked = ranked
        self.added = added
        self.updated = updated
        self.removed = removed
        self.rejected = rejected
    }

    /// Whether the list is as it was.
    public var isEmpty: Bool { added.isEmpty && updated.isEmpty && removed.isEmpty }
}

// MARK: - Merger

/// Merges the results of one network query as they stream in from several discovery peers.
///
/// One entry per peer ID; the record with the highest `seq` wins, and an equal `seq` keeps the
/// first record seen but adds its source (BEP 44 records with one `seq` are one signed value, so
/// a later copy only confirms it). Results are matched and ordered by the local search ranker
/// (`SearchRanker`): the query's text must match at some tier, the query's interests must reach
/// the minimum Jaccard score (`>=`, as `InterestMatcher`); order is tier, then score, then the
/// ranker's own order (name, peer ID). Blocked peers and our own ID never appear.
///
/// Bounded against a hostile peer's flood: at most `maximumResults` entries are kept (a better
/// result evicts the worst), at most `maximumSourcesPerPeer` sources per entry, and the highest
/// `seq` is remembered for at most `4 × maximumResults` peers. Below these bounds the final list
/// does not depend on the order in which batches arrive; beyond them it is best effort.
public struct DiscoveryResultMerger: Sendable {
    /// The most results kept unless the caller says otherwise.
    public static let defaultMaximumResults = 500
    /// The most sources remembered per result.
    public static let maximumSourcesPerPeer = 16

    /// What is looked for.
    public let query: DiscoveryQuery
    /// Our own peer ID, never a result.
    public let ownID: PeerID
    /// The lowest interest score kept when the query has interests.
    public var minimumScore: Double { matcher.minimumScore }
    /// The most results kept.
    public let maximumResults: Int
    /// Peers never shown.
    public private(set) var blocked: Set<PeerID>
    /// Every result kept, best first.
    public private(set) var ranked: [DiscoveredPeer] = []

    /// Scores the query's interests, with the same minimum rule as interest search.
    private let matcher: InterestMatcher
    private var entries: [PeerID: Entry] = [:]
    /// The highest `seq` seen per peer, kept or not, so that an older record cannot return.
    private var latestSeq: [PeerID: Int64] = [:]

    /// A result kept, with what ordering needs computed once.
    private struct Entry {
        var peer: DiscoveredPeer
        var ranked: RankedContact
        var foldedName: String
    }

    /// A merger for one query; `maximumResults` is at least 1, `minimumScore` clamped to 0...1.
    public init(
        query: DiscoveryQuery,
        ownID: PeerID,
        blocked: Set<PeerID> = [],
        minimumScore: Double = InterestMatcher.defaultMinimumScore,
        maximumResults: Int = defaultMaximumResults
    ) {
        self.query = query
        self.ownID = ownID
        self.blocked = blocked
        matcher = InterestMatcher(tags: query.interests, minimumScore: minimumScore)
        self.maximumResults = max(1, maximumResults)
    }

    /// The number of results kept.
    public var count: Int { entries.count }

    // MARK: - Merging

    /// Merges one batch of records reported by `source` and says what changed.
    public mutating func merge(_ batch: some Sequence<DiscoveredPeer>, from source: PeerID) -> DiscoveryResultChange {
        var before = [PeerID: DiscoveredPeer?]()
        var rejected = 0
        for record in batch {
            guard let record = Self.validated(record) else {
                rejected += 1
                continue
            }
            let id = record.peerID
            guard id != ownID, !blocked.contains(id) else { continue }
            if let previous = latestSeq[id] ?? entries[id]?.peer.seq, record.seq <= previous {
                if record.seq == previous { addSource(source, to: id, noting: &before) }
                continue
            }
            remember(seq: record.seq, of: id)
            note(id, in: &before)
            guard let entry = entry(for: record, source: source) else {
                entries[id] = nil
                continue
            }
            if entries[id] != nil || entries.count < maximumResults {
                entries[id] = entry
            } else if let worst = worstID(), Self.precedes(entry, entries[worst]!) {
                note(worst, in: &before)
                entries[worst] = nil
                entries[id] = entry
            }
        }
        return finish(before: before, rejected: rejected)
    }

    /// Blocks a peer for the rest of the query, removing its result if shown.
    public mutating func block(_ peerID: PeerID) -> DiscoveryResultChange {
        blocked.insert(peerID)
        var before = [PeerID: DiscoveredPeer?]()
        note(peerID, in: &before)
        entries[peerID] = nil
        return finish(before: before, rejected: 0)
    }

    // MARK: - Private

    /// The record with its fields normalized as a profile's, or nil when a profile could not hold them.
    private static func validated(_ record: DiscoveredPeer) -> DiscoveredPeer? {
        guard record.seq >= 0, record.interests.count <= InterestTag.maximumTagsPerPeer else { return nil }
        let profile = Profile(name: record.name, interests: record.interests, location: record.location)
        guard (try? profile.validate()) != nil else { return nil }
        return DiscoveredPeer(
            peerID: record.peerID, name: profile.name, interests: profile.interests, location: profile.location,
            seq: record.seq)
    }

    /// The entry for a record that matches the query, ranked; nil when it does not match.
    private func entry(for record: DiscoveredPeer, source: PeerID) -> Entry? {
        var peer = record
        peer.sources = [source]
        let contact = peer.asContact
        let document = SearchDocument(contact: contact)
        if !query.text.isEmpty {
            guard let tier = SearchRanker.tier(of: query.text, in: document) else { return nil }
            peer.tier = tier
        }
        if !query.interests.isEmpty {
            peer.score = matcher.score(peer.interests)
            guard matcher.accepts(score: peer.score) else { return nil }
        }
        // Without text every result ties on tier; `.exact` stands in for "no tier" in the ranker.
        let ranked = RankedContact(contact: contact, tier: peer.tier ?? .exact)
        return Entry(peer: peer, ranked: ranked, foldedName: document.displayName(of: contact))
    }

    /// Adds a source to a kept result that another source reported with the same `seq`.
    private mutating func addSource(_ source: PeerID, to id: PeerID, noting before: inout [PeerID: DiscoveredPeer?]) {
        guard let entry = entries[id], !entry.peer.sources.contains(source),
            entry.peer.sources.count < Self.maximumSourcesPerPeer
        else { return }
        note(id, in: &before)
        entries[id]?.peer.sources.insert(source)
    }

    /// Remembers the highest `seq` of a peer, within the bound on remembered peers.
    private mutating func remember(seq: Int64, of id: PeerID) {
        guard latestSeq[id] != nil || latestSeq.count < 4 * maximumResults else { return }
        latestSeq[id] = seq
    }

    /// Keeps a peer's entry as it was before this batch, the first time the batch touches it.
    private func note(_ id: PeerID, in before: inout [PeerID: DiscoveredPeer?]) {
        if before[id] == nil { before[id] = .some(entries[id]?.peer) }
    }

    /// The kept result that ranks last.
    private func worstID() -> PeerID? {
        entries.max { Self.precedes($0.value, $1.value) }?.key
    }

    /// Re-ranks and compares each touched peer with its state before the batch.
    private mutating func finish(before: [PeerID: DiscoveredPeer?], rejected: Int) -> DiscoveryResultChange {
        var change = DiscoveryResultChange(ranked: ranked, rejected: rejected)
        for (id, old) in before {
            switch (old, entries[id]?.peer) {
            case (nil, .some): change.added.insert(id)
            case (.some, nil): change.removed.insert(id)
            case (.some(let old), .some(let new)) where old != new: change.updated.insert(id)
            default: break
            }
        }
        if !change.isEmpty {
            ranked = entries.values.sorted(by: Self.precedes).map(\.peer)
            change.ranked = ranked
        }
        return change
    }

    /// The result order: tier, then higher interest score, then the local ranker's order
    /// (favorite and recency tie for peers outside the book, so name, then peer ID).
    private static func precedes(_ lhs: Entry, _ rhs: Entry) -> Bool {
        if lhs.ranked.tier != rhs.ranked.tier { return lhs.ranked.tier < rhs.ranked.tier }
        if lhs.peer.score != rhs.peer.score { return lhs.peer.score > rhs.peer.score }
        return SearchRanker.precedes(lhs.ranked, rhs.ranked, names: (lhs.foldedName, rhs.foldedName))
    }
}
