/// The ways our data can leave the machine; each has its own rule in `PrivacyController`.
public enum DisclosurePath: String, CaseIterable, Hashable, Sendable {
    /// Our BEP 44 profile record in the DHT, which anyone may fetch: open for a public profile,
    /// a ciphertext only an audience's key holders can open otherwise (the sealing is elsewhere).
    case dhtRecord
    /// A peer asks us directly, over Noise, for our profile.
    case profileRequest
    /// A discovery query, answered from our own profile and the contacts we may share.
    case peerQuery
    /// A peer asks us, over Noise, for our contacts.
    case contactSharing
}
