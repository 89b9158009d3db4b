/// The audience keys a node holds: its own current key per audience, which it seals its profile
/// under and hands to the members, and the keys other owners handed it, which open their
/// profiles.
///
/// Rotation: when an audience loses a member (removed from the book, no longer a friend, or
/// blocked), its key is replaced, so that the next profile published is sealed under a key the
/// former member never had. Gaining a member needs no new key: the newcomer is handed the
/// current one.
public struct AudienceKeyring: Sendable, Equatable {
    /// Keys kept per owner: the newest few, so that a record sealed just before a rotation still
    /// opens while the new key is on its way.
    public static let keptPerOwner = 4
    /// Owners whose keys are kept; past it the owner heard from longest ago is forgotten.
    public static let maximumOwners = 5_000

    /// Our current key for each audience that has one.
    public private(set) var own: [AudienceKey.Audience: AudienceKey] = [:]
    /// Keys handed to us, newest generation first, by owner.
    public private(set) var received: [PeerID: [AudienceKey]] = [:]
    /// When each owner last handed us a key, to forget the stalest when full.
    private var receivedAt: [PeerID: Double] = [:]

    /// An empty keyring.
    public init() {}

    /// A keyring holding `own` keys and `received` ones (as saved).
    public init(own: [AudienceKey], received: [PeerID: [AudienceKey]]) {
        for key in own {
            if let kept = self.own[key.audience], kept.generation > key.generation { continue }
            self.own[key.audience] = key
        }
        for (owner, keys) in received { for key in keys { _ = receive(key, from: owner, now: 0) } }
    }

    // MARK: - Our own keys

    /// Our key for `audience`, made now if we had none.
    public mutating func ownKey(for audience: AudienceKey.Audience, using random: inout some RandomNumberGenerator)
        -> AudienceKey
    {
        if let key = own[audience] { return key }
        let key = AudienceKey.generate(for: audience, using: &random)
        own[audience] = key
        return key
    }

    /// Replaces our key for `audience` with the next generation and returns it.
    @discardableResult
    public mutating func rotate(_ audience: AudienceKey.Audience, using random: inout some RandomNumberGenerator)
        -> AudienceKey
    {
        let key = own[audience]?.rotated(using: &random) ?? AudienceKey.generate(for: audience, using: &random)
        own[audience] = key
        return key
    }

    /// Rotates the key of every audience that lost a member between `before` and `after` (the
    /// members by audience, as `AudienceKeyring.members(of:in:)` computes them); returns those
    /// audiences. An audience without a key yet has nothing to rotate.
    public mutating func rotateForLostMembers(
        before: [AudienceKey.Audience: Set<PeerID>], after: [AudienceKey.Audience: Set<PeerID>],
        using random: inout some RandomNumberGenerator
    ) -> [AudienceKey.Audience] {
        var rotated = [AudienceKey.Audience]()
        for audience in AudienceKey.Audience.allCases where own[audience] != nil {
            let lost = (before[audience] ?? []).subtracting(after[audience] ?? [])
            if !lost.isEmpty {
                rotate(audience, using: &random)
                rotated.append(audience)
            }
        }
        return rotated
    }

    /// Who is in `audience` among `contacts`: every contact not blocked, or only the friends among
    /// them. A blocked peer is in no audience, whatever else it is.
    public static func members(of audience: AudienceKey.Audience, in contacts: some Sequence<Contact>) -> Set<PeerID> {
        var members = Set<PeerID>()
        for contact in contacts where !contact.isBlocked {
            if audience == .contacts || contact.isFriend { members.insert(contact.peerID) }
        }
        return members
    }

    // MARK: - Keys handed to us

    /// Keeps `key` from `owner` (handed over the Noise transport, so `owner` is proven), unless
    /// it is one we have or older than all we keep; returns whether it was kept.
    @discardableResult
    public mutating func receive(_ key: AudienceKey, from owner: PeerID, now: Double) -> Bool {
        var keys = received[owner] ?? []
        guard !keys.contains(key) else { return false }
        keys.append(key)
        keys.sort { $0.generation > $1.generation }
        if keys.count > Self.keptPerOwner { keys.removeLast(keys.count - Self.keptPerOwner) }
        guard keys.contains(key) else { return false }
        if received[owner] == nil, received.count >= Self.maximumOwners,
            let stalest = receivedAt.min(by: { ($0.value, $0.key) < ($1.value, $1.key) })?.key
        {
            received[stalest] = nil
            receivedAt[stalest] = nil
        }
        received[owner] = keys
        receivedAt[owner] = now
        return true
    }

    /// The keys `owner` handed us, newest first.
    public func keys(from owner: PeerID) -> [AudienceKey] { received[owner] ?? [] }

    /// Forgets the keys `owner` handed us (we removed or blocked them: their profile is no
    /// longer ours to read).
    public mutating func forget(_ owner: PeerID) {
        received[owner] = nil
        receivedAt[owner] = nil
    }
}
