/// The constants both ends of a peerdex connection agree on (docs/PROTOCOL.md).
public enum WireProtocol {
    /// The protocol version this build speaks, sent in handshake payloads and every envelope.
    public static let version: UInt32 = 1
    /// The Noise prologue: the 9 ASCII bytes `peerdex/1`, mixed into every handshake hash.
    public static let prologue = Array("peerdex/1".utf8)
    /// What a Pong's `agent` says about this software.
    public static let agent = "peerdex/0.1"
    /// The largest handshake frame accepted: XX's longest message (the responder's, 96 bytes of
    /// keys and tags) plus a payload of a key, a signature and a version, with room to spare.
    /// Anything bigger is refused as soon as its length is read.
    public static let maximumHandshakeFrame = 512
    /// The largest plaintext an envelope may have: a whole frame less Noise's tag.
    public static let maximumEnvelopeLength = Noise.maximumMessageLength - Noise.tagLength
}

/// A capability a node announces in its Pong; an open set, so that newer nodes can add names
/// that older ones ignore.
public enum PeerCapability {
    /// The node answers peer queries for contacts (the seed's `contactDiscovery`).
    public static let contactDiscovery = "contactDiscovery"
}
