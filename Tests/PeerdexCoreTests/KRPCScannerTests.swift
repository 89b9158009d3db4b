import PeerdexTestSupport
import Testing

@testable import PeerdexCore

/// `KRPCScanner` and the decoder built on it against the generic path they replace: the same
/// inputs accepted, the same `BencodeError` (offset included) for every other, and the same
/// `KRPCMessage` or `KRPCDecodeError` out of the codec.
@Suite struct KRPCScannerTests {
    private static let limits = KRPCMessage.decodingLimits

    // MARK: - Corpus

    /// Hand-made edge cases of the grammar and the limits.
    private static let edgeCases: [String] = [
        "", "d", "de", "le", "i0e", "i-0e", "i00e", "i-1e", "i-e", "ie", "i1", "i9223372036854775807e",
        "i9223372036854775808e", "i-9223372036854775808e", "i-9223372036854775809e", "i99999999999999999999e",
        "0:", "00:", "01:a", "1:", "1:ab", "99999999999999999999:", "4:spam", "3:abc", "d1:a", "d1:ai1e",
        "d1:ai1e1:ai2ee", "d1:bi1e1:ai2ee", "d2:aai1e1:bi2ee", "d1:a1:b2:aa1:ce", "di1e1:ae", "dle1:ae",
        "d1:ad1:bd1:cdeeee", "d1:ad1:bd1:cdeeee", "l1:a", "li1ei2ee", "lli1eee", "x", "d1:ae", "d1:t2:aae ",
        "d1:rd2:id20:abcdefghij0123456789e1:t2:aa1:y1:re", "d1:rd2:id20:abcdefghij0123456789e1:t2:aa1:y1:reXX",
        "d1:t2:aa1:y1:q1:q4:pinge", "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe",
        "d1:ad2:id20:abcdefghij01234567891:ai1e1:ai1ee1:q4:ping1:t2:aa1:y1:qe",
        String(repeating: "l", count: 10) + String(repeating: "e", count: 10),
        String(repeating: "l", count: 11) + String(repeating: "e", count: 11),
        String(repeating: "d1:a", count: 10) + "i0e" + String(repeating: "e", count: 10),
        "l" + String(repeating: "i0e", count: 511) + "e", "l" + String(repeating: "i0e", count: 512) + "e",
        "d" + (0..<300).map { "3:\(100 + $0)i0e" }.joined() + "e",
        "4:" + String(repeating: "x", count: 2_044), "4:" + String(repeating: "x", count: 2_046),
    ]

    /// Valid messages of every kind, libtorrent's captured packets, the edge cases, and all of
    /// them flipped, cut, duplicated or spliced with bencode's own bytes.
    private static func corpus(_ random: inout SeededRandom) -> [[UInt8]] {
        var valid = KRPCInteropTests.packets().map(\.bytes)
        for round in 0..<900 { valid.append(KRPCSamples.message(&random, kindIndex: round % 9).encoded()) }
        valid += edgeCases.map { Array($0.utf8) }
        var corpus = valid
        let grammar = Array("0123456789deil:-".utf8)
        for round in 0..<12_000 {
            var wire = valid[round % valid.count]
            for _ in 0...Int.random(in: 0...3, using: &random) where !wire.isEmpty {
                let position = Int.random(in: 0..<wire.count, using: &random)
                switch Int.random(in: 0...5, using: &random) {
                case 0: wire[position] = UInt8.random(in: 0...255, using: &random)
                case 1: wire.removeSubrange(position...)
                case 2: wire.insert(wire[position], at: position)
                case 3: wire.remove(at: position)
                case 4: wire.insert(grammar.randomElement(using: &random)!, at: position)
                default: wire[position] = grammar.randomElement(using: &random)!
                }
            }
            corpus.append(wire)
        }
        for _ in 0..<8_000 {
            corpus.append((0..<Int.random(in: 1...24, using: &random)).map { _ in grammar.randomElement(using: &random)! })
        }
        return corpus
    }

    // MARK: - Bencode

    @Test func theScannerAcceptsAndRefusesExactlyWhatTheDecoderDoes() throws {
        var random = SeededRandom(defaultSeed: 0x5343_414E)
        var accepted = 0
        for wire in Self.corpus(&random) {
            let decoded = Result { () throws(BencodeError) in try BencodeDecoder.decode(wire, limits: Self.limits) }
            let scanned = Result { () throws(BencodeError) in try KRPCScanner.scan(wire, limits: Self.limits) }
            switch (decoded, scanned) {
            case (.success(let value), .success(let scan)):
                accepted += 1
                #expect(Self.tree(scan.root, in: scan) == value, "\(HexBytes.encode(wire)) (\(random))")
            case (.failure(let expected), .failure(let error)):
                #expect(error == expected, "\(HexBytes.encode(wire)) (\(random))")
            default:
                Issue.record("decoder \(decoded), scanner \(scanned) on \(HexBytes.encode(wire)) (\(random))")
            }
        }
        #expect(accepted > 1_000, "the corpus should hold many valid values (\(random))")
    }

    @Test func eachDictionarysEntriesAreItsOwnInKeyOrder() throws {
        let wire = Array("d1:ad1:bd1:ci1eee1:dli1ed1:e0:ee1:f3:xyze".utf8)
        let scan = try KRPCScanner.scan(wire, limits: Self.limits)
        func keys(_ span: KRPCScanner.Span) -> [String] {
            scan.entries[span.contents].map { String(decoding: wire[$0.key], as: UTF8.self) }
        }
        #expect(keys(scan.root) == ["a", "d", "f"])
        let a = scan.entries[scan.root.contents.lowerBound]
        #expect(keys(a) == ["b"])
        #expect(keys(scan.entries[a.contents.lowerBound]) == ["c"])
        let f = scan.entries[scan.root.contents.upperBound - 1]
        #expect(f.kind == .bytes && Array(wire[f.contents]) == Array("xyz".utf8))
    }

    // MARK: - KRPC

    @Test func theScanningDecoderAgreesWithTheGenericOneOnEveryInput() throws {
        var random = SeededRandom(defaultSeed: 0x4B52_5043)
        var decodedCount = 0
        for wire in Self.corpus(&random) {
            let expected = Result { () throws(KRPCDecodeError) in try KRPCGenericDecoder.decode(wire) }
            let actual = Result { () throws(KRPCDecodeError) in try KRPCMessage(decoding: wire) }
            if case .success = actual { decodedCount += 1 }
            #expect(actual == expected, "\(HexBytes.encode(wire)) (\(random))")
        }
        #expect(decodedCount > 1_000, "the corpus should hold many valid messages (\(random))")
    }

    @Test func compactNodesAndEndpointsAreReadInPlaceAsTheListDecoderReadsThem() throws {
        var random = SeededRandom(defaultSeed: 0x4E4F_4445)
        let v4 = (0..<8 * 26).map { _ in UInt8.random(in: 0...255, using: &random) }
        let v6 = (0..<3 * 38).map { _ in UInt8.random(in: 0...255, using: &random) }
        let wire =
            Array("d1:rd2:id20:".utf8) + v4[0..<20] + Array("5:nodes208:".utf8) + v4 + Array("6:nodes6114:".utf8) + v6
            + Array("e1:t2:aa1:y1:re".utf8)
        let response = try #require(try KRPCMessage(decoding: wire).response)
        #expect(response.id == NodeID(bytes: v4[0..<20]))
        #expect(response.nodes == DHTNodeInfo.decodeList(v4, entryLength: 26))
        #expect(response.nodes6 == DHTNodeInfo.decodeList(v6, entryLength: 38))
        for start in [0, 3, v4.count - 20] {
            #expect(NodeID(v4, at: start) == NodeID(bytes: v4[start..<start + 20]))
        }
    }

    // MARK: - Helpers

    /// The value a span describes, built from the scan alone (lists, whose items are not
    /// recorded, from their own bytes).
    private static func tree(_ span: KRPCScanner.Span, in scan: KRPCScanner.Scan) -> BencodeValue? {
        switch span.kind {
        case .integer: return .integer(span.integer)
        case .bytes: return .bytes(Array(scan.input[span.contents]))
        case .list: return try? BencodeDecoder.decode(Array(scan.input[span.value]), limits: limits)
        case .dictionary:
            var entries = [[UInt8]: BencodeValue]()
            for entry in scan.entries[span.contents] {
                guard let value = tree(entry, in: scan) else { return nil }
                entries[Array(scan.input[entry.key])] = value
            }
            return .dictionary(entries)
        }
    }
}
