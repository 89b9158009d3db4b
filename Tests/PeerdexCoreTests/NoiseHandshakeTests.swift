import Foundation
import Testing

@testable import PeerdexCore

/// The published Noise vectors (cacophony's, as carried by snow), byte for byte, and the
/// handshake's refusals.
@Suite struct NoiseHandshakeTests {
    struct Vector: Decodable {
        struct Message: Decodable {
            var payload: String
            var ciphertext: String
        }

        var protocol_name: String
        var init_prologue: String
        var init_ephemeral: String
        var init_static: String?
        var init_remote_static: String?
        var resp_prologue: String
        var resp_ephemeral: String
        var resp_static: String?
        var handshake_hash: String
        var messages: [Message]
    }

    struct File: Decodable { var vectors: [Vector] }

    static let vectors: [Vector] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Vectors/noise-25519-chachapoly-sha256.json")
        return try! JSONDecoder().decode(File.self, from: Data(contentsOf: url)).vectors
    }()

    static func bytes(_ hex: String) -> [UInt8] {
        var result = [UInt8]()
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return result
    }

    static let patterns: [String: NoisePattern] = ["NN": .nn, "XK": .xk, "IK": .ik, "XX": .xx]

    @Test(arguments: vectors.map(\.protocol_name))
    func everyVectorPassesByteForByte(name: String) throws {
        let vector = try #require(Self.vectors.first { $0.protocol_name == name })
        let patternName = String(name.split(separator: "_")[1])
        let pattern = try #require(Self.patterns[patternName])
        #expect(pattern.protocolName == name)
        let key = { (hex: String?) throws -> NoiseKeyPair? in try hex.map { try NoiseKeyPair(privateKey: Self.bytes($0)) } }
        var initiator = try NoiseHandshake(
            pattern: pattern, initiator: true, prologue: Self.bytes(vector.init_prologue),
            staticKey: try key(vector.init_static), ephemeralKey: try key(vector.init_ephemeral)!,
            remoteStaticKey: vector.init_remote_static.map(Self.bytes))
        var responder = try NoiseHandshake(
            pattern: pattern, initiator: false, prologue: Self.bytes(vector.resp_prologue),
            staticKey: try key(vector.resp_static), ephemeralKey: try key(vector.resp_ephemeral)!)
        var initiatorTransport: NoiseTransport?
        var responderTransport: NoiseTransport?
        for (index, message) in vector.messages.enumerated() {
            let payload = Self.bytes(message.payload)
            let fromInitiator = index % 2 == 0
            let ciphertext: [UInt8]
            let received: [UInt8]
            if index < pattern.messages.count {
                if fromInitiator {
                    ciphertext = try initiator.writeMessage(payload: payload)
                    received = try responder.readMessage(ciphertext)
                } else {
                    ciphertext = try responder.writeMessage(payload: payload)
                    received = try initiator.readMessage(ciphertext)
                }
                if index == pattern.messages.count - 1 {
                    #expect(initiator.handshakeHash == Self.bytes(vector.handshake_hash))
                    #expect(responder.handshakeHash == initiator.handshakeHash)
                    initiatorTransport = initiator.transport
                    responderTransport = responder.transport
                }
            } else if fromInitiator {
                ciphertext = try initiatorTransport!.encrypt(payload)
                received = try responderTransport!.decrypt(ciphertext)
            } else {
                ciphertext = try responderTransport!.encrypt(payload)
                received = try initiatorTransport!.decrypt(ciphertext)
            }
            #expect(ciphertext == Self.bytes(message.ciphertext), "message \(index)")
            #expect(received == payload, "message \(index)")
        }
        if let responderStatic = vector.resp_static, pattern == .xx {
            #expect(initiator.remoteStaticKey == (try NoiseKeyPair(privateKey: Self.bytes(responderStatic))).publicKey)
        }
    }

    // MARK: - Refusals

    func xxPair() throws -> (NoiseHandshake, NoiseHandshake) {
        let key = { (byte: UInt8) in try NoiseKeyPair(privateKey: [UInt8](repeating: byte, count: 32)) }
        let initiator = try NoiseHandshake(
            pattern: .xx, initiator: true, prologue: Array("peerdex/1".utf8), staticKey: key(1), ephemeralKey: key(2))
        let responder = try NoiseHandshake(
            pattern: .xx, initiator: false, prologue: Array("peerdex/1".utf8), staticKey: key(3), ephemeralKey: key(4))
        return (initiator, responder)
    }

    @Test func anAlteredMessageIsRefused() throws {
        var (initiator, responder) = try xxPair()
        _ = try responder.readMessage(try initiator.writeMessage(payload: []))
        var second = try responder.writeMessage(payload: Array("hello".utf8))
        second[40] ^= 1  // inside the encrypted static key
        #expect(throws: NoiseError.decryptionFailed) { try initiator.readMessage(second) }
    }

    @Test func aDifferentPrologueFailsTheHandshake() throws {
        var (initiator, _) = try xxPair()
        var stranger = try NoiseHandshake(
            pattern: .xx, initiator: false, prologue: Array("other/1".utf8),
            staticKey: try NoiseKeyPair(privateKey: [UInt8](repeating: 3, count: 32)),
            ephemeralKey: try NoiseKeyPair(privateKey: [UInt8](repeating: 4, count: 32)))
        _ = try stranger.readMessage(try initiator.writeMessage(payload: []))
        #expect(throws: NoiseError.decryptionFailed) { try initiator.readMessage(try stranger.writeMessage(payload: [])) }
    }

    @Test func truncatedAndOutOfTurnMessagesAreRefused() throws {
        var (initiator, responder) = try xxPair()
        #expect(throws: NoiseError.outOfTurn) { try responder.writeMessage(payload: []) }
        #expect(throws: NoiseError.messageTooShort(needed: 32, got: 31)) { try responder.readMessage([UInt8](repeating: 9, count: 31)) }
        let first = try initiator.writeMessage(payload: [])
        _ = try responder.readMessage(first)
        #expect(throws: NoiseError.outOfTurn) { try responder.readMessage(first) }  // its turn to write
        #expect(throws: NoiseError.messageTooLong(65_536)) { try initiator.readMessage([UInt8](repeating: 0, count: 65_536)) }
    }

    @Test func transportNoncesMoveOnlyOnSuccessAndAReplayFails() throws {
        var (initiator, responder) = try xxPair()
        _ = try responder.readMessage(try initiator.writeMessage(payload: []))
        _ = try initiator.readMessage(try responder.writeMessage(payload: []))
        _ = try responder.readMessage(try initiator.writeMessage(payload: []))
        var sending = try #require(initiator.transport)
        var receiving = try #require(responder.transport)
        let first = try sending.encrypt(Array("one".utf8))
        var damaged = first
        damaged[0] ^= 0xFF
        #expect(throws: NoiseError.decryptionFailed) { try receiving.decrypt(damaged) }
        #expect(try receiving.decrypt(first) == Array("one".utf8))
        #expect(throws: NoiseError.decryptionFailed) { try receiving.decrypt(first) }  // replayed
        #expect(throws: NoiseError.messageTooLong(65_536)) { try sending.encrypt([UInt8](repeating: 0, count: 65_520)) }
    }

    @Test func bothSidesRekeyingKeepTheSessionAndChangeTheKey() throws {
        var (initiator, responder) = try xxPair()
        _ = try responder.readMessage(try initiator.writeMessage(payload: []))
        _ = try initiator.readMessage(try responder.writeMessage(payload: []))
        _ = try responder.readMessage(try initiator.writeMessage(payload: []))
        var sending = try #require(initiator.transport)
        var receiving = try #require(responder.transport)
        var unrekeyed = sending
        try sending.sender.rekey()
        try receiving.receiver.rekey()
        let message = Array("after rekey".utf8)
        let ciphertext = try sending.encrypt(message)
        #expect(ciphertext != (try unrekeyed.encrypt(message)))  // same nonce, another key
        #expect(try receiving.decrypt(ciphertext) == message)
        #expect(sending.sender.nonce == 1)  // rekeying keeps the counter (Noise section 11.3)
    }

    @Test func aLowOrderEphemeralKeyIsRefused() throws {
        var (initiator, _) = try xxPair()
        _ = try initiator.writeMessage(payload: [])
        // A responder "ephemeral" of zeros, a low-order point: every shared secret with it is zero.
        let forged = [UInt8](repeating: 0, count: 32) + [UInt8](repeating: 0, count: 64)
        #expect(throws: NoiseError.invalidKey) { try initiator.readMessage(forged) }
    }
}
