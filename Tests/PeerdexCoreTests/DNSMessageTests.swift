import Testing

@testable import PeerdexCore

/// The mDNS codec on valid messages: every record type survives a round trip, names compress
/// and expand, names compare as RFC 6762 says, and TXT attributes follow RFC 6763 §6.
@Suite struct DNSMessageTests {
    static func name(_ text: String) -> DNSName {
        do { return try DNSName(text) } catch { fatalError("test name \(text): \(error)") }
    }

    static let service = name("_peerdex._tcp.local")
    static let instance = name("Ada's Laptop\\. Home._peerdex._tcp.local")
    static let host = name("Ada-Laptop.local")

    /// One record of every kind the codec types, in every section.
    static let everyKind = DNSMessage(
        id: 0x1234,
        flags: .response,
        questions: [
            DNSQuestion(name: service, type: .ptr, unicastResponse: true), DNSQuestion(name: host, type: .any),
        ],
        answers: [
            DNSResourceRecord(name: service, ttl: 4_500, data: .pointer(instance)),
            DNSResourceRecord(
                name: instance, ttl: 120,
                data: .service(DNSServiceData(priority: 1, weight: 2, port: 4_242, target: host)),
                cacheFlush: true
            ),
            DNSResourceRecord(
                name: instance, ttl: 4_500, data: .text([Array("v=1".utf8), [], [0, 0xFF]]), cacheFlush: true),
        ],
        authorities: [
            DNSResourceRecord(name: host, ttl: 120, data: .address(IPAddress(parsing: "192.168.1.20")!)),
            DNSResourceRecord(name: host, ttl: 0, data: .address(IPAddress(parsing: "fe80::1")!)),
        ],
        additionals: [
            DNSResourceRecord(
                name: host, ttl: 120,
                data: .nextSecure(next: host, types: [.a, .aaaa, .srv, DNSRecordType(rawValue: 300)])
            ),
            DNSResourceRecord(
                name: host, ttl: 7, data: .unknown(DNSRecordType(rawValue: 99), [1, 2, 3]), recordClass: 3),
            DNSResourceRecord(name: .root, ttl: 0, data: .unknown(.opt, []), recordClass: 1_440),
        ]
    )

    // MARK: - Round trips

    @Test func everyRecordKindSurvivesARoundTripWithNamesInTheirOriginalCase() throws {
        let bytes = try Self.everyKind.encoded()
        let decoded = try DNSMessage(decoding: bytes)
        #expect(decoded == Self.everyKind)
        let allNames =
            decoded.questions.map(\.name) + (decoded.answers + decoded.authorities + decoded.additionals).map(\.name)
        let originalNames =
            Self.everyKind.questions.map(\.name)
            + (Self.everyKind.answers + Self.everyKind.authorities + Self.everyKind.additionals).map(\.name)
        #expect(allNames.map(\.labels) == originalNames.map(\.labels))
        #expect(decoded.answers[0].data == .pointer(Self.instance))
        if case .pointer(let target) = decoded.answers[0].data {
            #expect(target.labels.first == Array("Ada's Laptop. Home".utf8))
        }
        #expect(try decoded.encoded() == bytes, "re-encoding is stable")
    }

    @Test func headerFlagsAndClassBitsAreKept() throws {
        var flags = DNSFlags()
        flags.isResponse = true
        flags.isAuthoritative = true
        flags.isTruncated = true
        flags.opcode = 5
        flags.responseCode = 3
        #expect(flags.rawValue == 0b1_0101_1_1_0_0000_0011)
        let message = DNSMessage(id: 7, flags: flags)
        let decoded = try DNSMessage(decoding: message.encoded())
        #expect(decoded.flags.isResponse && decoded.flags.isAuthoritative && decoded.flags.isTruncated)
        #expect(decoded.flags.opcode == 5 && decoded.flags.responseCode == 3 && decoded.id == 7)
        #expect(DNSFlags.response.isResponse && DNSFlags.response.isAuthoritative && !DNSFlags.response.isTruncated)

        let roundTripped = try DNSMessage(decoding: Self.everyKind.encoded())
        #expect(roundTripped.questions.map(\.unicastResponse) == [true, false])
        #expect(roundTripped.answers.map(\.cacheFlush) == [false, true, true])
        #expect(roundTripped.additionals.map(\.recordClass) == [1, 3, 1_440])
    }

    @Test func anEmptyTextRecordGoesOutAsOneEmptyString() throws {
        let message = DNSMessage(answers: [DNSResourceRecord(name: Self.instance, ttl: 1, data: .text([]))])
        let bytes = try message.encoded()
        #expect(bytes.suffix(3) == [0, 1, 0], "data length 1, one empty string")
        #expect(try DNSMessage(decoding: bytes).answers[0].data == .text([[]]))
    }

    @Test func nsecBitmapsUseOneWindowPerHighByte() throws {
        let record = DNSResourceRecord(name: .root, ttl: 1, data: .nextSecure(next: .root, types: [.a, .aaaa, .nsec]))
        let bytes = try DNSMessage(answers: [record]).encoded()
        // next name (root), window 0, 6 bytes: A is bit 1, AAAA bit 28, NSEC bit 47.
        #expect(bytes.suffix(9) == [0, 0, 6, 0x40, 0, 0, 0x08, 0, 0x01])
    }

    // MARK: - Compression

    @Test func aRepeatedSuffixBecomesAPointerToItsFirstAppearance() throws {
        let message = DNSMessage(questions: [
            DNSQuestion(name: Self.name("a.local"), type: .a), DNSQuestion(name: Self.name("b.local"), type: .a),
        ])
        let bytes = try message.encoded()
        #expect(bytes.count == 12 + 9 + 4 + 4 + 4)
        #expect(Array(bytes[25..<29]) == [1, UInt8(ascii: "b"), 0xC0, 14], "b, then a pointer to `local` at 14")
        #expect(try DNSMessage(decoding: bytes) == message)
    }

    @Test func compressionShrinksAnAnnouncementAndDecodingExpandsIt() throws {
        let bytes = try Self.everyKind.encoded()
        let records = Self.everyKind.answers + Self.everyKind.authorities + Self.everyKind.additionals
        let uncompressedNames =
            Self.everyKind.questions.map(\.name.wireLength).reduce(0, +)
            + records.map(\.name.wireLength).reduce(0, +) + Self.instance.wireLength + 2 * Self.host.wireLength
        #expect(bytes.count < 12 + uncompressedNames, "names alone would take more than the whole message")
        #expect(
            try DNSMessage(decoding: bytes).answers[1].data
                == .service(DNSServiceData(priority: 1, weight: 2, port: 4_242, target: Self.host)))
    }

    @Test func compressionNeverChainsMorePointersThanADecoderFollows() throws {
        var labels = [[UInt8]]()
        var questions = [DNSQuestion]()
        for index in 0..<60 {
            labels.insert([UInt8(ascii: "a") + UInt8(index % 26)], at: 0)
            questions.append(DNSQuestion(name: try DNSName(labels: labels), type: .a))
        }
        let message = DNSMessage(questions: questions)
        #expect(try DNSMessage(decoding: message.encoded()) == message)
    }

    @Test func casesOfOneNameAreNotMergedByCompression() throws {
        let message = DNSMessage(questions: [
            DNSQuestion(name: Self.name("Host.LOCAL"), type: .a), DNSQuestion(name: Self.name("host.local"), type: .a),
        ])
        let decoded = try DNSMessage(decoding: message.encoded())
        #expect(decoded.questions.map(\.name.labels) == message.questions.map(\.name.labels))
    }

    // MARK: - Names

    @Test func namesCompareWithAsciiFoldingOnly() throws {
        #expect(Self.name("Ada-Laptop.LOCAL") == Self.name("ada-laptop.local"))
        #expect(Self.name("Ada-Laptop.LOCAL").hashValue == Self.name("ada-laptop.local").hashValue)
        #expect(Self.name("\u{C9}cole.local") != Self.name("\u{E9}cole.local"), "non-ASCII letters do not fold")
        #expect(Self.name("a.b.local") != Self.name("a.local"))
        #expect(Self.instance.isWithin(Self.name("_PEERDEX._tcp.local.")))
        #expect(!Self.service.isWithin(Self.instance))
    }

    @Test func presentationTextEscapesDotsInsideLabels() throws {
        let instance = try Self.service.prepending("Ada. Home \\ 2")
        #expect(instance.labels.count == 4)
        #expect(instance.description == "Ada\\. Home \\\\ 2._peerdex._tcp.local")
        #expect(try DNSName(instance.description).labels == instance.labels)
        #expect(DNSName.root.description == ".")
        #expect(try DNSName(".") == .root)
    }

    @Test func labelsAndNamesHaveTheirLimits() throws {
        let label63 = String(repeating: "x", count: 63)
        #expect(throws: DNSNameError.labelTooLong(64)) { try DNSName(label63 + "x.local") }
        #expect(throws: DNSNameError.emptyLabel) { try DNSName("a..local") }
        let name255 = try DNSName(
            [label63, label63, label63, String(repeating: "y", count: 61)].joined(separator: "."))
        #expect(name255.wireLength == 255)
        #expect(throws: DNSNameError.nameTooLong(257)) { try name255.prepending("z") }
    }

    // MARK: - TXT attributes

    @Test func textAttributesFollowTheFirstOfEachKeyCaseInsensitively() {
        let strings: [[UInt8]] = [
            Array("v=1".utf8), Array("ID=abc".utf8), Array("id=forged".utf8), Array("flag".utf8), Array("empty=".utf8),
            Array("=novalue".utf8), [], Array("bad\u{1}key=x".utf8), Array("name=A=B".utf8),
        ]
        let attributes = DNSTextAttributes(strings: strings)
        #expect(attributes.attributes.map(\.key) == ["v", "ID", "flag", "empty", "name"])
        #expect(attributes.text(forKey: "id") == "abc")
        #expect(attributes.attribute(forKey: "FLAG") == DNSTextAttributes.Attribute(key: "flag", value: nil))
        #expect(attributes.text(forKey: "flag") == nil && attributes.text(forKey: "empty") == "")
        #expect(attributes.text(forKey: "name") == "A=B" && attributes.text(forKey: "missing") == nil)
    }

    @Test func textAttributesEncodeToStringsAndBack() throws {
        let attributes = try DNSTextAttributes([
            .init(key: "v", text: "1"), .init(key: "n", text: "Ada Lovelace"), .init(key: "ready", value: nil),
        ])
        #expect(attributes.strings == [Array("v=1".utf8), Array("n=Ada Lovelace".utf8), Array("ready".utf8)])
        #expect(DNSTextAttributes(strings: attributes.strings) == attributes)
        #expect(throws: DNSTextAttributesError.repeatedKey("V")) {
            try DNSTextAttributes([.init(key: "v", value: nil), .init(key: "V", value: nil)])
        }
        #expect(throws: DNSTextAttributesError.invalidKey("a=b")) {
            try DNSTextAttributes([.init(key: "a=b", value: nil)])
        }
        #expect(throws: DNSTextAttributesError.invalidKey("")) { try DNSTextAttributes([.init(key: "", value: [1])]) }
        let long = [UInt8](repeating: 0x61, count: 254)
        #expect(throws: DNSTextAttributesError.attributeTooLong("k", 256)) {
            try DNSTextAttributes([.init(key: "k", value: long)])
        }
        #expect(try DNSTextAttributes([.init(key: "k", value: Array(long.dropFirst()))]).strings[0].count == 255)
    }
}
