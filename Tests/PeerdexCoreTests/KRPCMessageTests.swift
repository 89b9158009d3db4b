import Crypto
import Foundation
import PeerdexTestSupport
import Testing

@testable import PeerdexCore

/// The KRPC codec against the examples of BEP 5 and the test vectors of BEP 44, byte for byte,
/// and round trips of every kind of message, checked against the generic bencode encoder.
@Suite struct KRPCMessageTests {
    // MARK: - BEP 5 examples

    private static let idA = NodeID(bytes: Array("abcdefghij0123456789".utf8))!
    private static let idM = NodeID(bytes: Array("mnopqrstuvwxyz123456".utf8))!
    private static let id0 = NodeID(bytes: Array("0123456789abcdefghij".utf8))!
    private static let aa: [UInt8] = Array("aa".utf8)

    @Test(arguments: [
        (
            "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe",
            KRPCMessage(transactionID: aa, kind: .query(.ping(id: idA)))
        ),
        (
            "d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re",
            KRPCMessage(transactionID: aa, kind: .response(KRPCResponse(id: idM)))
        ),
        (
            "d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee",
            KRPCMessage(transactionID: aa, kind: .error(KRPCErrorReply(code: 201, message: "A Generic Error Ocurred")))
        ),
        (
            "d1:ad2:id20:abcdefghij01234567896:target20:mnopqrstuvwxyz123456e1:q9:find_node1:t2:aa1:y1:qe",
            KRPCMessage(transactionID: aa, kind: .query(.findNode(id: idA, target: idM)))
        ),
        (
            "d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456e1:q9:get_peers1:t2:aa1:y1:qe",
            KRPCMessage(transactionID: aa, kind: .query(.getPeers(id: idA, infoHash: idM)))
        ),
        (
            "d1:rd2:id20:abcdefghij01234567895:token8:aoeusnth6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re",
            KRPCMessage(
                transactionID: aa,
                kind: .response(
                    KRPCResponse(
                        id: idA, token: Array("aoeusnth".utf8),
                        peers: [
                            DHTEndpoint(compact: Array("axje.u".utf8))!, DHTEndpoint(compact: Array("idhtnm".utf8))!,
                        ])))
        ),
        (
            "d1:ad2:id20:abcdefghij012345678912:implied_porti1e9:info_hash20:mnopqrstuvwxyz123456"
                + "4:porti6881e5:token8:aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe",
            KRPCMessage(
                transactionID: aa,
                kind: .query(
                    .announcePeer(id: idA, infoHash: idM, port: 6881, token: Array("aoeusnth".utf8), impliedPort: true))
            )
        ),
    ])
    func theExamplesOfBEP5DecodeAndEncodeByteForByte(wire: String, message: KRPCMessage) throws {
        let bytes = Array(wire.utf8)
        #expect(try KRPCMessage(decoding: bytes) == message)
        #expect(message.encoded() == bytes)
    }

    @Test func bep5sFindNodeResponseWithItsShortenedNodesIsRefusedButTheRealShapeDecodes() throws {
        // BEP 5 abbreviates the node string as "def456..." (9 bytes): not a whole 26-byte entry.
        let abbreviated = Array("d1:rd2:id20:0123456789abcdefghij5:nodes9:def456...e1:t2:aa1:y1:re".utf8)
        #expect(throws: KRPCDecodeError.malformedResponse(transactionID: Self.aa, reason: .wrongLength("r.nodes", 9))) {
            try KRPCMessage(decoding: abbreviated)
        }
        let node = DHTNodeInfo(id: Self.idM, endpoint: DHTEndpoint(ip: .v4(0x7F00_0001), port: 6881))
        let wire =
            Array("d1:rd2:id20:0123456789abcdefghij5:nodes26:".utf8) + node.compact + Array("e1:t2:aa1:y1:re".utf8)
        let decoded = try KRPCMessage(decoding: wire)
        #expect(decoded.response == KRPCResponse(id: Self.id0, nodes: [node]))
        #expect(decoded.encoded() == wire)
    }

    // MARK: - BEP 44 test vectors

    private static let bep44PublicKey = HexBytes.decode(
        "77ff84905a91936367c01360803104f92432fcd904a43511876df5cdf3e7e548")!
    private static let bep44Signature = HexBytes.decode(
        "305ac8aeb6c9c151fa120f120ea2cfb923564e11552d06a5d856091e5e853cff"
            + "1260d3f39e4999684aa92eb73ffd136e6f4f3ecbfda0ce53a1608ecd7ae21f01")!
    private static let bep44SaltedSignature = HexBytes.decode(
        "6834284b6b24c3204eb2fea824d82f88883a3d95e8b4a21b8c0ded553d17d17d"
            + "df9a8a7104b1258f30bed3787e6cb896fca78c58f8e03b5f18f14951a87d9a08")!

    @Test func bep44MutablePutOfTest1IsTheCanonicalBytesAndItsSignatureVerifies() throws {
        let wire =
            Array("d1:ad2:id20:abcdefghij01234567891:k32:".utf8) + Self.bep44PublicKey + Array("3:seqi1e3:sig64:".utf8)
            + Self.bep44Signature + Array("5:token8:aoeusnth1:v12:Hello World!e1:q3:put1:t2:aa1:y1:qe".utf8)
        let message = try KRPCMessage(decoding: wire)
        let put = KRPCPutArguments(
            value: .string("Hello World!"), publicKey: Self.bep44PublicKey, signature: Self.bep44Signature, seq: 1)
        #expect(
            message
                == KRPCMessage(
                    transactionID: Self.aa, kind: .query(.put(id: Self.idA, token: Array("aoeusnth".utf8), put: put))))
        #expect(message.encoded() == wire)
        #expect(put.isMutable)
        // The value's canonical encoding is what BEP 44 signs: "3:seqi1e1:v12:Hello World!".
        let signed = Array("3:seqi1e1:v".utf8) + put.value.encoded()
        let key = try Curve25519.Signing.PublicKey(rawRepresentation: Self.bep44PublicKey)
        #expect(key.isValidSignature(Self.bep44Signature, for: signed))
        #expect(
            HexBytes.encode(Insecure.SHA1.hash(data: Self.bep44PublicKey)) == "4a533d47ec9c7d95b1ad75f576cffc641853b750"
        )
    }

    @Test func bep44SaltedPutOfTest2WithCasRoundTripsAndItsSignatureVerifies() throws {
        let salt = Array("foobar".utf8)
        let put = KRPCPutArguments(
            value: .string("Hello World!"), publicKey: Self.bep44PublicKey, signature: Self.bep44SaltedSignature,
            seq: 1, salt: salt, compareAndSwap: 0)
        let message = KRPCMessage.query(.put(id: Self.idA, token: [1, 2, 3, 4], put: put), transactionID: [0, 7])
        let wire =
            Array("d1:ad3:casi0e2:id20:abcdefghij01234567891:k32:".utf8) + Self.bep44PublicKey
            + Array("4:salt6:foobar3:seqi1e3:sig64:".utf8) + Self.bep44SaltedSignature
            + Array("5:token4:".utf8) + [1, 2, 3, 4] + Array("1:v12:Hello World!e1:q3:put1:t2:".utf8) + [0, 7]
            + Array("1:v4:PX".utf8) + [0, 1] + Array("1:y1:qe".utf8)
        #expect(message.encoded() == wire)
        #expect(try KRPCMessage(decoding: wire) == message)
        let signed = Array("4:salt6:foobar3:seqi1e1:v".utf8) + put.value.encoded()
        let key = try Curve25519.Signing.PublicKey(rawRepresentation: Self.bep44PublicKey)
        #expect(key.isValidSignature(Self.bep44SaltedSignature, for: signed))
        #expect(
            HexBytes.encode(Insecure.SHA1.hash(data: Self.bep44PublicKey + salt))
                == "411eba73b6f087ca51a3795d9c8c938d365e32c1")
    }

    @Test func bep44ImmutablePutAndGetResponseOfTest3() throws {
        let value = BencodeValue.string("Hello World!")
        #expect(
            HexBytes.encode(Insecure.SHA1.hash(data: value.encoded())) == "e5f96f6f38320f0f33959cb4d3d656452117aadb")
        let put = Array("d1:ad2:id20:abcdefghij01234567895:token2:tk1:v12:Hello World!e1:q3:put1:t2:aa1:y1:qe".utf8)
        let decoded = try KRPCMessage(decoding: put)
        #expect(decoded.query == .put(id: Self.idA, token: Array("tk".utf8), put: KRPCPutArguments(value: value)))
        #expect(decoded.query.map { if case .put(_, _, let put) = $0 { put.isMutable } else { true } } == false)
        let target = NodeID(hex: "e5f96f6f38320f0f33959cb4d3d656452117aadb")!
        let get = KRPCMessage.query(
            .get(id: Self.idA, target: target, seq: nil), transactionID: Self.aa, clientVersion: nil)
        #expect(
            get.encoded() == Array("d1:ad2:id20:abcdefghij01234567896:target20:".utf8) + target.bytes
                + Array("e1:q3:get1:t2:aa1:y1:qe".utf8))
        let response = Array("d1:rd2:id20:mnopqrstuvwxyz1234565:token2:tk1:v12:Hello World!e1:t2:aa1:y1:re".utf8)
        #expect(
            try KRPCMessage(decoding: response).response
                == KRPCResponse(id: Self.idM, token: Array("tk".utf8), value: value))
    }

    @Test func aMutableGetResponseCarriesKeySignatureSequenceAndValueInCanonicalOrder() throws {
        let v6Node = DHTNodeInfo(
            id: Self.idA, endpoint: DHTEndpoint(ip: IPAddress(parsing: "2001:db8::1")!, port: 6881))
        let response = KRPCResponse(
            id: Self.idM, nodes6: [v6Node], token: [9], value: .string("Hello World!"), publicKey: Self.bep44PublicKey,
            signature: Self.bep44Signature, seq: 1)
        let message = KRPCMessage.response(response, transactionID: Self.aa, requesterAddress: nil, clientVersion: nil)
        let wire =
            Array("d1:rd2:id20:mnopqrstuvwxyz1234561:k32:".utf8) + Self.bep44PublicKey + Array("6:nodes638:".utf8)
            + v6Node.compact + Array("3:seqi1e3:sig64:".utf8) + Self.bep44Signature
            + Array("5:token1:".utf8) + [9] + Array("1:v12:Hello World!e1:t2:aa1:y1:re".utf8)
        #expect(message.encoded() == wire)
        #expect(try KRPCMessage(decoding: wire) == message)
    }

    // MARK: - Top-level extras

    @Test func readOnlyRequesterAddressAndClientVersionRoundTrip() throws {
        let query = KRPCMessage.query(.ping(id: Self.idA), transactionID: [1, 2, 3, 4], readOnly: true)
        #expect(
            query.encoded()
                == Array("d1:ad2:id20:abcdefghij0123456789e1:q4:ping2:roi1e1:t4:".utf8) + [1, 2, 3, 4]
                + Array("1:v4:PX".utf8)
                + [0, 1] + Array("1:y1:qe".utf8))
        #expect(try KRPCMessage(decoding: query.encoded()) == query)

        let seenAt = DHTEndpoint(ip: .v4(0xC0A8_0102), port: 0x1AE1)
        let pong = KRPCMessage.response(
            KRPCResponse(id: Self.idM), transactionID: Self.aa, requesterAddress: seenAt, clientVersion: nil)
        #expect(
            pong.encoded() == Array("d2:ip6:".utf8) + [192, 168, 1, 2, 0x1A, 0xE1]
                + Array("1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re".utf8))
        #expect(try KRPCMessage(decoding: pong.encoded()) == pong)

        let seenAt6 = DHTEndpoint(ip: IPAddress(parsing: "2001:db8::7")!, port: 443)
        let error = KRPCMessage.error(
            code: 203, message: "invalid token", transactionID: Self.aa, requesterAddress: seenAt6)
        let decoded = try KRPCMessage(decoding: error.encoded())
        #expect(decoded == error)
        #expect(decoded.requesterAddress == seenAt6)
        #expect(decoded.clientVersion == KRPCMessage.peerdexVersion)
        #expect(decoded.errorReply == KRPCErrorReply(code: KRPCErrorReply.Code.protocolError, message: "invalid token"))
    }

    @Test func aReadOnlyFlagOfZeroIsNotReadOnlyAndUnknownKeysAreIgnored() throws {
        // libtorrent's "seed" argument, BEP 32's "want", a future top-level key and "ro" 0.
        let wire = Array(
            "d1:ad2:id20:abcdefghij01234567894:seedi1e4:wantl2:n4ee1:q4:ping2:roi0e1:t2:aa3:xyzi5e1:y1:qe".utf8)
        let message = try KRPCMessage(decoding: wire)
        #expect(message == KRPCMessage(transactionID: Self.aa, kind: .query(.ping(id: Self.idA))))
        #expect(!message.readOnly)
    }

    @Test func theQueryAccessorsNameEveryMethodAndSender() {
        let queries: [KRPCQuery] = [
            .ping(id: Self.idA), .findNode(id: Self.idA, target: Self.idM), .getPeers(id: Self.idA, infoHash: Self.idM),
            .announcePeer(id: Self.idA, infoHash: Self.idM, port: 1, token: [], impliedPort: false),
            .get(id: Self.idA, target: Self.idM, seq: 3),
            .put(id: Self.idA, token: [], put: KRPCPutArguments(value: .integer(1))),
        ]
        #expect(queries.map(\.methodName) == ["ping", "find_node", "get_peers", "announce_peer", "get", "put"])
        #expect(queries.allSatisfy { $0.senderID == Self.idA })
    }

    @Test func aDecodeFailureBuildsTheReplyItDeserves() throws {
        let unknown = Array("d1:ad2:id20:abcdefghij0123456789e1:q4:vote1:t2:xy1:y1:qe".utf8)
        let failure = try #require(throws: KRPCDecodeError.self) { try KRPCMessage(decoding: unknown) }
        #expect(failure == .unknownMethod(transactionID: Array("xy".utf8), method: "vote"))
        let reply = try #require(KRPCMessage.errorReply(to: failure, clientVersion: nil))
        #expect(reply.encoded() == Array("d1:eli204e14:method unknowne1:t2:xy1:y1:ee".utf8))

        let malformed = KRPCDecodeError.malformedQuery(transactionID: [5], reason: .wrongLength("a.id", 19))
        #expect(malformed.errorReply == KRPCErrorReply(code: 203, message: "a.id has the wrong length (19 bytes)"))
        #expect(KRPCMessage.errorReply(to: .malformedResponse(transactionID: [5], reason: .missingField("r"))) == nil)
        #expect(KRPCMessage.errorReply(to: .notADictionary) == nil)
    }

    // MARK: - Round trips

    @Test func randomMessagesOfEveryKindRoundTripAndMatchTheGenericEncoder() throws {
        var random = SeededRandom(defaultSeed: 0x4B52_5043)
        for round in 0..<2_000 {
            let message = KRPCSamples.message(&random, kindIndex: round % 9)
            let wire = message.encoded()
            #expect(wire == KRPCSamples.bencode(of: message).encoded(), "round \(round), \(random)")
            let decoded = try KRPCMessage(decoding: wire)
            #expect(decoded == message, "round \(round), \(random)")
        }
    }

    @Test func theFuzzSeedsAreValidMessagesOfEveryKind() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Fuzz/Seeds/FuzzKRPC").standardized
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names.count >= 10)
        var methods = Set<String>()
        for name in names {
            let bytes = Array(try Data(contentsOf: directory.appendingPathComponent(name)))
            guard name != "unknown-method" else {
                #expect(throws: KRPCDecodeError.unknownMethod(transactionID: Array("xy".utf8), method: "vote")) {
                    try KRPCMessage(decoding: bytes)
                }
                continue
            }
            let message = try KRPCMessage(decoding: bytes)
            #expect(message.encoded() == bytes, "seed \(name) is canonical and has no ignored keys")
            switch message.kind {
            case .query(let query): methods.insert(query.methodName)
            case .response: methods.insert("response")
            case .error: methods.insert("error")
            }
        }
        #expect(methods == ["ping", "find_node", "get_peers", "announce_peer", "get", "put", "response", "error"])
    }

    @Test func nodesOfTheWrongFamilyAreLeftOutOfEachList() throws {
        let v4 = DHTNodeInfo(id: Self.idA, endpoint: DHTEndpoint(ip: .v4(0x0A00_0001), port: 1))
        let v6 = DHTNodeInfo(id: Self.idM, endpoint: DHTEndpoint(ip: .v6(1, 2), port: 2))
        let mixed = KRPCResponse(id: Self.id0, nodes: [v4, v6], nodes6: [v6, v4])
        let decoded = try KRPCMessage(decoding: KRPCMessage.response(mixed, transactionID: [1]).encoded())
        #expect(decoded.response == KRPCResponse(id: Self.id0, nodes: [v4], nodes6: [v6]))
    }
}
