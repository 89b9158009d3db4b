import PeerdexTestSupport
import Testing

@testable import PeerdexCore

/// Packets from anyone on the LAN: every way a message can be malformed or oversized ends in one
/// specific `DNSMessageError`, never a trap or unbounded work.
@Suite struct DNSMessageHostileTests {
    /// A header with ID 0, flags 0 and the given counts.
    static func header(questions: Int = 0, answers: Int = 0, authorities: Int = 0, additionals: Int = 0) -> [UInt8] {
        [0, 0, 0, 0] + [questions, answers, authorities, additionals].flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// Type A, class IN, TTL 120, then the data length.
    static func fieldsOfA(length: Int) -> [UInt8] {
        [0, 1, 0, 1, 0, 0, 0, 120, UInt8(length >> 8), UInt8(length & 0xFF)]
    }

    static let questionA: [UInt8] = [0, 1, 0, 1]

    static func decode(_ bytes: [UInt8], limits: DNSMessageLimits = .default) throws(DNSMessageError) {
        _ = try DNSMessage(decoding: bytes, limits: limits)
    }

    // MARK: - Truncation

    @Test(arguments: [
        ([UInt8](), DNSMessageError.truncatedHeader(length: 0)),
        ([0, 0, 0, 0, 0, 1, 0, 0, 0], .truncatedHeader(length: 9)),
        (header(questions: 1), .truncatedName(offset: 12)),
        (header(questions: 1) + [5, 0x61, 0x62], .truncatedName(offset: 12)),
        (header(questions: 2) + [1, 0x61, 0] + questionA + [0xC0], .truncatedName(offset: 19)),
        (header(questions: 1) + [1, 0x61, 0, 0, 1], .truncatedFields(offset: 15)),
        (header(answers: 1) + [0] + fieldsOfA(length: 4).dropLast(), .truncatedFields(offset: 13)),
        (header(answers: 1) + [0] + fieldsOfA(length: 4) + [10, 0], .truncatedRecordData(offset: 23, length: 4)),
        (header(questions: 2) + [0] + questionA, .truncatedName(offset: 17)),
    ])
    func truncatedMessagesSayWhere(bytes: [UInt8], error: DNSMessageError) {
        #expect(throws: error) { try Self.decode(bytes) }
    }

    /// A datagram cut anywhere (a drip-feed of one byte more each time) is refused as truncated,
    /// never taken for a shorter message.
    @Test func everyPrefixOfARealAnnouncementIsRefusedAsTruncated() {
        let packet = DNSMessageInteropTests.announcement
        for length in 0..<packet.count {
            do {
                try Self.decode(Array(packet.prefix(length)))
                Issue.record("a prefix of \(length) bytes was accepted")
            } catch {
                switch error {
                case .truncatedHeader, .truncatedName, .truncatedFields, .truncatedRecordData: break
                default: Issue.record("a prefix of \(length) bytes: \(error)")
                }
            }
        }
    }

    // MARK: - Names and pointers

    @Test func aPointerBackIntoItsOwnNameIsALoop() {
        // "a" then a pointer to 12, where "a" starts: a.a.a.a... forever without the check.
        #expect(throws: DNSMessageError.pointerLoop(offset: 14, target: 12)) {
            try Self.decode(Self.header(questions: 1) + [1, 0x61, 0xC0, 12] + Self.questionA)
        }
        // A pointer to itself is not before itself.
        let twoHop = Self.header(questions: 2) + [1, 0x61, 0] + Self.questionA + [0xC0, 21] + Self.questionA
        #expect(throws: DNSMessageError.forwardPointer(offset: 19, target: 21)) { try Self.decode(twoHop) }
    }

    @Test(arguments: [
        (header(questions: 1) + [0xC0, 12] + questionA, DNSMessageError.forwardPointer(offset: 12, target: 12)),
        (
            header(questions: 1) + [0xC0, 40] + questionA + [UInt8](repeating: 0, count: 40),
            .forwardPointer(offset: 12, target: 40)
        ),
        (header(questions: 1) + [0xC0, 2] + questionA, .forwardPointer(offset: 12, target: 2)),
        (header(questions: 1) + [0xFF, 0xFF] + questionA, .forwardPointer(offset: 12, target: 0x3FFF)),
    ])
    func pointersMustPointStrictlyBackIntoTheSections(bytes: [UInt8], error: DNSMessageError) {
        #expect(throws: error) { try Self.decode(bytes) }
    }

    @Test func aLabelOf64IsRefusedAndSoAreTheReservedLabelTypes() {
        let label64 = [UInt8(64)] + [UInt8](repeating: 0x61, count: 64) + [0]
        #expect(throws: DNSMessageError.invalidName(.labelTooLong(64), offset: 12)) {
            try Self.decode(Self.header(questions: 1) + label64 + Self.questionA)
        }
        #expect(throws: DNSMessageError.invalidName(.labelTooLong(0x80), offset: 14)) {
            try Self.decode(Self.header(questions: 1) + [1, 0x61, 0x80, 0] + Self.questionA)
        }
    }

    @Test func aNameOver255BytesIsRefusedEvenWhenPointersBuildIt() {
        let label63 = [UInt8(63)] + [UInt8](repeating: 0x61, count: 63)
        // Four labels of 63: 1 + 4 × 64 = 257 bytes.
        #expect(throws: DNSMessageError.invalidName(.nameTooLong(257), offset: 12)) {
            try Self.decode(Self.header(questions: 1) + label63 + label63 + label63 + label63 + [0] + Self.questionA)
        }
        // Two labels of 63 (129 bytes), then a name of two more labels and a pointer to it: 257.
        let first = label63 + label63 + [0] + Self.questionA
        let second = label63 + label63 + [0xC0, 12] + Self.questionA
        #expect(throws: DNSMessageError.invalidName(.nameTooLong(257), offset: 12 + first.count)) {
            try Self.decode(Self.header(questions: 2) + first + second)
        }
    }

    @Test func aChainOfPointersLongerThanTheLimitIsRefused() {
        // Question 0 is "a"; question k is only a pointer to question k-1, so it follows k pointers.
        var bytes = Self.header(questions: 40) + [1, 0x61, 0] + Self.questionA
        var previous = 12
        for _ in 1..<40 {
            let start = bytes.count
            bytes += [0xC0, UInt8(previous)] + Self.questionA
            previous = start
        }
        #expect(throws: DNSMessageError.tooManyPointers(offset: 19 + 6 * 32)) { try Self.decode(bytes) }
        let relaxed = DNSMessageLimits(
            maximumLength: 9_000, maximumEntriesPerSection: 64, maximumEntries: 256, maximumPointersPerName: 64
        )
        #expect(throws: Never.self) { try Self.decode(bytes, limits: relaxed) }
    }

    // MARK: - Counts and sizes

    @Test func hugeCountsAreRefusedBeforeAnythingIsRead() {
        #expect(throws: DNSMessageError.tooManyEntries(.question, count: 0xFFFF)) {
            try Self.decode(Self.header(questions: 0xFFFF))
        }
        #expect(throws: DNSMessageError.tooManyEntries(.additional, count: 65)) {
            try Self.decode(Self.header(additionals: 65))
        }
        let tight = DNSMessageLimits(
            maximumLength: 9_000, maximumEntriesPerSection: 64, maximumEntries: 100, maximumPointersPerName: 32)
        #expect(throws: DNSMessageError.tooManyEntriesInAll(120)) {
            try Self.decode(Self.header(answers: 60, authorities: 60), limits: tight)
        }
    }

    @Test func packetsOver9000BytesAndTrailingBytesAreRefused() {
        #expect(throws: DNSMessageError.messageTooLong(9_001)) {
            try Self.decode(Self.header() + [UInt8](repeating: 0, count: 9_001 - 12))
        }
        #expect(throws: DNSMessageError.trailingBytes(offset: 12)) { try Self.decode(Self.header() + [0]) }
    }

    @Test(arguments: [
        (
            header(answers: 1) + [0] + fieldsOfA(length: 5) + [1, 2, 3, 4, 5],
            DNSMessageError.recordDataMismatch(.a, offset: 23)
        ),
        (header(answers: 1) + [0, 0, 28, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4], .recordDataMismatch(.aaaa, offset: 23)),
        // PTR data of 3 bytes holding a name of 4 ("a" and the root), and one of 4 holding 3.
        (
            header(answers: 1) + [0, 0, 12, 0, 1, 0, 0, 0, 1, 0, 3, 2, 0x61, 0x62, 0],
            .recordDataMismatch(.ptr, offset: 23)
        ),
        (
            header(answers: 1) + [0, 0, 12, 0, 1, 0, 0, 0, 1, 0, 4, 1, 0x61, 0, 0],
            .recordDataMismatch(.ptr, offset: 23)
        ),
        // SRV of 6 bytes: no room for a target.
        (
            header(answers: 1) + [0, 0, 33, 0, 1, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 80],
            .recordDataMismatch(.srv, offset: 23)
        ),
        // TXT whose string claims 5 bytes of 3.
        (
            header(answers: 1) + [0, 0, 16, 0, 1, 0, 0, 0, 1, 0, 4, 5, 0x61, 0x62, 0x63],
            .recordDataMismatch(.txt, offset: 23)
        ),
        // NSEC: window 0 of 33 bytes; windows out of order; a bitmap cut short.
        (header(answers: 1) + [0, 0, 47, 0, 1, 0, 0, 0, 1, 0, 3, 0, 0, 33], .malformedTypeBitmap(offset: 24)),
        (
            header(answers: 1) + [0, 0, 47, 0, 1, 0, 0, 0, 1, 0, 7, 0, 1, 1, 0x40, 0, 1, 0x40],
            .malformedTypeBitmap(offset: 24)
        ),
        (header(answers: 1) + [0, 0, 47, 0, 1, 0, 0, 0, 1, 0, 4, 0, 0, 2, 0x40], .malformedTypeBitmap(offset: 24)),
    ])
    func recordDataMustBeExactlyWhatItsTypeNeeds(bytes: [UInt8], error: DNSMessageError) {
        #expect(throws: error) { try Self.decode(bytes) }
    }

    // MARK: - Encoding refuses what decoding would

    @Test func encodingRefusesOversizedMessagesAndStrings() throws {
        let big = try DNSName("big.local")
        let strings = [[UInt8]](repeating: [UInt8](repeating: 0x61, count: 255), count: 40)
        let oversized = DNSMessage(answers: [DNSResourceRecord(name: big, ttl: 1, data: .text(strings))])
        // Header 12, name 11, fields 10, then 256 bytes a string: the 36th ends at 9,249.
        #expect(throws: DNSMessageError.messageTooLong(9_249)) { try oversized.encoded() }
        let longString = DNSMessage(answers: [
            DNSResourceRecord(name: big, ttl: 1, data: .text([[UInt8](repeating: 0, count: 256)]))
        ])
        #expect(throws: DNSMessageError.textStringTooLong(256)) { try longString.encoded() }
        let questions = DNSMessage(questions: Array(repeating: DNSQuestion(name: big, type: .a), count: 65))
        #expect(throws: DNSMessageError.tooManyEntries(.question, count: 65)) { try questions.encoded() }
        let raw = DNSMessage(additionals: [
            DNSResourceRecord(name: .root, ttl: 0, data: .unknown(.opt, [UInt8](repeating: 0, count: 9_000)))
        ])
        #expect(throws: DNSMessageError.messageTooLong(9_023)) { try raw.encoded() }
    }

    // MARK: - Fuzzing

    /// Seeded mutations of valid packets (ours and python-zeroconf's): decoding throws or
    /// returns, and whatever it accepts re-encodes and decodes to the same message.
    @Test func mutatedPacketsNeverTrapAndAcceptedOnesRoundTrip() throws {
        var generator = SeededRandom(defaultSeed: 6_762)
        let seeds = [
            try DNSMessageTests.everyKind.encoded(), DNSMessageInteropTests.announcement, DNSMessageInteropTests.query,
        ]
        var accepted = 0
        var rejected = 0
        for round in 0..<4_000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 0..<max(bytes.count, 1), using: &generator)
                switch Int.random(in: 0..<5, using: &generator) {
                case 0 where !bytes.isEmpty: bytes[position] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
                case 1 where !bytes.isEmpty:
                    bytes[position] = [0, 0x3F, 0x40, 0xC0, 0xFF, 12].randomElement(using: &generator)!
                case 2: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: min(position, bytes.count))
                case 3 where !bytes.isEmpty: bytes.remove(at: position)
                default: bytes = Array(bytes.prefix(position))
                }
            }
            do {
                let message = try DNSMessage(decoding: bytes)
                accepted += 1
                #expect(try DNSMessage(decoding: message.encoded()) == message, "\(generator)")
            } catch {
                rejected += 1
                #expect(!"\(error)".isEmpty)
            }
        }
        #expect(
            accepted > 400 && rejected > 400, "both outcomes are exercised: \(accepted) accepted, \(rejected) rejected")
    }
}
