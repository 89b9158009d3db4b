import Crypto
import Foundation
import Testing

@testable import PeerdexCore

/// The capture's text, read from the source tree.
private let libtorrentPacketFile: String? = {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Interop/libtorrent-packets.txt").standardized
    return try? String(contentsOf: url, encoding: .utf8)
}()

/// Real libtorrent packets (Tests/Interop/libtorrent-packets.txt, captured by
/// `Tests/Interop/libtorrent_dht.py --capture`): each decodes with the fields its description
/// promises, and re-encodes to the very bytes, less only the keys this codec deliberately ignores.
@Suite(.enabled(if: libtorrentPacketFile != nil, "Tests/Interop/libtorrent-packets.txt not captured yet"))
struct KRPCInteropTests {
    static var packetFile: String? { libtorrentPacketFile }

    /// Keys libtorrent sends that the model does not carry, by dictionary: BEP 32's `want`, BEP 33's
    /// `noseed`, `scrape`, `seed` and bloom filters, libtorrent's `n` (torrent name) and `p` (the
    /// requester's port) and `bs` (a query to a bootstrap router), BEP 51's sample fields.
    private static let ignoredKeys: [String: Set<String>] = [
        "": ["ro"],
        "a": ["want", "noseed", "scrape", "seed", "n", "name", "bs"],
        "r": ["p", "BFsd", "BFpe", "samples", "interval", "num"],
    ]

    struct Packet: CustomStringConvertible {
        let what: String
        let bytes: [UInt8]
        var description: String { what }
    }

    static func packets() -> [Packet] {
        guard let text = packetFile else { return [] }
        var packets = [Packet]()
        var what: String?
        for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("## ") {
                what = String(line.dropFirst(3))
            } else if let current = what, !line.isEmpty, !line.hasPrefix("#"), let bytes = HexBytes.decode(line) {
                packets.append(Packet(what: current, bytes: bytes))
                what = nil
            }
        }
        return packets
    }

    /// The public key the capture signed with, from the file's header.
    static var publicKey: [UInt8]? {
        guard let text = packetFile, let range = text.range(of: "public key ") else { return nil }
        return HexBytes.decode(text[range.upperBound...].prefix(64))
    }

    @Test func theCaptureHoldsEveryKindOfPacket() {
        let packets = Self.packets()
        #expect(packets.count >= 10)
        let kinds = [
            "sends get_peers:", "sends get:", "sends put:", "sends announce_peer:", "answers ping:",
            "answers find_node:",
            "answers get:", "answers get_peers:", "error 302",
        ]
        for kind in kinds {
            #expect(packets.contains { $0.what.contains(kind) }, "no packet that \(kind)")
        }
    }

    @Test(arguments: packets())
    func aLibtorrentPacketDecodesAndReEncodesToItsOwnBytes(packet: Packet) throws {
        let message = try KRPCMessage(decoding: packet.bytes)
        #expect(message.clientVersion == Array("LT".utf8) + [2, 8])
        let original = try BencodeValue(decoding: packet.bytes, limits: KRPCMessage.decodingLimits)
        let again = try BencodeValue(decoding: message.encoded())
        let dropped = Self.expectSame(original, again, path: "", isError: message.errorReply != nil)
        if dropped.isEmpty { #expect(message.encoded() == packet.bytes) }
        #expect(try KRPCMessage(decoding: message.encoded()) == message)
        try Self.checkFields(of: message, what: packet.what)
    }

    /// Every key of `ours` equals the original's; the original's other keys are ignored ones,
    /// which it returns.
    @discardableResult
    private static func expectSame(_ original: BencodeValue, _ ours: BencodeValue, path: String, isError: Bool = false)
        -> [String]
    {
        guard case .dictionary(let theirs) = original, case .dictionary(let mine) = ours, ["", "a", "r"].contains(path)
        else {
            #expect(original == ours, "\(path) differs")
            return []
        }
        var dropped = [String]()
        for (key, value) in theirs {
            let name = String(decoding: key, as: UTF8.self)
            if let myValue = mine[key] {
                dropped += expectSame(
                    value, myValue, path: path.isEmpty && ["a", "r"].contains(name) ? name : "\(path).\(name)")
            } else {
                dropped.append("\(path).\(name)")
                // libtorrent's error replies keep the "r" it had begun (id and p) beside "e".
                let errorsResponse = path.isEmpty && name == "r" && isError
                let zeroReadOnly = path.isEmpty && name == "ro" && value == .integer(0)
                let ignored = ignoredKeys[path]?.contains(name) == true && (name != "ro" || zeroReadOnly)
                #expect(ignored || errorsResponse, "dropped \(path).\(name)")
            }
        }
        for key in mine.keys where theirs[key] == nil {
            Issue.record("added \(path).\(String(decoding: key, as: UTF8.self))")
        }
        return dropped
    }

    private static func checkFields(of message: KRPCMessage, what: String) throws {
        let salt = Array("peerdex/profile".utf8)
        let rendezvous = NodeID(bytes: Array(Insecure.SHA1.hash(data: Array("peerdex/1".utf8))))!
        let publicKey = try #require(Self.publicKey)
        let itemTarget = NodeID(bytes: Array(Insecure.SHA1.hash(data: publicKey + salt)))!
        if what.hasPrefix("libtorrent sends ") {
            let query = try #require(message.query, "\(what)")
            #expect(what.hasPrefix("libtorrent sends \(query.methodName):"))
            #expect(message.requesterAddress == nil && !message.readOnly)
            switch query {
            case .get(_, let target, let seq):
                #expect(target == itemTarget)
                #expect(seq == nil)
            case .getPeers(_, let infoHash):
                #expect((infoHash == rendezvous) == what.contains("peerdex/1"))
            case .announcePeer(_, let infoHash, _, let token, let impliedPort):
                #expect(infoHash == rendezvous)
                #expect(impliedPort)
                #expect(!token.isEmpty)
            case .put(_, _, let put):
                #expect(put.publicKey == publicKey)
                #expect(put.salt == salt)
                #expect(put.seq == 1)
                #expect(put.value == .string("hello from libtorrent"))
                try expectSigned(value: put.value, seq: 1, salt: salt, signature: put.signature, key: publicKey)
            case .ping, .findNode:
                break
            }
            return
        }
        // Every answer tells the requester (127.0.0.1) the address it was seen at (BEP 42).
        #expect(message.requesterAddress?.ip == .v4(0x7F00_0001), "\(what)")
        if let range = what.range(of: "error ") {
            #expect(message.errorReply?.code == Int(what[range.upperBound...].prefix(3)), "\(what)")
            return
        }
        let response = try #require(message.response, "\(what)")
        if what.contains("answers find_node:") {
            #expect((1...8).contains(response.nodes.count))
        } else if what.contains("get on a node without the item") {
            #expect(response.token != nil && response.value == nil && response.seq == nil)
            #expect(!response.nodes.isEmpty)
        } else if what.contains("get on a node holding the item") {
            #expect(response.publicKey == publicKey)
            #expect(response.token != nil)
            let value = try #require(response.value)
            try expectSigned(
                value: value, seq: try #require(response.seq), salt: salt, signature: response.signature, key: publicKey
            )
        } else if what.contains("get with seq") {
            #expect(response.value == nil && response.signature == nil && response.publicKey == nil)
            #expect(response.seq != nil && response.token != nil)
        } else if what.contains("answers get_peers:") {
            #expect(!response.peers.isEmpty)
            #expect(response.peers.allSatisfy { $0.ip == .v4(0x7F00_0001) })
            #expect(response.token != nil)
        }
    }

    private static func expectSigned(value: BencodeValue, seq: Int64, salt: [UInt8], signature: [UInt8]?, key: [UInt8])
        throws
    {
        let signed = Array("4:salt\(salt.count):".utf8) + salt + Array("3:seqi\(seq)e1:v".utf8) + value.encoded()
        let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: key)
        #expect(publicKey.isValidSignature(try #require(signature), for: signed))
    }
}
