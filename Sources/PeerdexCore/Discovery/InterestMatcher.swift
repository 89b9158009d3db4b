/// A peer found through interests, before it is scored: who it is and what it says it likes.
public struct InterestCandidate: Hashable, Sendable {
    /// The candidate's peer ID.
    public var peerID: PeerID
    /// Its interests as its profile lists them (normalized by the matcher).
    public var interests: [String]

    /// A candidate from its parts.
    public init(peerID: PeerID, interests: [String]) {
        self.peerID = peerID
        self.interests = interests
    }
}

/// A candidate that shares enough interests with us, and how many.
public struct InterestMatch: Hashable, Sendable {
    /// The candidate's peer ID.
    public var peerID: PeerID
    /// Jaccard similarity between its interests and ours, at least the matcher's minimum.
    public var score: Double
    /// Its normalized interests, sorted.
    public var interests: [InterestTag]

    /// A match from its parts.
    public init(peerID: PeerID, score: Double, interests: [InterestTag]) {
        self.peerID = peerID
        self.score = score
        self.interests = interests
    }
}

/// Scores candidates by interest overlap with ours and keeps those at or above a minimum.
///
/// The seed's `score > options.minScore || 0.3` was always true, so nothing was ever filtered;
/// here the minimum really filters. A score equal to the minimum passes (`>=`): "at least 0.3
/// in common" is what a user setting a minimum of 0.3 means, and exact fractions such as 3/10
/// land on it.
public struct InterestMatcher: Hashable, Sendable {
    /// The minimum a candidate must reach unless the caller sets another (issue 11).
    public static let defaultMinimumScore = 0.3

    /// Our interests, normalized.
    public let interests: Set<InterestTag>
    /// The lowest score kept, from 0 to 1.
    public let minimumScore: Double

    /// A matcher for our `interests`; `minimumScore` is clamped to 0...1 (NaN becomes the default).
    public init(interests: [String], minimumScore: Double = defaultMinimumScore) {
        self.init(tags: InterestTag.tags(of: interests), minimumScore: minimumScore)
    }

    /// A matcher for tags already normalized.
    public init(tags: Set<InterestTag>, minimumScore: Double = defaultMinimumScore) {
        interests = tags
        self.minimumScore = minimumScore.isNaN ? Self.defaultMinimumScore : min(max(minimumScore, 0), 1)
    }

    /// Jaccard similarity between the candidate's interests and ours.
    public func score(_ candidateInterests: [String]) -> Double {
        InterestTag.jaccard(interests, InterestTag.tags(of: candidateInterests))
    }

    /// Whether a score reaches the minimum.
    public func accepts(score: Double) -> Bool { score >= minimumScore }

    /// The match for one candidate, or nil when it scores under the minimum.
    public func match(_ candidate: InterestCandidate) -> InterestMatch? {
        let tags = InterestTag.tags(of: candidate.interests)
        let score = InterestTag.jaccard(interests, tags)
        guard accepts(score: score) else { return nil }
        return InterestMatch(peerID: candidate.peerID, score: score, interests: tags.sorted())
    }

    /// The candidates that reach the minimum, best first (ties by peer ID), each peer once.
    ///
    /// A peer listed twice keeps its first entry: candidates gathered from the DHT and from
    /// discovery peers overlap, and the caller puts the fresher source first.
    public func matches(_ candidates: some Sequence<InterestCandidate>) -> [InterestMatch] {
        var seen = Set<PeerID>()
        var results = [InterestMatch]()
        for candidate in candidates where seen.insert(candidate.peerID).inserted {
            if let match = match(candidate) { results.append(match) }
        }
        return results.sorted { $0.score != $1.score ? $0.score > $1.score : $0.peerID < $1.peerID }
    }
}
