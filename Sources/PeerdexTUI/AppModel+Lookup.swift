import PeerdexCore

/// `L`: looking a peer's published profile up in the DHT, from any row that names a peer (a
/// contact, a local or network search result, a nearby peer), in the list or its open details.
///
/// Each peer's latest lookup is kept in `profileLookups` for the session, so details reopened
/// later show it; `L` again asks again. The model stays clock-free: the app answers within its
/// own timeout, and ticks move the "looking up… 3 s" on.
extension AppModel {
    /// Most peers whose lookup is kept; a new one beyond it drops the oldest asked for.
    public static let profileLookupCapacity = 64

    // MARK: - Derived

    /// The selected row's peer and how messages name it, whatever kind of row it is.
    var selectedPeer: (id: PeerID, label: String)? {
        if let contact = selectedContact { return (contact.peerID, contact.displayName) }
        if let peer = selectedNetworkPeer { return (peer.peerID, peer.name.isEmpty ? peer.peerID.shortText : peer.name) }
        if let row = selectedNearbyPeer { return (row.peerID, row.label) }
        return nil
    }

    /// Why no lookup can be made now, in a few words, or nil when a node runs.
    private var lookupUnavailableReason: String? {
        guard let nodeStatus else { return "no node is running" }
        guard case .offline(let reason) = nodeStatus.state else { return nil }
        return reason.isEmpty ? "not on the network" : "not on the network (\(reason))"
    }

    // MARK: - Keys

    /// `L`: asks for the selected peer's profile and shows the details, where the answer goes.
    /// Offline, it says why instead; a lookup still running is not asked for twice.
    mutating func lookUpSelectedProfile() -> [Command] {
        guard let peer = selectedPeer else {
            message = StatusMessage("select a contact or peer to look its profile up", kind: .error)
            return []
        }
        if let reason = lookupUnavailableReason {
            message = StatusMessage("cannot look up \(peer.label)'s profile: \(reason)", kind: .error)
            return []
        }
        showDetailsIfHidden()
        if let running = profileLookups[peer.id], running.isLookingUp, inFlight[running.request] != nil {
            message = StatusMessage("still looking up \(peer.label)'s profile…")
            return []
        }
        let command = issue(.lookupProfile(peer.id))
        profileLookups[peer.id] = ProfileLookup(
            request: RequestID(nextRequestID - 1), peerLabel: peer.label, startedAt: now)
        dropOldestProfileLookups()
        message = StatusMessage("looking up \(peer.label)'s profile in the DHT…")
        return [command]
    }

    /// Opens the details when the layout shows none beside the list, so the result is seen.
    private mutating func showDetailsIfHidden() {
        if layout.detail == nil { detailOpen = true }
    }

    /// Keeps at most `profileLookupCapacity` lookups: the ones asked for longest ago go (request
    /// IDs rise with every request, so the smallest is the oldest). A running one dropped here
    /// has its answer dropped too.
    private mutating func dropOldestProfileLookups() {
        while profileLookups.count > Self.profileLookupCapacity {
            guard let oldest = profileLookups.min(by: { $0.value.request < $1.value.request })?.key else { return }
            profileLookups[oldest] = nil
        }
    }

    // MARK: - Answers

    /// The app answered a lookup: found (`profile`) or no record (nil). Only the latest lookup
    /// of the peer is taken.
    mutating func receiveProfileLookup(_ profile: NetworkProfile?, of peer: PeerID, id: RequestID) {
        guard var lookup = profileLookups[peer], lookup.request == id else { return }
        lookup.finishedAt = now
        if let profile {
            lookup.state = .found(profile)
            message = StatusMessage("found \(lookup.peerLabel)'s profile (seq \(profile.seq))", kind: .success)
        } else {
            lookup.state = .notFound
            message = StatusMessage("\(lookup.peerLabel): no profile published")
        }
        profileLookups[peer] = lookup
    }

    /// A lookup failed (no node, not joined, timed out); the details say why until `L` again.
    mutating func profileLookupFailed(_ failure: RequestFailure, of peer: PeerID, id: RequestID) {
        guard var lookup = profileLookups[peer], lookup.request == id else { return }
        lookup.finishedAt = now
        lookup.state = .failed(reason: failure.reason)
        profileLookups[peer] = lookup
        message = StatusMessage("looking up \(lookup.peerLabel)'s profile failed: \(failure.reason)", kind: .error)
    }
}
