import PeerdexTestSupport
import Testing

@testable import PeerdexCore

@Suite struct ProfileRecordTests {
    /// Bytes from text written with `\u{..}` escapes for raw bytes below 0x100.
    static func bytes(_ text: String) -> [UInt8] { text.unicodeScalars.map { UInt8($0.value) } }

    let localhost = DHTEndpoint(compact: [127, 0, 0, 1, 0x1D, 0x17])!
    let ipv6Hint = DHTEndpoint(compact: [UInt8](repeating: 0xFE, count: 16) + [0xFF, 0xFF])!

    // MARK: - Round trips

    @Test func anOpenRecordHasCanonicalBytesAndRoundTrips() throws {
        // Given a public profile's record with every field
        let profile = Profile(name: "Anna", interests: ["jazz"], location: "Oslo", visibility: .public)
        let record = ProfileRecord(profile: profile, port: 7447, addressHints: [localhost], capabilities: ["ping"])
        // When it is encoded
        let encoded = try record.encoded()
        // Then the keys are sorted bytewise, and decoding gives back the same record
        let hint = "\u{7F}\u{0}\u{0}\u{1}\u{1D}\u{17}"
        #expect(encoded == Self.bytes("d1:al6:\(hint)e1:cl4:pinge1:il4:jazze1:l4:Oslo1:n4:Anna1:pi7447e1:vi1ee"))
        let decoded = try ProfileRecord(decoding: encoded)
        #expect(decoded == record)
        #expect(decoded.name == "Anna" && decoded.interests == ["jazz"] && decoded.location == "Oslo")
        #expect(decoded.addressHints.map(\.description) == ["127.0.0.1:7447"])
    }

    @Test func aSealedRecordRoundTrips() throws {
        let record = ProfileRecord(
            content: .sealed(ciphertext: [0, 1, 2, 255], audienceKeyID: [9, 9]), port: 1, addressHints: [ipv6Hint])
        let encoded = try record.encoded()
        let hint = String(repeating: "\u{FE}", count: 16) + "\u{FF}\u{FF}"
        #expect(encoded == Self.bytes("d1:al18:\(hint)e1:e4:\u{0}\u{1}\u{2}\u{FF}1:pi1e1:vi1e1:x2:\u{9}\u{9}e"))
        let decoded = try ProfileRecord(decoding: encoded)
        #expect(decoded == record)
        #expect(decoded.name == nil && decoded.interests == nil && decoded.location == nil)
    }

    @Test func theSmallestRecordIsAnEmptyOpenOne() throws {
        let record = try ProfileRecord(decoding: Array("d1:vi1ee".utf8))
        #expect(record == ProfileRecord(content: .open(name: "", interests: [], location: "")))
        #expect(try record.encoded() == Array("d1:vi1ee".utf8))
        // Explicitly empty fields read as absent ones
        #expect(try ProfileRecord(decoding: Array("d1:ale1:cle1:ile1:l0:1:n0:1:vi1ee".utf8)) == record)
    }

    @Test func unknownKeysAreKeptAndIgnored() throws {
        // Given a record from a newer peer, with keys this version does not know
        let input = Array("d1:n4:Anna1:vi1e1:zd1:ki1ee2:zzl1:xee".utf8)
        // When it is read
        let record = try ProfileRecord(decoding: input)
        // Then the known fields are read, and the unknown ones come back unchanged on re-encoding
        #expect(record.name == "Anna")
        #expect(record.unknownFields.count == 2)
        #expect(record.unknownFields[Array("z".utf8)] == .dictionary(["k": .integer(1)]))
        #expect(try record.encoded() == input)
    }

    @Test func aKnownKeyAmongTheUnknownGivesWayToTheField() throws {
        let record = ProfileRecord(
            content: .open(name: "Anna", interests: [], location: ""), unknownFields: [Array("n".utf8): .integer(5)])
        #expect(try record.encoded() == Array("d1:n4:Anna1:vi1ee".utf8))
    }

    @Test func theSaltIsTheFifteenBytesOfTheBrief() {
        #expect(ProfileRecord.salt == Array("peerdex/profile".utf8))
        #expect(ProfileRecord.salt.count == 15)
    }

    // MARK: - Size

    @Test func theLargestValidProfileFitsWithPortHintsAndCapabilities() throws {
        // Given a profile at every limit, in the widest characters, and a generous node part
        let profile = Profile(
            name: String(repeating: "é", count: Profile.maximumNameBytes / 2),
            interests: (0..<Profile.maximumInterestCount).map {
                "\($0)".padding(toLength: 32, withPad: "x", startingAt: 0)
            },
            location: String(repeating: "l", count: Profile.maximumLocationBytes))
        try profile.validate()
        let capabilities = (0..<8).map { "\($0)".padding(toLength: 16, withPad: "c", startingAt: 0) }
        let record = ProfileRecord(
            profile: profile, port: 65535, addressHints: Array(repeating: ipv6Hint, count: 4),
            capabilities: capabilities)
        // Then it encodes within the limit, with the room the documentation promises
        let encoded = try record.encoded()
        #expect(encoded.count == 829)
        #expect(try ProfileRecord(decoding: encoded) == record)
    }

    @Test func aRecordOverTheLimitIsRefusedBothWays() throws {
        // Given a record whose unknown field makes it one byte too long
        // d 1:v i1e 1:z 985: <985 bytes> e: 15 bytes of structure around the filler
        let filler = [UInt8](repeating: 0x61, count: 985)
        let exact = ProfileRecord(
            content: .open(name: "", interests: [], location: ""), unknownFields: [Array("z".utf8): .bytes(filler)])
        let exactBytes = try exact.encoded()
        #expect(exactBytes.count == 1_000)
        #expect(try ProfileRecord(decoding: exactBytes) == exact)
        var over = exact
        over.unknownFields[Array("z".utf8)] = .bytes(filler + [0x61])
        // Then encoding, decoding bytes and reading a decoded value all refuse it
        #expect(throws: ProfileRecordError.tooLarge(size: 1_001, limit: 1_000)) { try over.encoded() }
        let overBytes = over.bencodeValue.encoded()
        #expect(throws: ProfileRecordError.tooLarge(size: 1_001, limit: 1_000)) {
            try ProfileRecord(decoding: overBytes)
        }
        #expect(throws: ProfileRecordError.tooLarge(size: 1_001, limit: 1_000)) {
            try ProfileRecord(value: over.bencodeValue)
        }
        // And a huge input is refused before it is parsed
        let huge = [UInt8](repeating: 0x6C, count: 1 << 20)
        #expect(throws: ProfileRecordError.tooLarge(size: 1 << 20, limit: 1_000)) { try ProfileRecord(decoding: huge) }
    }

    @Test func portZeroIsNeverWritten() {
        let record = ProfileRecord(content: .open(name: "", interests: [], location: ""), port: 0)
        #expect(throws: ProfileRecordError.outOfRange(key: "p", value: 0)) { try record.encoded() }
    }

    // MARK: - Hostile records

    /// Records that must be refused, each with the error it must give.
    static let refused: [(String, ProfileRecordError)] = [
        ("li1ee", .notADictionary),
        ("d1:n4:Annae", .missingKey("v")),
        ("d1:v1:1e", .wrongType(key: "v", expected: "an integer")),
        ("d1:vi2ee", .unsupportedVersion(2)),
        ("d1:ni5e1:vi2ee", .unsupportedVersion(2)),
        ("d1:vi-1ee", .unsupportedVersion(-1)),
        ("d1:ni5e1:vi1ee", .wrongType(key: "n", expected: "a UTF-8 string")),
        ("d1:n2:\u{FF}\u{FE}1:vi1ee", .wrongType(key: "n", expected: "a UTF-8 string")),
        ("d1:lle1:vi1ee", .wrongType(key: "l", expected: "a UTF-8 string")),
        ("d1:i4:jazz1:vi1ee", .wrongType(key: "i", expected: "a list of UTF-8 strings")),
        ("d1:ili1ee1:vi1ee", .wrongType(key: "i", expected: "a list of UTF-8 strings")),
        ("d1:p4:74471:vi1ee", .wrongType(key: "p", expected: "an integer")),
        ("d1:pi0e1:vi1ee", .outOfRange(key: "p", value: 0)),
        ("d1:pi-1e1:vi1ee", .outOfRange(key: "p", value: -1)),
        ("d1:pi65536e1:vi1ee", .outOfRange(key: "p", value: 65536)),
        ("d1:pi9223372036854775807e1:vi1ee", .outOfRange(key: "p", value: .max)),
        ("d1:a6:abcdef1:vi1ee", .wrongType(key: "a", expected: "a list of byte strings")),
        ("d1:ali1ee1:vi1ee", .wrongType(key: "a", expected: "a list of byte strings")),
        ("d1:al5:abcdee1:vi1ee", .invalidAddressHint(length: 5)),
        ("d1:al0:e1:vi1ee", .invalidAddressHint(length: 0)),
        ("d1:cld1:ai1eee1:vi1ee", .wrongType(key: "c", expected: "a list of UTF-8 strings")),
        ("d1:e3:abc1:vi1ee", .missingKey("x")),
        ("d1:vi1e1:x1:ke", .missingKey("e")),
        ("d1:ei1e1:vi1e1:x1:ke", .wrongType(key: "e", expected: "a byte string")),
        ("d1:e3:abc1:vi1e1:xli1eee", .wrongType(key: "x", expected: "a byte string")),
        ("d1:e3:abc1:n4:Anna1:vi1e1:x1:ke", .mixedContent),
        ("d1:e3:abc1:ile1:vi1e1:x1:ke", .mixedContent),
    ]

    @Test(arguments: refused)
    func aHostileRecordIsRefusedWithItsReason(_ input: String, _ expected: ProfileRecordError) {
        #expect(throws: expected) { try ProfileRecord(decoding: Self.bytes(input)) }
        #expect(!expected.description.contains("\n"))
    }

    @Test(arguments: ["d1:vi01ee", "d1:vi1e1:n1:ae", "d1:vi1eex", "d1:vi1e", "", "d1:v", "i1", "d1:vi1e1:v1:ae"])
    func bytesThatAreNotCanonicalBencodeAreMalformed(_ input: String) {
        #expect {
            try ProfileRecord(decoding: Array(input.utf8))
        } throws: { error in
            guard case .malformed = error as? ProfileRecordError else { return false }
            return true
        }
    }

    @Test func deepNestingInAnUnknownKeyIsRefused() {
        let nested = String(repeating: "l", count: 400) + String(repeating: "e", count: 400)
        #expect {
            try ProfileRecord(decoding: Array("d1:vi1e1:z\(nested)e".utf8))
        } throws: { error in
            guard case .malformed(.tooDeep) = error as? ProfileRecordError else { return false }
            return true
        }
    }

    @Test func mutatedRecordsNeverTrapAndWhatDecodesIsStable() throws {
        // Given a valid record with every kind of field
        let record = ProfileRecord(
            content: .open(name: "Zoë", interests: ["jazz", "go"], location: "Berlin"), port: 7447,
            addressHints: [localhost, ipv6Hint], capabilities: ["ping", "query"],
            unknownFields: [Array("z".utf8): .list([.integer(1), .string("x")])])
        let valid = try record.encoded()
        var random = SeededRandom(defaultSeed: 44)
        for _ in 0..<5_000 {
            // When random bytes of it are changed, dropped or repeated
            var input = valid
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let index = Int.random(in: 0..<input.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: input[index] = UInt8.random(in: 0...255, using: &random)
                case 1: input.remove(at: index)
                default: input.insert(input[index], at: index)
                }
                if input.isEmpty { input = [0x64] }
            }
            // Then decoding either fails with an error or gives a record that re-encodes to itself
            guard let decoded = try? ProfileRecord(decoding: input) else { continue }
            let again = try #require(try? decoded.encoded(), "\(input), \(random)")
            #expect(try ProfileRecord(decoding: again) == decoded, "\(input), \(random)")
        }
    }
}
