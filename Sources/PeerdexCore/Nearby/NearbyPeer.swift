/// A nearby peer whose advertised peer ID a Noise handshake to its address has proved: one row
/// of the Nearby pane.
public struct NearbyPeer: Hashable, Sendable {
    /// The peer's identity, proved by the handshake.
    public var peerID: PeerID
    /// The advertised display name; nil when the peer's visibility keeps it off the LAN.
    public var name: String?
    /// The TCP address where the handshake succeeded: the sender's IP and the advertised port.
    public var address: DHTEndpoint
    /// Round-trip time of the latest successful handshake, in seconds.
    public var rtt: Double
    /// When the peer was last heard from: an advertisement or a successful handshake.
    public var lastHeard: Double

    /// A row from its parts.
    public init(peerID: PeerID, name: String?, address: DHTEndpoint, rtt: Double, lastHeard: Double) {
        self.peerID = peerID
        self.name = name
        self.address = address
        self.rtt = rtt
        self.lastHeard = lastHeard
    }
}

/// What the nearby table asks of the app, or tells it, after an event.
public enum NearbyAction: Hashable, Sendable {
    /// Run a Noise handshake to `address` and report whether it proves `PeerID`.
    case verify(PeerID, at: DHTEndpoint)
    /// A peer is now verified and listed.
    case appeared(NearbyPeer)
    /// A listed peer changed: a new name, address or round-trip time.
    case updated(NearbyPeer)
    /// A listed peer is gone, and why.
    case disappeared(PeerID, NearbyRemovalReason)
}

/// Why a listed nearby peer left the list.
public enum NearbyRemovalReason: String, Hashable, Sendable, CaseIterable {
    /// It sent a goodbye (an advertisement with TTL 0).
    case goodbye
    /// No advertisement refreshed it within its TTL.
    case expired
    /// A re-check handshake failed, or none succeeded in time.
    case recheckFailed
    /// The user blocked it.
    case blocked
}

/// Why the nearby table ignored an advertisement or a peer; each is counted.
public enum NearbyDropReason: String, Hashable, Sendable, CaseIterable {
    /// The TXT strings are not a well-formed advertisement.
    case malformed
    /// Too many strings, too many bytes, or a value over its limit.
    case oversized
    /// No signature.
    case unsigned
    /// A signature that does not verify under the advertised peer ID.
    case forged
    /// A protocol version this program does not speak.
    case unsupportedVersion
    /// A sequence number lower than one already accepted for that peer.
    case replayed
    /// A peer the user blocked.
    case blocked
    /// Our own advertisement, heard back through multicast loopback.
    case ownAdvertisement
    /// A new peer while the table is full of verified ones.
    case tableFull
    /// A handshake to the advertised address did not prove the advertised peer ID.
    case verificationFailed

    /// The counter an advertisement parse error goes to.
    public init(_ error: NearbyAdvertisementError) {
        switch error {
        case .tooManyStrings, .recordTooLarge, .stringTooLong, .valueTooLong: self = .oversized
        case .missingField("sig"): self = .unsigned
        case .invalidSignature: self = .forged
        case .unsupportedVersion: self = .unsupportedVersion
        case .missingField, .malformedField, .signingFailed: self = .malformed
        }
    }
}
