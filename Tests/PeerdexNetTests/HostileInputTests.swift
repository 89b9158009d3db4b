import Foundation
@testable import PeerdexCore
import PeerdexTestSupport
import Testing

@testable import PeerdexNet

/// What a hostile or broken peer can send: each case closes that one connection, with a logged
/// reason, and the node goes on serving everyone else.
@Suite struct HostileInputTests {
    /// Runs `attack` against a node, then checks that it closed the attacker and still serves an
    /// honest client; returns the node's log.
    @discardableResult
    static func expectSurvives(
        configuration: NodeConfiguration = NodeHarness.quick(), closedWithin: Duration = .seconds(10),
        _ attack: @escaping @Sendable (RawTCPClient) async throws -> Void
    ) async throws -> CapturedLog {
        let log = CapturedLog()
        try await NodeHarness.withNode(configuration: configuration, log: log) { server, address in
            let attacker = try RawTCPClient(address)
            try await attack(attacker)
            #expect(await attacker.waitForClose(timeout: closedWithin), "the node must close the attacker")
            try await NodeHarness.withNode(listen: false) { client, _ in
                let reply = try await client.ping(address)
                #expect(reply.peer == server.identity.peerID)
            }
        }
        return log
    }

    @Test func aHandshakeFrameOverTheLimitCloses() async throws {
        let log = try await Self.expectSurvives { $0.send([0xFF, 0xFF] + [UInt8](repeating: 0, count: 100)) }
        #expect(await log.waitFor("a frame of 65535 bytes is over 512"))
    }

    @Test func anEmptyFrameCloses() async throws {
        let log = try await Self.expectSurvives { $0.send([0, 0]) }
        #expect(await log.waitFor("an empty frame"))
    }

    @Test func garbageBeforeTheHandshakeCloses() async throws {
        let log = try await Self.expectSurvives { $0.send(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)) }
        #expect(await log.waitFor("framing"))
    }

    @Test func aFirstMessageOfTheWrongLengthCloses() async throws {
        let log = try await Self.expectSurvives { $0.send([0, 4, 1, 2, 3, 4]) }
        #expect(await log.waitFor("needs at least 32"))
    }

    @Test func garbageAfterTheHandshakeCloses() async throws {
        let log = try await Self.expectSurvives { attacker in
            _ = try await attacker.handshake(as: NodeHarness.identity())
            attacker.send([0, 40] + [UInt8](repeating: 0x55, count: 40))
        }
        #expect(await log.waitFor("did not decrypt"))
    }

    @Test func anAlteredTransportMessageCloses() async throws {
        let log = try await Self.expectSurvives { attacker in
            var session = try await attacker.handshake(as: NodeHarness.identity())
            var frame = try session.seal(WireEnvelope.request(id: 1, .ping(WirePing())).wireBytes())
            frame[5] ^= 0x80
            attacker.send(frame)
        }
        #expect(await log.waitFor("did not decrypt"))
    }

    @Test func aTransportMessageThatIsNotAnEnvelopeCloses() async throws {
        let log = try await Self.expectSurvives { attacker in
            var session = try await attacker.handshake(as: NodeHarness.identity())
            attacker.send(try session.seal([0xFF, 0xFF, 0xFF]))
        }
        #expect(await log.waitFor("not a protobuf Envelope"))
    }

    @Test func aTruncatedFrameThenSilenceIsDroppedAtTheHandshakeTimeout() async throws {
        // Half of message 1, then nothing: the handshake timeout (0.5 s here) ends it.
        let log = try await Self.expectSurvives(configuration: NodeHarness.shortHandshake()) {
            $0.send([0, 32] + [UInt8](repeating: 9, count: 16))
        }
        #expect(await log.waitFor("handshake not finished within 0.5 s"))
    }

    @Test func aTruncatedTransportFrameLeavesOtherConnectionsServed() async throws {
        try await Self.expectSurvives { attacker in
            var session = try await attacker.handshake(as: NodeHarness.identity())
            let frame = try session.seal(WireEnvelope.request(id: 1, .ping(WirePing())).wireBytes())
            attacker.send(Array(frame.prefix(frame.count / 2)))
            shutdown(attacker.descriptor, Int32(SHUT_WR))  // and goes away mid-frame
        }
    }

    @Test func aPeerThatSendsNothingIsDroppedAtTheHandshakeTimeout() async throws {
        let start = ContinuousClock.now
        try await Self.expectSurvives(configuration: NodeHarness.shortHandshake()) { _ in }
        #expect(ContinuousClock.now - start >= .milliseconds(450))
    }

    @Test func aSlowlorisSendingAByteEvery150msIsDroppedAtTheHandshakeTimeout() async throws {
        let log = CapturedLog()
        try await NodeHarness.withNode(configuration: NodeHarness.shortHandshake(), log: log) { _, address in
            let attacker = try RawTCPClient(address)
            let start = ContinuousClock.now
            var closed = false
            // A valid-looking message 1, one byte every 150 ms: 34 bytes would take 5.1 s.
            for byte in [0, 32] + [UInt8](repeating: 9, count: 32) {
                attacker.send([UInt8(byte)])
                if await attacker.receive(timeout: .milliseconds(150)) == nil {
                    closed = true
                    break
                }
            }
            let elapsed = ContinuousClock.now - start
            #expect(closed, "the trickle must be cut off")
            // The timeout is 0.5 s; the slack is for a machine busy with the other tests.
            #expect(elapsed < .seconds(3), "dropped after \(elapsed), the timeout is 0.5 s")
        }
        #expect(await log.waitFor("handshake not finished"))
    }

    @Test func aPeerWhoseSignatureIsWrongIsDisconnectedWithAReason() async throws {
        var forged = WireHandshakePayload()
        let victim = NodeHarness.identity()
        let mallory = NodeHarness.identity()
        forged.identityKey = Data(victim.peerID.publicKey)
        forged.identitySig = Data(repeating: 1, count: 64)
        forged.protocolVersion = 1
        let impostor = LocalHandshakeIdentity(
            peerID: victim.peerID, staticKey: mallory.staticKey, payload: try forged.serializedBytes() as [UInt8])
        let log = try await Self.expectSurvives { attacker in
            // Our side of the handshake completes (message 3 is the last); the node then refuses.
            _ = try? await attacker.handshake(as: impostor)
        }
        #expect(await log.waitFor("the identity signature does not match the Noise static key"))
    }

    @Test func aPayloadReplayedFromAnotherStaticKeyIsDisconnected() async throws {
        let victim = NodeHarness.identity()
        let mallory = NodeHarness.identity()
        let replay = LocalHandshakeIdentity(peerID: victim.peerID, staticKey: mallory.staticKey, payload: victim.payload)
        let log = try await Self.expectSurvives { attacker in
            _ = try? await attacker.handshake(as: replay)
        }
        #expect(await log.waitFor("the identity signature does not match"))
    }
}
