import Foundation
import SwiftProtobuf
import Testing

@testable import PeerdexCore

/// The message schema's encoding: round trips of every message, the bytes docs/PROTOCOL.md
/// prints, messages from a newer schema, and refusals of what is not an envelope.
@Suite struct WireCodecTests {
    @Test func aPingIsTheBytesTheProtocolPagePrints() {
        #expect(WireEnvelope.request(id: 1, .ping(WirePing())).wireBytes() == [0x08, 0x01, 0x10, 0x01, 0x82, 0x01, 0x00])
    }

    @Test func everyMessageSurvivesARoundTrip() throws {
        var pong = WirePong()
        pong.load = 0.25
        pong.capabilities = [PeerCapability.contactDiscovery, "later"]
        pong.agent = WireProtocol.agent
        let messages: [WireEnvelope] = [
            .request(id: 1, .ping(WirePing())),
            .response(id: UInt64.max, .pong(pong)),
            .error(id: 42, .rateLimited, "too many requests", retryAfterMilliseconds: 250),
        ]
        for message in messages {
            #expect(try WireEnvelope(wire: message.wireBytes()) == message)
        }
        #expect(messages.map(\.kind) == [.request, .response, .response])
        #expect(messages.map(\.bodyName) == ["ping", "pong", "error"])
    }

    @Test func aBodyFromANewerSchemaDecodesAsUnknownAndIsKept() throws {
        var envelope = WireEnvelope.request(id: 3, .ping(WirePing()))
        envelope.body = nil
        let newer = envelope.wireBytes() + [0x9A, 0x06, 0x02, 0x08, 0x01]  // field 99 { field 1: 1 }
        let decoded = try WireEnvelope(wire: newer)
        #expect(decoded.body == nil)
        #expect(decoded.bodyName == "unknown")
        #expect(decoded.requestID == 3)
        #expect(decoded.wireBytes() == newer, "unknown fields are passed on as they came")
    }

    @Test func anUnknownKindAndAnUnknownErrorCodeDecode() throws {
        let decoded = try WireEnvelope(wire: [0x08, 0x01, 0x18, 0x07, 0x92, 0x01, 0x02, 0x08, 0x63])
        #expect(decoded.kind == .UNRECOGNIZED(7))
        guard case .error(let reply) = decoded.body else {
            Issue.record("not an error: \(decoded)")
            return
        }
        #expect(reply.code == .UNRECOGNIZED(99))
    }

    @Test(arguments: [
        [UInt8]([0xFF]), [0x08], [0x0A, 0x05, 0x01], [0x82, 0x01, 0x05, 0x00], [0x07],
    ])
    func bytesThatAreNotAnEnvelopeAreRefused(bytes: [UInt8]) {
        #expect(throws: WireDecodingError.malformed) { try WireEnvelope(wire: bytes) }
    }

    @Test func anEnvelopeLongerThanAFrameCanCarryIsRefusedUnread() {
        let tooLong = [UInt8](repeating: 0, count: WireProtocol.maximumEnvelopeLength + 1)
        #expect(throws: WireDecodingError.tooLong(65_520)) { try WireEnvelope(wire: tooLong) }
    }

    @Test func theHandshakePayloadOfAnIdentityVerifiesAgainstItsStaticKeyOnly() throws {
        let identity = try LocalHandshakeIdentity(
            identitySeed: [UInt8](repeating: 1, count: 32), staticPrivateKey: [UInt8](repeating: 2, count: 32))
        let payload = try WireHandshakePayload(serializedBytes: identity.payload)
        #expect(Array(payload.identityKey) == identity.peerID.publicKey)
        #expect(payload.identitySig.count == 64)
        #expect(payload.protocolVersion == 1)
        let peer = try HandshakePayloadVerifier.verify(
            payload: identity.payload, remoteStaticKey: identity.staticKey.publicKey, handshakeHash: [7])
        #expect(peer == AuthenticatedPeer(peerID: identity.peerID, protocolVersion: 1, handshakeHash: [7]))
        let other = try NoiseKeyPair(privateKey: [UInt8](repeating: 3, count: 32)).publicKey
        #expect(throws: HandshakePayloadVerifier.Failure.badSignature) {
            try HandshakePayloadVerifier.verify(payload: identity.payload, remoteStaticKey: other, handshakeHash: [])
        }
    }

    @Test func aNewerPeersHigherVersionIsMetAtOurs() throws {
        let identity = try LocalHandshakeIdentity(
            identitySeed: [UInt8](repeating: 1, count: 32), staticPrivateKey: [UInt8](repeating: 2, count: 32))
        var payload = try WireHandshakePayload(serializedBytes: identity.payload)
        payload.protocolVersion = 9
        let peer = try HandshakePayloadVerifier.verify(
            payload: try payload.serializedBytes(), remoteStaticKey: identity.staticKey.publicKey, handshakeHash: [])
        #expect(peer.protocolVersion == 1)
    }
}
