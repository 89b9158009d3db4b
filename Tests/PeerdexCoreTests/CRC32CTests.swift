import Testing

@testable import PeerdexCore

/// CRC-32C against the standard check value and RFC 3720's test patterns.
@Suite struct CRC32CTests {
    @Test func theCheckValueOf123456789() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    /// RFC 3720, appendix B.4: 32 bytes each.
    static let patterns: [(bytes: [UInt8], expected: UInt32)] = [
        ([UInt8](repeating: 0, count: 32), 0x8A91_36AA),
        ([UInt8](repeating: 0xff, count: 32), 0x62A8_AB43),
        ((0..<32).map { UInt8($0) }, 0x46DD_794E),
        ((0..<32).reversed().map { UInt8($0) }, 0x113F_DB5C),
    ]

    @Test(arguments: patterns)
    func rfc3720Patterns(bytes: [UInt8], expected: UInt32) {
        #expect(CRC32C.checksum(bytes) == expected)
    }

    @Test func noBytesGiveZeroAndFeedingInPiecesEqualsFeedingAtOnce() {
        #expect(CRC32C.checksum([UInt8]()) == 0)
        #expect(CRC32C().value == 0)
        let text = Array("The quick brown fox jumps over the lazy dog".utf8)
        var pieces = CRC32C()
        pieces.update(text.prefix(10))
        for byte in text.dropFirst(10) { pieces.update(byte) }
        #expect(pieces.value == CRC32C.checksum(text))
        #expect(pieces.value == 0x2262_0404)
    }
}
