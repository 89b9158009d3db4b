import Foundation
import PeerdexTestSupport
import Testing

@testable import PeerdexCore

/// Our Noise against an implementation we did not write: the Python `noiseprotocol` package,
/// pinned and installed by `make deps`, over pipes. Both roles, random ephemeral keys.
@Suite(.timeLimit(.minutes(1))) struct NoiseInteropTests {
    static let prologue = "peerdex/1"

    func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
    func bytes(_ hex: String) -> [UInt8] { NoiseHandshakeTests.bytes(hex) }
    func randomKey() throws -> NoiseKeyPair { try NoiseKeyPair(privateKey: (0..<32).map { _ in UInt8.random(in: 0...255) }) }

    func peer(_ role: String, staticKey: NoiseKeyPair) throws -> LineProcess {
        let python = try #require(LineProcess.interopPython, "run `make deps`: it installs the Python Noise peer's packages")
        return try LineProcess(python, [LineProcess.interopScript("noise_peer.py"), role, hex(staticKey.privateKey), Self.prologue])
    }

    @Test(arguments: [true, false])
    func aHandshakeAndMessagesWithAnIndependentImplementation(weInitiate: Bool) throws {
        let ours = try randomKey()
        let theirs = try randomKey()
        let python = try peer(weInitiate ? "responder" : "initiator", staticKey: theirs)
        defer { python.close() }
        var handshake = try NoiseHandshake(
            pattern: .xx, initiator: weInitiate, prologue: Array(Self.prologue.utf8), staticKey: ours,
            ephemeralKey: try randomKey())
        var theirPayloads = [String]()
        while !handshake.isComplete {
            if handshake.isOurTurn {
                try python.send(hex(try handshake.writeMessage(payload: Array("swift".utf8))))
            } else {
                let line = try #require(python.readLine())
                theirPayloads.append(String(decoding: try handshake.readMessage(bytes(line)), as: UTF8.self))
            }
        }
        #expect(theirPayloads.allSatisfy { $0.hasPrefix("python ") })
        #expect(handshake.remoteStaticKey == theirs.publicKey)
        #expect(python.readLine() == "remote \(hex(ours.publicKey))")
        #expect(python.readLine() == "hash \(hex(handshake.handshakeHash))")
        var transport = try #require(handshake.transport)
        for message in ["one", "two", String(repeating: "x", count: 60_000)] {
            try python.send(hex(try transport.encrypt(Array(message.utf8))))
            let reply = try transport.decrypt(bytes(try #require(python.readLine())))
            #expect(String(decoding: reply, as: UTF8.self) == "pong:" + message)
        }
    }
}
