/// Builds our answers to the direct discovery requests (profile, audience keys, peer query) from
/// what we hold, leaving every privacy decision to `PrivacyController` and every "busy" decision
/// to `BusyPolicy`.
///
/// Pure: the caller passes the requester's peer ID as the Noise handshake proved it (never one a
/// message claims), our load, and the discovery peers a busy answer may refer to. Whatever the
/// reason an answer is empty (private profile, requester outside the audience, requester
/// blocked, nothing shared), it is the same empty message, byte for byte.
public struct DiscoveryResponder: Sendable {
    /// Our identity, profile and sharing preferences: every disclosure decision.
    public var controller: PrivacyController
    /// Our current audience keys, handed to the members of each audience.
    public var ownKeys: [AudienceKey.Audience: AudienceKey]
    /// When a peer query gets "busy" and how many referrals it carries.
    public var busyPolicy: BusyPolicy
    /// Our contact book, in its order.
    public private(set) var contacts: [Contact]
    private var contactsByID: [PeerID: Contact]
    /// What `controller` lets us share from `contacts`, decided and folded once (peer queries).
    private let shareIndex: DiscoveryShareIndex
    /// Strangers' answers already given from `shareIndex`, shared by this responder's copies.
    public let strangerAnswers: DiscoveryAnswerCache

    /// A responder for our controller, contact book and keyring (only our own keys are used),
    /// keeping up to `answerCacheCapacity` answers to strangers (0 computes every answer).
    public init(
        controller: PrivacyController, contacts: [Contact], keyring: AudienceKeyring = AudienceKeyring(),
        busyPolicy: BusyPolicy = BusyPolicy(), answerCacheCapacity: Int = DiscoveryAnswerCache.standardCapacity
    ) {
        self.controller = controller
        strangerAnswers = DiscoveryAnswerCache(capacity: answerCacheCapacity)
        self.contacts = contacts
        ownKeys = keyring.own
        self.busyPolicy = busyPolicy
        contactsByID = Dictionary(contacts.map { ($0.peerID, $0) }, uniquingKeysWith: { first, _ in first })
        shareIndex = DiscoveryShareIndex(controller: controller, contacts: contacts)
    }

    /// How `requester` stands to us.
    public func relationship(of requester: PeerID) -> Relationship {
        controller.relationship(of: requester) { contactsByID[$0] }
    }

    // MARK: - Answers

    /// The answer to a `ProfileRequest`: our full profile if the controller allows it on the
    /// profile-request path, the empty reply otherwise.
    public func profileReply(to requester: PeerID) -> WireProfileReply {
        let disclosure = controller.ownProfile(for: relationship(of: requester), path: .profileRequest)
        return WireProfileReply(disclosure.profile, seq: controller.profile.seq)
    }

    /// The answer to an `AudienceKeysRequest`: our key of each audience `requester` is a member of
    /// (as `AudienceKeyring.members(of:in:)` decides), nothing for anyone else.
    public func audienceKeysReply(to requester: PeerID) -> WireAudienceKeysReply {
        guard let contact = contactsByID[requester] else { return WireAudienceKeysReply() }
        let keys = AudienceKey.Audience.allCases.compactMap { audience -> AudienceKey? in
            guard let key = ownKeys[audience], AudienceKeyring.members(of: audience, in: [contact]).contains(requester)
            else { return nil }
            return key
        }
        return WireAudienceKeysReply(keys: keys)
    }

    /// The answer to a `PeerQuery`: "busy" with referrals when `load` is over the policy's
    /// threshold; otherwise our own profile (if the controller allows it on the peer-query path)
    /// and the contacts it may share with `requester`, matched and ranked as a network search
    /// ranks results, at most the number asked. Throws for a query over the limits.
    public func peerQueryReply(
        to query: WirePeerQuery, from requester: PeerID, load: Float, referralCandidates: [DiscoveryPeer]
    ) throws(DiscoveryMessageError) -> WirePeerQueryReply {
        let matching = try query.validated()
        if busyPolicy.shouldAnswerBusy(load: load) {
            let limit = min(max(0, busyPolicy.maximumReferrals), DiscoveryProtocol.maximumReferrals)
            var seen = Set<PeerID>([requester, controller.ownPeerID])
            let referrals = referralCandidates.filter { seen.insert($0.peerID).inserted }.prefix(limit)
            return WirePeerQueryReply(busyReferring: referrals)
        }
        let limit = DiscoveryProtocol.granted(query.max)
        var reply = WirePeerQueryReply()
        guard shareIndex.isExact, shareIndex.controller == controller else {
            reply.results = referenceResults(matching: matching, for: requester, limit: limit).map(WireDiscoveredProfile.init)
            return reply
        }
        let relationship = relationship(of: requester)
        guard relationship == .stranger else {
            reply.results = shareIndex.wireResults(
                matching: matching, for: requester, relationship: relationship, limit: limit)
            return reply
        }
        let key = DiscoveryAnswerCache.Key(text: query.text, interests: query.interests, limit: limit)
        reply.results = strangerAnswers.answer(for: key) {
            shareIndex.wireResults(matching: matching, for: requester, relationship: .stranger, limit: limit)
        }
        return reply
    }

    /// What we may tell `requester` by peer query that matches `query`, best first, at most `limit`.
    ///
    /// Answered from the index built with the responder, which gives exactly what
    /// `referenceResults(matching:for:limit:)` gives; a controller changed since (the property
    /// is settable) or a book the index cannot answer exactly takes that reference path.
    public func results(matching query: DiscoveryQuery, for requester: PeerID, limit: Int) -> [DiscoveredPeer] {
        guard shareIndex.isExact, shareIndex.controller == controller else {
            return referenceResults(matching: query, for: requester, limit: max(0, limit))
        }
        return shareIndex.results(
            matching: query, for: requester, relationship: relationship(of: requester), limit: limit)
    }

    /// `results(matching:for:limit:)` decided record by record: privacy, folding and ranking per
    /// query. Slow on a large book; the definition the index must equal (and its fallback).
    func referenceResults(matching query: DiscoveryQuery, for requester: PeerID, limit: Int) -> [DiscoveredPeer] {
        let relationship = relationship(of: requester)
        var candidates = [DiscoveredPeer]()
        if let own = controller.ownProfile(for: relationship, path: .peerQuery).profile {
            candidates.append(Self.result(own, seq: controller.profile.seq))
        }
        // A shared contact's record seq is not ours to know: 0, so that any record the asker
        // fetches from the DHT or from the peer itself wins over hearsay.
        for contact in controller.sharedContacts(contacts, for: relationship, path: .peerQuery) {
            candidates.append(Self.result(contact, seq: 0))
        }
        guard !candidates.isEmpty else { return [] }
        // The requester is never told about itself; the merger also drops invalid entries.
        var merger = DiscoveryResultMerger(query: query, ownID: requester, maximumResults: max(1, limit))
        return Array(merger.merge(candidates, from: controller.ownPeerID).ranked.prefix(limit)).map {
            DiscoveredPeer(
                peerID: $0.peerID, name: $0.name, interests: $0.interests, location: $0.location, seq: $0.seq)
        }
    }

    private static func result(_ profile: PrivacyController.DisclosedProfile, seq: Int64) -> DiscoveredPeer {
        DiscoveredPeer(
            peerID: profile.peerID, name: profile.name, interests: profile.interests, location: profile.location,
            seq: seq)
    }
}
