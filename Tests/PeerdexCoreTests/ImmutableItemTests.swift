import Testing

@testable import PeerdexCore

/// BEP 44 immutable items: the target is the SHA-1 of the bencoded value, at most 1,000 bytes.
@Suite struct ImmutableItemTests {
    @Test func bepVector3HasTheBepTarget() throws {
        let item = try ImmutableItem(value: .string("Hello World!"))
        #expect(item.valueBytes == Array("12:Hello World!".utf8))
        #expect(item.target.hex == "e5f96f6f38320f0f33959cb4d3d656452117aadb")
        #expect(item.value == .string("Hello World!"))
    }

    @Test func theValueAndItsBytesMakeTheSameItem() throws {
        let value = BencodeValue.dictionary(["a": .list([.integer(1), .string("x")]), "b": .dictionary([:])])
        let fromValue = try ImmutableItem(value: value)
        let fromBytes = try ImmutableItem(valueBytes: Array("d1:ali1e1:xe1:bdee".utf8))
        #expect(fromValue == fromBytes)
        #expect(fromBytes.value == value)
        #expect(fromValue.target == ImmutableItem.target(of: Array("d1:ali1e1:xe1:bdee".utf8)))
    }

    @Test func aThousandBytesFitAndOneMoreIsRefusedWith205() throws {
        #expect(try ImmutableItem(value: .bytes([UInt8](repeating: 7, count: 996))).valueBytes.count == 1_000)
        #expect(throws: DHTItemError.valueTooBig(1_001)) {
            try ImmutableItem(value: .bytes([UInt8](repeating: 7, count: 997)))
        }
        let tooLong = Array("997:".utf8) + [UInt8](repeating: 7, count: 997)
        #expect(throws: DHTItemError.valueTooBig(1_001)) { try ImmutableItem(valueBytes: tooLong) }
    }

    @Test(arguments: ["", "i01e", "d1:b0:1:a0:e", "3:ab", "1:ab", "le1:a"])
    func bytesThatAreNotOneCanonicalValueAreMalformed(_ text: String) {
        #expect(throws: DHTItemError.malformedValue) { try ImmutableItem(valueBytes: Array(text.utf8)) }
    }
}
