import PeerdexTestSupport
import Testing

@testable import PeerdexCore

/// Datagrams from anyone: every way a KRPC message can be wrong ends in one specific error, never
/// a trap, and says whether (and with which transaction ID) it can be answered.
@Suite struct KRPCMessageHostileTests {
    private static let id = "abcdefghij0123456789"
    private static let tid: [UInt8] = Array("aa".utf8)
    private static let k31 = String(repeating: "k", count: 31)
    private static let k32 = String(repeating: "k", count: 32)
    private static let s63 = String(repeating: "s", count: 63)
    private static let s64 = String(repeating: "s", count: 64)

    private static func query(_ method: String, _ arguments: String, top: String = "") -> String {
        "d1:ad\(arguments)e1:q\(method.utf8.count):\(method)\(top)1:t2:aa1:y1:qe"
    }

    private static func response(_ values: String, before: String = "", after: String = "") -> String {
        "d\(before)1:rd\(values)e1:t2:aa\(after)1:y1:re"
    }

    // MARK: - Not bencode, not a dictionary, no transaction ID: no reply

    @Test(arguments: [
        ("d1:ad2:id20:abc", KRPCDecodeError.notBencode(.malformedLength(offset: 9))),
        ("d1:ad2:id3:ab", .notBencode(.truncated)),
        ("", .notBencode(.truncated)),
        ("d1:t2:aa1:y1:q1:q4:pinge", .notBencode(.unsortedKeys(offset: 14))),
        (
            "d1:ad2:id20:abcdefghij012345678912:implied_porti01ee1:q4:ping1:t2:aa1:y1:qe",
            .notBencode(.malformedInteger(offset: 48))
        ),
        ("d1:t02:aa1:y1:re", .notBencode(.malformedLength(offset: 4))),
        ("d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:reXX", .notBencode(.trailingBytes(offset: 47))),
        ("d1:ti-0e1:y1:qe", .notBencode(.malformedInteger(offset: 5))),
        ("l1:t2:aae", .notADictionary),
        ("i42e", .notADictionary),
        ("4:spam", .notADictionary),
        ("d1:y1:q1:q4:pinge", .notBencode(.unsortedKeys(offset: 7))),
        ("d1:q4:ping1:y1:qe", .invalidTransactionID),
        ("d1:t0:1:y1:re", .invalidTransactionID),
        ("d1:ti7e1:y1:re", .invalidTransactionID),
        ("d1:tl2:aae1:y1:re", .invalidTransactionID),
        ("d1:t17:abcdefghijklmnopq1:y1:re", .invalidTransactionID),
    ])
    func junkIsRefusedWithNoOneToAnswer(wire: String, expected: KRPCDecodeError) {
        #expect(throws: expected) { try KRPCMessage(decoding: Array(wire.utf8)) }
        #expect(expected.transactionID == nil)
        #expect(expected.errorReply == nil)
    }

    @Test func hugeAndDeepDatagramsAreRefusedByTheBencodeLimits() {
        func ping(padding: Int) -> [UInt8] {
            Array(
                Self.query("ping", "2:id20:\(Self.id)4:pad_\(padding):" + String(repeating: "x", count: padding)).utf8)
        }
        let huge = ping(padding: 2_000)
        #expect(huge.count == 2_067)
        #expect(throws: KRPCDecodeError.notBencode(.tooLong(2_067))) { try KRPCMessage(decoding: huge) }
        let largest = ping(padding: 2_000 - (huge.count - 2_048))
        #expect(largest.count == 2_048)
        #expect(throws: Never.self) { try KRPCMessage(decoding: largest) }

        // A put whose value nests 8 lists is within libtorrent's depth of 10; 9 is not.
        let nested8 = Self.query(
            "put",
            "2:id20:\(Self.id)5:token1:x1:v" + String(repeating: "l", count: 8) + String(repeating: "e", count: 8))
        #expect(throws: Never.self) { try KRPCMessage(decoding: Array(nested8.utf8)) }
        let nested9 = Self.query(
            "put",
            "2:id20:\(Self.id)5:token1:x1:v" + String(repeating: "l", count: 9) + String(repeating: "e", count: 9))
        #expect(throws: KRPCDecodeError.notBencode(.tooDeep)) { try KRPCMessage(decoding: Array(nested9.utf8)) }

        let manyValues = Self.query(
            "put", "2:id20:\(Self.id)5:token1:x1:vl" + String(repeating: "i0e", count: 520) + "e")
        #expect(throws: KRPCDecodeError.notBencode(.tooManyValues)) {
            try KRPCMessage(decoding: Array(manyValues.utf8))
        }
    }

    // MARK: - Malformed queries: answer 203 with the transaction ID

    @Test(arguments: [
        ("d1:ad2:id20:abcdefghij0123456789e1:t2:aa1:y1:qe", KRPCMalformation.missingField("q")),
        ("d1:ad2:id20:abcdefghij0123456789e1:qi1e1:t2:aa1:y1:qe", .wrongType("q")),
        ("d1:q4:ping1:t2:aa1:y1:qe", .missingField("a")),
        ("d1:a4:ping1:q4:ping1:t2:aa1:y1:qe", .wrongType("a")),
        (query("ping", ""), .missingField("a.id")),
        (query("ping", "2:idi1e"), .wrongType("a.id")),
        (query("ping", "2:id19:abcdefghij012345678"), .wrongLength("a.id", 19)),
        (query("ping", "2:id21:abcdefghij0123456789X"), .wrongLength("a.id", 21)),
        (query("ping", "2:id20:\(id)", top: "2:ro1:1"), .wrongType("ro")),
        (query("ping", "2:id20:\(id)", top: "2:roli1ee"), .wrongType("ro")),
        (query("find_node", "2:id20:\(id)"), .missingField("a.target")),
        (query("find_node", "2:id20:\(id)6:target3:abc"), .wrongLength("a.target", 3)),
        (query("get_peers", "2:id20:\(id)9:info_hashi0e"), .wrongType("a.info_hash")),
        (query("announce_peer", "2:id20:\(id)9:info_hash20:\(id)4:porti-1e5:token1:x"), .outOfRange("a.port", -1)),
        (query("announce_peer", "2:id20:\(id)9:info_hash20:\(id)4:porti0e5:token1:x"), .outOfRange("a.port", 0)),
        (
            query("announce_peer", "2:id20:\(id)9:info_hash20:\(id)4:porti65536e5:token1:x"),
            .outOfRange("a.port", 65_536)
        ),
        (
            query("announce_peer", "2:id20:\(id)12:implied_porti1e9:info_hash20:\(id)4:porti-5e5:token1:x"),
            .outOfRange("a.port", -5)
        ),
        (query("announce_peer", "2:id20:\(id)9:info_hash20:\(id)4:port4:68815:token1:x"), .wrongType("a.port")),
        (query("announce_peer", "2:id20:\(id)9:info_hash20:\(id)5:token1:x"), .missingField("a.port")),
        (query("announce_peer", "2:id20:\(id)9:info_hash20:\(id)4:porti1e"), .missingField("a.token")),
        (
            query("announce_peer", "2:id20:\(id)12:implied_port1:19:info_hash20:\(id)4:porti1e5:token1:x"),
            .wrongType("a.implied_port")
        ),
        (query("get", "2:id20:\(id)3:seqi-1e6:target20:\(id)"), .outOfRange("a.seq", -1)),
        (query("get", "2:id20:\(id)3:seq1:16:target20:\(id)"), .wrongType("a.seq")),
        (query("put", "2:id20:\(id)5:token1:x"), .missingField("a.v")),
        (query("put", "2:id20:\(id)1:v1:x"), .missingField("a.token")),
        (query("put", "2:id20:\(id)5:tokeni1e1:v1:x"), .wrongType("a.token")),
        (
            query(
                "put",
                "2:id20:\(id)1:k31:\(k31)3:seqi1e3:sig64:\(s64)5:token1:x1:v1:x"
            ), .wrongLength("a.k", 31)
        ),
        (
            query(
                "put",
                "2:id20:\(id)1:k32:\(k32)3:seqi1e3:sig63:\(s63)5:token1:x1:v1:x"
            ), .wrongLength("a.sig", 63)
        ),
        (
            query("put", "2:id20:\(id)1:k32:\(k32)3:seqi1e5:token1:x1:v1:x"),
            .missingField("a.sig")
        ),
        (
            query("put", "2:id20:\(id)3:seqi1e3:sig64:\(s64)5:token1:x1:v1:x"),
            .missingField("a.k")
        ),
        (
            query(
                "put",
                "2:id20:\(id)1:k32:\(k32)3:sig64:\(s64)5:token1:x1:v1:x"
            ), .missingField("a.seq")
        ),
        (query("put", "2:id20:\(id)4:salt3:abc5:token1:x1:v1:x"), .missingField("a.k")),
        (query("put", "3:casi1e2:id20:\(id)5:token1:x1:v1:x"), .missingField("a.k")),
        (query("put", "2:id20:\(id)3:seqi1e5:token1:x1:v1:x"), .missingField("a.k")),
        (
            query(
                "put",
                "3:casi-2e2:id20:\(id)1:k32:\(k32)3:seqi1e3:sig64:\(s64)5:token1:x1:v1:x"
            ), .outOfRange("a.cas", -2)
        ),
        (
            query(
                "put",
                "2:id20:\(id)1:k32:\(k32)3:seqi-1e3:sig64:\(s64)5:token1:x1:v1:x"
            ), .outOfRange("a.seq", -1)
        ),
        (
            query(
                "put",
                "2:id20:\(id)1:k32:\(k32)4:salti1e3:seqi1e3:sig64:\(s64)5:token1:x1:v1:x"
            ), .wrongType("a.salt")
        ),
        ("d1:ad2:id20:\(id)e1:q4:ping1:t2:aa1:vi1e1:y1:qe", .wrongType("v")),
    ])
    func aMalformedQueryIsAnswered203WithItsTransactionID(wire: String, reason: KRPCMalformation) throws {
        let failure = try #require(throws: KRPCDecodeError.self) { try KRPCMessage(decoding: Array(wire.utf8)) }
        #expect(failure == .malformedQuery(transactionID: Self.tid, reason: reason))
        #expect(failure.errorReply?.code == KRPCErrorReply.Code.protocolError)
        #expect(failure.errorReply?.message == reason.description)
    }

    @Test func anUnknownMethodIsAnswered204EvenWithoutArguments() throws {
        for (wire, method) in [
            ("d1:q17:sample_infohashes1:t2:aa1:y1:qe", "sample_infohashes"), ("d1:q0:1:t2:aa1:y1:qe", ""),
        ] {
            #expect(throws: KRPCDecodeError.unknownMethod(transactionID: Self.tid, method: method)) {
                try KRPCMessage(decoding: Array(wire.utf8))
            }
        }
        let binary = Array("d1:q2:".utf8) + [0xFF, 0xFE] + Array("1:t2:aa1:y1:qe".utf8)
        #expect(throws: KRPCDecodeError.unknownMethod(transactionID: Self.tid, method: "\u{FFFD}\u{FFFD}")) {
            try KRPCMessage(decoding: binary)
        }
    }

    @Test func anAnnounceWithImpliedPortMayCarryPortZero() throws {
        let wire = Self.query(
            "announce_peer", "2:id20:\(Self.id)12:implied_porti7e9:info_hash20:\(Self.id)4:porti0e5:token0:")
        let message = try KRPCMessage(decoding: Array(wire.utf8))
        let id = NodeID(bytes: Array(Self.id.utf8))!
        #expect(message.query == .announcePeer(id: id, infoHash: id, port: 0, token: [], impliedPort: true))
    }

    // MARK: - Malformed responses and errors: no reply, but the transaction ID

    @Test(arguments: [
        ("d1:t2:aae", KRPCMalformation.missingField("y")),
        ("d1:t2:aa1:yi1ee", .wrongType("y")),
        ("d1:t2:aa1:y1:xe", .unknownMessageType(Array("x".utf8))),
        ("d1:t2:aa1:y2:qqe", .unknownMessageType(Array("qq".utf8))),
        ("d1:t2:aa1:y1:re", .missingField("r")),
        ("d1:rl2:ide1:t2:aa1:y1:re", .wrongType("r")),
        (response(""), .missingField("r.id")),
        (response("2:id19:mnopqrstuvwxyz12345"), .wrongLength("r.id", 19)),
        (response("2:id20:\(id)5:nodes27:\(String(repeating: "n", count: 27))"), .wrongLength("r.nodes", 27)),
        (response("2:id20:\(id)5:nodes25:\(String(repeating: "n", count: 25))"), .wrongLength("r.nodes", 25)),
        (response("2:id20:\(id)5:nodesi0e"), .wrongType("r.nodes")),
        (response("2:id20:\(id)6:nodes626:\(String(repeating: "n", count: 26))"), .wrongLength("r.nodes6", 26)),
        (response("2:id20:\(id)5:token1:x6:values6:abcdef"), .wrongType("r.values")),
        (response("2:id20:\(id)6:valuesl5:abcdee"), .wrongLength("r.values", 5)),
        (response("2:id20:\(id)6:valuesl6:abcdef7:abcdefge"), .wrongLength("r.values", 7)),
        (response("2:id20:\(id)6:valuesli6ee"), .wrongType("r.values")),
        (response("2:id20:\(id)5:tokeni5e"), .wrongType("r.token")),
        (response("2:id20:\(id)1:k3:abc"), .wrongLength("r.k", 3)),
        (response("2:id20:\(id)3:sig3:abc"), .wrongLength("r.sig", 3)),
        (response("2:id20:\(id)3:seqi-9e"), .outOfRange("r.seq", -9)),
        (response("2:id20:\(id)", before: "2:ip5:abcde"), .wrongLength("ip", 5)),
        (response("2:id20:\(id)", before: "2:ipi1e"), .wrongType("ip")),
        (response("2:id20:\(id)", after: "1:vi2e"), .wrongType("v")),
        ("d1:t2:aa1:y1:ee", .missingField("e")),
        ("d1:e3:bad1:t2:aa1:y1:ee", .wrongType("e")),
        ("d1:eli201ee1:t2:aa1:y1:ee", .wrongType("e")),
        ("d1:el3:bad2:ooe1:t2:aa1:y1:ee", .wrongType("e")),
        ("d1:eli201e2:ooi3ee1:t2:aa1:y1:ee", .wrongType("e")),
    ])
    func aMalformedResponseOrErrorIsNotAnsweredButNamesItsTransaction(wire: String, reason: KRPCMalformation) {
        let expected = KRPCDecodeError.malformedResponse(transactionID: Self.tid, reason: reason)
        #expect(throws: expected) { try KRPCMessage(decoding: Array(wire.utf8)) }
        #expect(expected.transactionID == Self.tid)
        #expect(expected.errorReply == nil)
    }

    @Test func anErrorMessageThatIsNotUTF8IsRepairedAndStillRoundTrips() throws {
        let wire = Array("d1:eli202e2:".utf8) + [0x6F, 0xC3] + Array("e1:t2:aa1:y1:ee".utf8)
        let message = try KRPCMessage(decoding: wire)
        #expect(message.errorReply == KRPCErrorReply(code: 202, message: "o\u{FFFD}"))
        #expect(try KRPCMessage(decoding: message.encoded()) == message)
    }

    // MARK: - Mutations

    /// Valid messages with bytes flipped, cut, duplicated or inserted: each decodes to a message
    /// that round-trips, or fails with an error; none traps.
    @Test func mutatedMessagesDecodeToRoundTrippingMessagesOrFail() throws {
        var random = SeededRandom(defaultSeed: 0x4D55_5441)
        var decodedCount = 0
        for round in 0..<4_000 {
            var wire = KRPCSamples.message(&random, kindIndex: round % 9).encoded()
            for _ in 0...Int.random(in: 0...2, using: &random) where !wire.isEmpty {
                let position = Int.random(in: 0..<wire.count, using: &random)
                switch Int.random(in: 0...3, using: &random) {
                case 0: wire[position] = UInt8.random(in: 0...255, using: &random)
                case 1: wire.removeSubrange(position...)
                case 2: wire.insert(wire[position], at: position)
                default: wire[position] = Array("0123456789deil:".utf8).randomElement(using: &random)!
                }
            }
            guard let message = try? KRPCMessage(decoding: wire) else { continue }
            decodedCount += 1
            #expect(try KRPCMessage(decoding: message.encoded()) == message, "round \(round), \(random)")
        }
        #expect(decodedCount > 100, "the mutations should leave some messages valid (\(random))")
    }
}
