import Crypto
import Foundation
import Testing

@testable import PeerdexCore

/// The connection state machine: the XX handshake with identity payloads, then sealed transport
/// messages, and every way a hostile or broken peer makes it close, all without sockets.
@Suite struct NoiseSessionTests {
    static func identity() -> LocalHandshakeIdentity {
        try! LocalHandshakeIdentity(
            identitySeed: Array(Curve25519.Signing.PrivateKey().rawRepresentation),
            staticPrivateKey: Array(Curve25519.KeyAgreement.PrivateKey().rawRepresentation))
    }

    static func ephemeral() -> NoiseKeyPair {
        try! NoiseKeyPair(privateKey: Array(Curve25519.KeyAgreement.PrivateKey().rawRepresentation))
    }

    static func session(_ role: NoiseSession.Role, _ identity: LocalHandshakeIdentity, expecting: PeerID? = nil) -> NoiseSession {
        NoiseSession(role: role, local: identity, ephemeralKey: ephemeral(), expectedPeer: expecting)
    }

    /// Passes every `.send` of one side to the other until neither has anything to send;
    /// returns each side's non-send actions.
    static func exchange(
        _ initiator: inout NoiseSession, _ responder: inout NoiseSession, chunk: Int = .max
    ) -> (initiator: [NoiseSession.Action], responder: [NoiseSession.Action]) {
        var toResponder = sent(initiator.start())
        var seen: ([NoiseSession.Action], [NoiseSession.Action]) = ([], [])
        while !toResponder.isEmpty {
            var replies: [UInt8] = []
            for piece in toResponder.chunks(chunk) {
                let actions = responder.receive(piece)
                replies += sent(actions)
                seen.1 += actions.filter { if case .send = $0 { false } else { true } }
            }
            toResponder = []
            for piece in replies.chunks(chunk) {
                let actions = initiator.receive(piece)
                toResponder += sent(actions)
                seen.0 += actions.filter { if case .send = $0 { false } else { true } }
            }
        }
        return seen
    }

    static func sent(_ actions: [NoiseSession.Action]) -> [UInt8] {
        actions.flatMap { action -> [UInt8] in
            if case .send(let bytes) = action { return bytes }
            return []
        }
    }

    static func established(_ actions: [NoiseSession.Action]) -> AuthenticatedPeer? {
        for case .established(let peer) in actions { return peer }
        return nil
    }

    static func closeReason(_ actions: [NoiseSession.Action]) -> NoiseSession.Failure? {
        for case .close(let failure) in actions { return failure }
        return nil
    }

    let alice = identity()
    let bob = identity()

    @Test func bothSidesLearnTheOthersPeerIDAndShareTheHandshakeHash() throws {
        var initiator = Self.session(.initiator, alice, expecting: bob.peerID)
        var responder = Self.session(.responder, bob)
        let (a, b) = Self.exchange(&initiator, &responder)
        let aliceSees = try #require(Self.established(a))
        let bobSees = try #require(Self.established(b))
        #expect(aliceSees.peerID == bob.peerID)
        #expect(bobSees.peerID == alice.peerID)
        #expect(aliceSees.handshakeHash == bobSees.handshakeHash)
        #expect(aliceSees.protocolVersion == 1)
        #expect(initiator.isEstablished && responder.isEstablished)
    }

    @Test func transportMessagesArriveInOrderBothWays() throws {
        var initiator = Self.session(.initiator, alice)
        var responder = Self.session(.responder, bob)
        _ = Self.exchange(&initiator, &responder)
        let frames = try (0..<3).map { try initiator.seal(Array("message \($0)".utf8)) }
        let delivered = responder.receive(frames.flatMap { $0 })
        #expect(delivered == (0..<3).map { .deliver(Array("message \($0)".utf8)) })
        let back = try responder.seal([42])
        #expect(initiator.receive(back) == [.deliver([42])])
    }

    @Test func aHandshakeFedOneByteAtATimeStillCompletes() throws {
        var initiator = Self.session(.initiator, alice)
        var responder = Self.session(.responder, bob)
        let (a, b) = Self.exchange(&initiator, &responder, chunk: 1)
        #expect(Self.established(a)?.peerID == bob.peerID)
        #expect(Self.established(b)?.peerID == alice.peerID)
    }

    @Test func aPeerThatIsNotTheOneDialledIsRefusedBeforeWeSendOurIdentity() {
        let mallory = Self.identity()
        var initiator = Self.session(.initiator, alice, expecting: bob.peerID)
        var responder = Self.session(.responder, mallory)
        let message2 = Self.sent(responder.receive(Self.sent(initiator.start())))
        let actions = initiator.receive(message2)
        #expect(Self.closeReason(actions) == .unexpectedPeer(expected: bob.peerID, actual: mallory.peerID))
        #expect(Self.sent(actions).isEmpty, "message 3, which carries our identity, must not go out")
    }

    @Test func aSignatureOverAnotherStaticKeyIsRefused() throws {
        // Mallory replays Bob's payload (Bob's key, Bob's signature) with her own static key.
        let mallory = Self.identity()
        let replaying = LocalHandshakeIdentity(peerID: bob.peerID, staticKey: mallory.staticKey, payload: bob.payload)
        var initiator = Self.session(.initiator, alice)
        var responder = Self.session(.responder, replaying)
        let (a, _) = Self.exchange(&initiator, &responder)
        #expect(Self.closeReason(a) == .identity(.badSignature))
        #expect(Self.established(a) == nil)
    }

    @Test func aForgedInitiatorIsRefusedByTheResponder() {
        let mallory = Self.identity()
        var payload = WireHandshakePayload()
        payload.identityKey = Data(bob.peerID.publicKey)
        payload.identitySig = Data(repeating: 7, count: 64)
        payload.protocolVersion = 1
        let forged = LocalHandshakeIdentity(
            peerID: bob.peerID, staticKey: mallory.staticKey, payload: try! payload.serializedBytes())
        var initiator = Self.session(.initiator, forged)
        var responder = Self.session(.responder, alice)
        let (_, b) = Self.exchange(&initiator, &responder)
        #expect(Self.closeReason(b) == .identity(.badSignature))
        #expect(Self.established(b) == nil)
    }

    @Test(arguments: [
        ([UInt8]([1, 2, 3]), HandshakePayloadVerifier.Failure.malformed),
        ([UInt8]([0x0A, 0x02, 0x01, 0x02]), .badIdentityKey),
    ])
    func aPayloadThatIsNotAnIdentityIsRefused(payload: [UInt8], failure: HandshakePayloadVerifier.Failure) {
        let broken = LocalHandshakeIdentity(peerID: bob.peerID, staticKey: bob.staticKey, payload: payload)
        var initiator = Self.session(.initiator, alice)
        var responder = Self.session(.responder, broken)
        let (a, _) = Self.exchange(&initiator, &responder)
        #expect(Self.closeReason(a) == .identity(failure))
    }

    @Test func aPayloadWithoutAVersionIsRefused() throws {
        var payload = try WireHandshakePayload(serializedBytes: bob.payload)
        payload.protocolVersion = 0
        let old = LocalHandshakeIdentity(peerID: bob.peerID, staticKey: bob.staticKey, payload: try payload.serializedBytes())
        var initiator = Self.session(.initiator, alice)
        var responder = Self.session(.responder, old)
        let (a, _) = Self.exchange(&initiator, &responder)
        #expect(Self.closeReason(a) == .identity(.unsupportedVersion(0)))
    }

    @Test func aFirstMessageWithAPayloadIsRefused() throws {
        var handshake = try NoiseHandshake(
            pattern: .xx, initiator: true, prologue: WireProtocol.prologue, staticKey: alice.staticKey,
            ephemeralKey: Self.ephemeral())
        let message = try NoiseFrameParser.frame(handshake.writeMessage(payload: [1, 2, 3]))
        var responder = Self.session(.responder, bob)
        #expect(Self.closeReason(responder.receive(message)) == .unexpectedFirstPayload(3))
    }

    @Test func aHandshakeFrameOverItsLimitIsRefusedFromItsHeader() {
        var responder = Self.session(.responder, bob)
        #expect(Self.closeReason(responder.receive([0x02, 0x01])) == .framing(.frameTooLong(announced: 513, maximum: 512)))
        #expect(responder.isClosed)
        #expect(responder.receive([1, 2, 3]).isEmpty, "a closed session reads nothing more")
    }

    @Test func anEmptyFrameIsRefused() {
        var responder = Self.session(.responder, bob)
        #expect(Self.closeReason(responder.receive([0, 0])) == .framing(.emptyFrame))
    }

    @Test func aFirstMessageOfTheWrongSizeIsRefused() {
        var responder = Self.session(.responder, bob)
        #expect(Self.closeReason(responder.receive([0, 5, 1, 2, 3, 4, 5])) == .noise(.messageTooShort(needed: 32, got: 5)))
    }

    @Test func garbageInPlaceOfMessageThreeFailsToDecrypt() {
        var initiator = Self.session(.initiator, alice)
        var responder = Self.session(.responder, bob)
        _ = responder.receive(Self.sent(initiator.start()))
        let garbage = try! NoiseFrameParser.frame([UInt8](repeating: 0xAB, count: 96))
        #expect(Self.closeReason(responder.receive(garbage)) == .noise(.decryptionFailed))
    }

    @Test func anAlteredTransportMessageClosesTheSession() throws {
        var initiator = Self.session(.initiator, alice)
        var responder = Self.session(.responder, bob)
        _ = Self.exchange(&initiator, &responder)
        var frame = try initiator.seal([1, 2, 3])
        frame[frame.count - 1] ^= 0x01
        #expect(Self.closeReason(responder.receive(frame)) == .noise(.decryptionFailed))
        #expect(responder.isClosed)
    }

    @Test func aTransportFrameOverTheConfiguredMaximumIsRefused() throws {
        var initiator = Self.session(.initiator, alice)
        var responder = NoiseSession(role: .responder, local: bob, ephemeralKey: Self.ephemeral(), maximumTransportFrame: 1_000)
        _ = Self.exchange(&initiator, &responder)
        let frame = try initiator.seal([UInt8](repeating: 1, count: 2_000))
        #expect(Self.closeReason(responder.receive(frame)) == .framing(.frameTooLong(announced: 2_016, maximum: 1_000)))
    }

    @Test func sealingBeforeTheHandshakeOrOverTheLimitThrows() throws {
        var initiator = Self.session(.initiator, alice)
        #expect(throws: NoiseSession.Failure.noise(.outOfTurn)) { try initiator.seal([1]) }
        var responder = Self.session(.responder, bob)
        _ = Self.exchange(&initiator, &responder)
        #expect(throws: NoiseSession.Failure.noise(.messageTooLong(65_536))) {
            try initiator.seal([UInt8](repeating: 0, count: 65_520))
        }
    }

    @Test func aTruncatedFrameDeliversNothingUntilTheRestArrives() throws {
        var initiator = Self.session(.initiator, alice)
        var responder = Self.session(.responder, bob)
        _ = Self.exchange(&initiator, &responder)
        let frame = try initiator.seal([9, 9, 9])
        #expect(responder.receive(frame.prefix(frame.count - 1)).isEmpty)
        #expect(responder.receive(frame.suffix(1)) == [.deliver([9, 9, 9])])
    }
}

extension Array {
    /// The array in pieces of at most `size` elements.
    func chunks(_ size: Int) -> [ArraySlice<Element>] {
        guard size < count else { return isEmpty ? [] : [self[...]] }
        return stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
