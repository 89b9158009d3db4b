import Foundation

/// The rules of the direct discovery messages (`ProfileRequest` → `ProfileReply`,
/// `AudienceKeysRequest` → `AudienceKeysReply`, `PeerQuery` → `PeerQueryReply`), served over the
/// Noise transport to the peer ID its handshake proved (docs/PROTOCOL.md, "Discovery").
///
/// Everything read from a reply is checked here, entry by entry: an invalid entry is dropped and
/// counted, never trusted and never a crash.
public enum DiscoveryProtocol {
    /// The most results one `PeerQueryReply` carries, whatever the query asks.
    public static let maximumResults = 50
    /// The most referrals one busy `PeerQueryReply` carries.
    public static let maximumReferrals = 8
    /// The longest query text, in UTF-8 bytes.
    public static let maximumQueryTextBytes = 256
    /// The most interests one query lists (a profile's own limit).
    public static let maximumQueryInterests = Profile.maximumInterestCount
    /// The most key grants read from one `AudienceKeysReply` (one per audience is the rule; a few
    /// spare for a newer schema's audiences, which are skipped).
    public static let maximumKeyGrants = 8

    /// How many results a query for `requested` gets at most: `requested` up to
    /// `maximumResults`, and `maximumResults` for 0 (the field left out).
    public static func granted(_ requested: UInt32) -> Int {
        requested == 0 ? maximumResults : Int(min(requested, UInt32(maximumResults)))
    }
}

/// Why a discovery request or reply is refused.
public enum DiscoveryMessageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The query text is over `DiscoveryProtocol.maximumQueryTextBytes`.
    case queryTextTooLong(bytes: Int)
    /// The query lists more than `DiscoveryProtocol.maximumQueryInterests` interests.
    case tooManyQueryInterests(Int)
    /// A query interest is over a profile's limit or holds a control character.
    case invalidQueryInterest
    /// A profile reply's fields break a profile's limits.
    case invalidProfile(ProfileError)

    /// One line for a person.
    public var description: String {
        switch self {
        case .queryTextTooLong(let bytes):
            "the query text is \(bytes) bytes, over the limit of \(DiscoveryProtocol.maximumQueryTextBytes)"
        case .tooManyQueryInterests(let count):
            "the query lists \(count) interests, over the limit of \(DiscoveryProtocol.maximumQueryInterests)"
        case .invalidQueryInterest: "a query interest is too long or holds a control character"
        case .invalidProfile(let error): "the profile in the reply is invalid: \(error)"
        }
    }
}

// MARK: - Profile

extension WireProfileReply {
    /// The reply carrying `profile` (its full fields) at `seq`, or the empty "nothing for you" reply for nil.
    public init(_ profile: PrivacyController.DisclosedProfile?, seq: Int64) {
        self.init()
        guard let profile else { return }
        found = true
        name = profile.name
        interests = profile.interests
        location = profile.location
        self.seq = max(0, seq)
    }

    /// The profile of `peer` (the peer ID the handshake proved) this reply carries; nil for the
    /// empty reply (whatever its other fields hold), and an error for fields a profile could not hold.
    public func validated(from peer: PeerID) throws(DiscoveryMessageError) -> DiscoveredPeer? {
        guard found else { return nil }
        guard seq >= 0 else { throw .invalidProfile(.invalidSeq(seq)) }
        let profile = try DiscoveredPeer.checkedFields(name: name, interests: interests, location: location)
        return DiscoveredPeer(
            peerID: peer, name: profile.name, interests: profile.interests, location: profile.location, seq: seq)
    }
}

// MARK: - Audience keys

extension WireAudience {
    /// The wire value of an audience.
    public init(_ audience: AudienceKey.Audience) {
        switch audience {
        case .contacts: self = .contacts
        case .friends: self = .friends
        }
    }

    /// The audience, or nil for one this schema does not know.
    public var audience: AudienceKey.Audience? {
        switch self {
        case .contacts: .contacts
        case .friends: .friends
        case .unspecified, .UNRECOGNIZED: nil
        }
    }
}

extension WireAudienceKeysReply {
    /// What a reply's `keys` held: the usable keys, and how many grants were not.
    public struct Decoded: Sendable, Equatable {
        /// At most one key per audience, in the reply's order.
        public var keys: [AudienceKey]
        /// Grants refused: unknown audience, a key not 32 bytes, an audience already granted, or
        /// past `DiscoveryProtocol.maximumKeyGrants`.
        public var rejected: Int

        /// A result from its parts.
        public init(keys: [AudienceKey], rejected: Int) {
            self.keys = keys
            self.rejected = rejected
        }
    }

    /// A reply handing over `keys`.
    public init(keys: some Sequence<AudienceKey>) {
        self.init()
        self.keys = keys.map { key in
            var grant = WireAudienceKeyGrant()
            grant.audience = WireAudience(key.audience)
            grant.generation = key.generation
            grant.key = Data(key.bytes)
            return grant
        }
    }

    /// The keys granted, checked grant by grant.
    public func decodedKeys() -> Decoded {
        var decoded = Decoded(keys: [], rejected: 0)
        var granted = Set<AudienceKey.Audience>()
        for (index, grant) in keys.enumerated() {
            guard index < DiscoveryProtocol.maximumKeyGrants, let audience = grant.audience.audience,
                let key = AudienceKey(audience: audience, generation: grant.generation, bytes: Array(grant.key)),
                granted.insert(audience).inserted
            else {
                decoded.rejected += 1
                continue
            }
            decoded.keys.append(key)
        }
        return decoded
    }
}

// MARK: - Peer query

extension WirePeerQuery {
    /// A query for `text` and `interests`, at most `max` results (clamped to 1...50).
    public init(text: String = "", interests: [String] = [], max: Int = DiscoveryProtocol.maximumResults) {
        self.init()
        self.text = text
        self.interests = interests
        self.max = UInt32(Swift.min(Swift.max(max, 1), DiscoveryProtocol.maximumResults))
    }

    /// The query to match, or why it breaks the limits (the answer is then BAD_REQUEST).
    public func validated() throws(DiscoveryMessageError) -> DiscoveryQuery {
        let bytes = text.utf8.count
        guard bytes <= DiscoveryProtocol.maximumQueryTextBytes else { throw .queryTextTooLong(bytes: bytes) }
        guard interests.count <= DiscoveryProtocol.maximumQueryInterests else {
            throw .tooManyQueryInterests(interests.count)
        }
        guard (try? Profile.validateInterests(Profile.normalizedInterests(interests))) != nil else {
            throw .invalidQueryInterest
        }
        return DiscoveryQuery(text: text, interests: interests)
    }
}

extension WireDiscoveredProfile {
    /// The wire form of a result; ranking and sources stay home.
    public init(_ peer: DiscoveredPeer) {
        self.init()
        peerID = Data(peer.peerID.publicKey)
        name = peer.name
        interests = peer.interests
        location = peer.location
        seq = peer.seq
    }

    /// The result, or nil when the peer ID is not 32 bytes, `seq` is negative or a field breaks a profile's limits.
    public var validated: DiscoveredPeer? {
        guard seq >= 0, let id = try? PeerID(publicKey: Array(peerID)),
            let profile = try? DiscoveredPeer.checkedFields(name: name, interests: interests, location: location)
        else { return nil }
        return DiscoveredPeer(
            peerID: id, name: profile.name, interests: profile.interests, location: profile.location, seq: seq)
    }
}

extension WirePeerReferral {
    /// The wire form of a discovery peer.
    public init(_ peer: DiscoveryPeer) {
        self.init()
        peerID = Data(peer.peerID.publicKey)
        host = Data(peer.endpoint.ip.bytes)
        port = UInt32(peer.endpoint.port)
    }

    /// The peer, or nil when the peer ID is not 32 bytes, the host not 4 or 16 bytes, or the port out of 1...65535.
    public var validated: DiscoveryPeer? {
        guard host.count == 4 || host.count == 16, (1...65_535).contains(port),
            let ip = IPAddress(bytes: Array(host)), let id = try? PeerID(publicKey: Array(peerID))
        else { return nil }
        return DiscoveryPeer(peerID: id, endpoint: DHTEndpoint(ip: ip, port: UInt16(port)))
    }
}

extension WirePeerQueryReply {
    /// What a reply held, checked entry by entry.
    public struct Decoded: Sendable, Equatable {
        /// The results, in the reply's order, one per peer ID (the first one listed).
        public var results: [DiscoveredPeer]
        /// Whether the peer said it is busy (and searched nothing).
        public var busy: Bool
        /// The peers it referred us to, one per peer ID, never itself nor us.
        public var referrals: [DiscoveryPeer]
        /// Entries refused: invalid, repeated, past the limits, or results in a busy reply.
        public var rejected: Int

        /// A result from its parts.
        public init(results: [DiscoveredPeer], busy: Bool, referrals: [DiscoveryPeer], rejected: Int) {
            self.results = results
            self.busy = busy
            self.referrals = referrals
            self.rejected = rejected
        }
    }

    /// A reply with results, at most `limit` of them (never more than `DiscoveryProtocol.maximumResults`).
    public init(results: some Sequence<DiscoveredPeer>, limit: Int = DiscoveryProtocol.maximumResults) {
        self.init()
        let count = Swift.max(0, Swift.min(limit, DiscoveryProtocol.maximumResults))
        self.results = results.prefix(count).map(WireDiscoveredProfile.init)
    }

    /// A busy reply referring to `referrals` (at most `DiscoveryProtocol.maximumReferrals`).
    public init(busyReferring referrals: some Sequence<DiscoveryPeer>) {
        self.init()
        busy = true
        self.referrals = referrals.prefix(DiscoveryProtocol.maximumReferrals).map(WirePeerReferral.init)
    }

    /// The reply from `answerer` to `asker` (when known), checked: at most `limit` results (the
    /// number asked for) and `DiscoveryProtocol.maximumReferrals` referrals, neither the answerer
    /// nor the asker referred; a hostile peer's reply yields only well-formed, distinct entries.
    public func decoded(
        from answerer: PeerID, to asker: PeerID? = nil, limit: Int = DiscoveryProtocol.maximumResults
    ) -> Decoded {
        var decoded = Decoded(results: [], busy: busy, referrals: [], rejected: 0)
        let limit = Swift.min(limit, DiscoveryProtocol.maximumResults)
        var seen = Set<PeerID>()
        for entry in results {
            guard !busy, decoded.results.count < limit, let peer = entry.validated, seen.insert(peer.peerID).inserted
            else {
                decoded.rejected += 1
                continue
            }
            decoded.results.append(peer)
        }
        var referred = Set<PeerID>([answerer] + (asker.map { [$0] } ?? []))
        for entry in referrals {
            guard decoded.referrals.count < DiscoveryProtocol.maximumReferrals, let peer = entry.validated,
                referred.insert(peer.peerID).inserted
            else {
                decoded.rejected += 1
                continue
            }
            decoded.referrals.append(peer)
        }
        return decoded
    }
}

// MARK: - Fields

extension DiscoveredPeer {
    /// The fields normalized as a profile's, or the limit they break.
    static func checkedFields(name: String, interests: [String], location: String)
        throws(DiscoveryMessageError) -> Profile
    {
        guard interests.count <= Profile.maximumInterestCount else {
            throw .invalidProfile(.tooManyInterests(count: interests.count, limit: Profile.maximumInterestCount))
        }
        let profile = Profile(name: name, interests: interests, location: location)
        do {
            try profile.validate()
        } catch {
            throw .invalidProfile(error)
        }
        return profile
    }
}
