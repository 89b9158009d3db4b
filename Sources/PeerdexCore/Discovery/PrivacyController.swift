/// Decides, on the answering side, what of our profile and our contacts a requester may learn.
///
/// Every decision takes the requester's `Relationship` (from the peer ID its Noise handshake
/// proved) and the `DisclosurePath` the data would leave by. The rules, also in docs/PRIVACY.md:
///
/// - **Private never leaves.** A `private` profile or contact goes out on no path, to nobody,
///   our own other devices included.
/// - **Audiences.** `public` admits everyone but blocked peers; `contacts` admits contacts,
///   friends and ourselves; `friends` admits friends and ourselves (see `admits(_:_:)`).
/// - **Our own key counts as a friend.** A requester proving our key is another device of ours,
///   or whoever stole the key; discovery paths are no synchronization channel, so it learns what
///   a friend learns and `private` data still stays home.
/// - **Blocked peers get nothing and are never told.** On the direct paths (profile request,
///   peer query, contact sharing) a blocked requester's answer is `.nothing` or no contact,
///   exactly the empty answer that a stranger gets when we have nothing to share. Neither type
///   says why it is empty, so no caller can leak the reason.
/// - **…except what the DHT shows everyone.** A public profile's DHT record is open and anyone
///   may fetch it from any DHT node, blocked peers included: there we cannot tell readers apart,
///   so a blocked reader sees exactly what a stranger sees. A `contacts` or `friends` record is
///   sealed, and a blocked peer holds no key to it (blocking rotates the key), so it reads
///   nothing. This is how "a blocked requester gets what a stranger gets" (the network
///   test, which reads the DHT) and "blocked peers get nothing" (direct paths) both hold.
/// - **Contacts never go into the DHT**, nor into a profile answer: a DHT record is readable by
///   anyone and cannot be taken back, and it would publish our social graph. Contacts leave only
///   by contact sharing and, when `shareWithDiscoveryPeers` is on, by peer query; a blocked
///   contact is never shared.
/// - **Fields.** A full profile (direct request only) carries name, interests and location as
///   the user entered them; a discovery profile (DHT record, peer query) and a shared contact
///   carry the general location only (`generalLocation(of:)`). A shared contact carries only
///   what the contact publishes itself (peer ID, name, interests, general location), never our
///   alias, note, favorite or blocked flags, nor the level it is kept at.
public struct PrivacyController: Hashable, Sendable {
    /// Our own peer ID, which every profile we disclose carries.
    public var ownPeerID: PeerID
    /// Our profile, as the user last saved it.
    public var profile: Profile
    /// The user's sharing preferences.
    public var preferences: SharingPreferences

    /// A controller for our identity, profile and preferences.
    public init(ownPeerID: PeerID, profile: Profile, preferences: SharingPreferences) {
        self.ownPeerID = ownPeerID
        self.profile = profile
        self.preferences = preferences
    }

    /// The audience of our profile: the narrower of its visibility and the preferences' copy.
    public var effectiveVisibility: PrivacyLevel {
        max(profile.visibility, preferences.discoverableBy)
    }

    /// How `requester` stands to us, looking it up in our contact book.
    public func relationship(of requester: PeerID, contact lookup: (PeerID) -> Contact?) -> Relationship {
        Relationship(requester: requester, ownPeerID: ownPeerID, contact: lookup)
    }

    // MARK: - Audiences

    /// Whether a requester of this relationship belongs to the audience of `level`.
    ///
    /// Blocked peers belong to no audience, and `private` has none.
    public static func admits(_ level: PrivacyLevel, _ relationship: Relationship) -> Bool {
        switch (level, relationship) {
        case (_, .blocked), (.private, _): false
        case (.public, _): true
        case (.contacts, .selfPeer), (.contacts, .contact), (.contacts, .friend): true
        case (.contacts, .stranger): false
        case (.friends, .selfPeer), (.friends, .friend): true
        case (.friends, .stranger), (.friends, .contact): false
        }
    }

    // MARK: - Our profile

    /// What of our profile a requester of this relationship learns by this path.
    public func ownProfile(for relationship: Relationship, path: DisclosurePath) -> Disclosure {
        let level = effectiveVisibility
        switch path {
        case .dhtRecord:
            // An open record is read by anyone, blocked or not; a sealed one only by key holders.
            guard level == .public || Self.admits(level, relationship) else { return .nothing }
            return .discoveryProfile(discoveryProfile)
        case .profileRequest:
            guard Self.admits(level, relationship) else { return .nothing }
            return .fullProfile(fullProfile)
        case .peerQuery:
            guard preferences.shareWithDiscoveryPeers, Self.admits(level, relationship) else { return .nothing }
            return .discoveryProfile(discoveryProfile)
        case .contactSharing:
            // The answer lists our contacts; we are not one of them.
            return .nothing
        }
    }

    /// The profile record to publish in the DHT: none, open, or sealed for an audience.
    public var publishedRecord: PublishedRecord {
        switch effectiveVisibility {
        case .private: .nothing
        case .public: .open(discoveryProfile)
        case let audience: .sealed(audience: audience, discoveryProfile)
        }
    }

    /// Our profile with every field as the user entered it.
    var fullProfile: DisclosedProfile {
        DisclosedProfile(
            peerID: ownPeerID, name: profile.name, interests: profile.interests, location: profile.location)
    }

    /// Our profile with the general location only.
    var discoveryProfile: DisclosedProfile {
        DisclosedProfile(
            peerID: ownPeerID, name: profile.name, interests: profile.interests,
            location: Self.generalLocation(of: profile.location))
    }

    // MARK: - Our contacts

    /// What of `contact` a requester of this relationship learns by this path; nil for nothing.
    public func sharedContact(
        _ contact: Contact, for relationship: Relationship, path: DisclosurePath
    ) -> ContactDisclosure? {
        guard preferences.allowContactSharing, !contact.isBlocked else { return nil }
        switch path {
        case .dhtRecord, .profileRequest:
            return nil
        case .peerQuery:
            guard preferences.shareWithDiscoveryPeers else { return nil }
        case .contactSharing:
            break
        }
        guard Self.admits(contact.privacy, relationship) else { return nil }
        return ContactDisclosure(
            peerID: contact.peerID, name: contact.name, interests: contact.interests,
            location: Self.generalLocation(of: contact.location))
    }

    /// The contacts a requester of this relationship learns by this path, in the given order.
    public func sharedContacts(
        _ contacts: some Sequence<Contact>, for relationship: Relationship, path: DisclosurePath
    ) -> [ContactDisclosure] {
        // Skips the walk for the common empty answers (blocked requester, sharing off).
        guard preferences.allowContactSharing, relationship != .blocked else { return [] }
        return contacts.compactMap { sharedContact($0, for: relationship, path: path) }
    }
}
