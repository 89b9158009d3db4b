/// When an overloaded discovery peer answers "busy", and whom it refers the asker to.
///
/// A peer whose own load is above `busyLoad` (0.9) answers a query with "busy" and a few other
/// discovery peers it knows, picked by the same selection as its own queries (healthy, load
/// under 0.8, diverse), never the asker itself. Exactly 0.9 still answers.
public struct BusyPolicy: Hashable, Sendable {
    /// The load above which a peer answers "busy" unless the caller says otherwise.
    public static let defaultBusyLoad: Float = 0.9
    /// The referrals a busy answer carries unless the caller says otherwise.
    public static let defaultMaximumReferrals = 3

    /// The load above which a peer answers "busy".
    public var busyLoad: Float
    /// The most referrals one busy answer carries.
    public var maximumReferrals: Int

    /// A policy with the given threshold and referral count.
    public init(busyLoad: Float = defaultBusyLoad, maximumReferrals: Int = defaultMaximumReferrals) {
        self.busyLoad = busyLoad
        self.maximumReferrals = maximumReferrals
    }

    /// Whether a peer at `load` answers "busy"; a NaN load (a broken measurement) counts as busy.
    public func shouldAnswerBusy(load: Float) -> Bool {
        load.isNaN || load > busyLoad
    }

    /// The peers a busy answer to `requester` refers it to: the coordinator's own selection, without the requester.
    public func referrals(
        for requester: PeerID,
        from coordinator: DiscoveryCoordinator,
        now: Double,
        random: inout some RandomNumberGenerator
    ) -> [DiscoveryPeer] {
        coordinator.select(count: maximumReferrals, excluding: [requester], now: now, random: &random)
    }
}

/// The discovery peers one query asks: those selected at the start, then referrals, one hop deep.
///
/// Referrals are followed only from peers selected at the start (never from a referred peer, so a
/// query cannot wander from referral to referral), once per referrer, at most
/// `maximumReferralsPerAnswer` new peers per answer (the rest of a long list is not even read past
/// `maximumReferralsRead` entries), and at most `maximumCandidates` peers in all. Ourselves,
/// excluded peers (blocked ones) and peers already asked are skipped.
public struct DiscoveryCandidates: Hashable, Sendable {
    /// The most peers one query asks in all unless the caller says otherwise.
    public static let defaultMaximumCandidates = 9
    /// The most new peers taken from one busy answer.
    public static let maximumReferralsPerAnswer = 3
    /// The most entries of one busy answer's list looked at.
    public static let maximumReferralsRead = 16

    /// Our own peer ID, never a candidate.
    public let ownID: PeerID
    /// Peers never asked (blocked ones).
    public let excluded: Set<PeerID>
    /// The most peers this query asks.
    public let maximumCandidates: Int
    /// Every peer this query asks, in the order they were added.
    public private(set) var candidates: [DiscoveryPeer] = []

    private var selectedIDs = Set<PeerID>()
    private var referredIDs = Set<PeerID>()
    private var followedReferrers = Set<PeerID>()

    /// The candidates of a query that starts with `selected` (usually `DiscoveryCoordinator.select`).
    public init(
        selected: [DiscoveryPeer],
        ownID: PeerID,
        excluding excluded: Set<PeerID> = [],
        maximumCandidates: Int = defaultMaximumCandidates
    ) {
        self.ownID = ownID
        self.excluded = excluded
        self.maximumCandidates = max(0, maximumCandidates)
        for peer in selected where isAcceptable(peer) && candidates.count < self.maximumCandidates {
            candidates.append(peer)
            selectedIDs.insert(peer.peerID)
        }
    }

    /// Takes the referrals of a busy answer from `referrer` and returns the peers to ask now (possibly none).
    public mutating func follow(referrals: [DiscoveryPeer], from referrer: PeerID) -> [DiscoveryPeer] {
        guard selectedIDs.contains(referrer), followedReferrers.insert(referrer).inserted else { return [] }
        var added = [DiscoveryPeer]()
        for peer in referrals.prefix(Self.maximumReferralsRead) {
            guard added.count < Self.maximumReferralsPerAnswer, candidates.count < maximumCandidates else { break }
            guard isAcceptable(peer) else { continue }
            candidates.append(peer)
            referredIDs.insert(peer.peerID)
            added.append(peer)
        }
        return added
    }

    /// Whether a peer may join: not ourselves, not excluded, not already a candidate.
    private func isAcceptable(_ peer: DiscoveryPeer) -> Bool {
        peer.peerID != ownID && !excluded.contains(peer.peerID) && !selectedIDs.contains(peer.peerID)
            && !referredIDs.contains(peer.peerID)
    }
}
