import Testing

@testable import PeerdexCore

@Suite struct PeerIDTests {
    static let key: [UInt8] = (0..<32).map { UInt8($0 &* 7 &+ 3) }

    @Test func textRoundTrips() throws {
        let id = try PeerID(publicKey: Self.key)
        #expect(id.text.count == PeerID.textLength)
        #expect(try PeerID(parsing: id.text) == id)
        #expect(try PeerID(parsing: "  \(id.text)\n") == id)
    }

    @Test func everySingleSubstitutionIsRejected() throws {
        let text = Array(try PeerID(publicKey: Self.key).text)
        for position in text.indices {
            for replacement in "abcdefghijklmnopqrstuvwxyz234567" where replacement != text[position] {
                var changed = text
                changed[position] = replacement
                #expect(throws: PeerIDError.checksumMismatch) { try PeerID(parsing: String(changed)) }
            }
        }
    }

    @Test func everyDroppedOrAddedCharacterIsRejected() throws {
        let text = Array(try PeerID(publicKey: Self.key).text)
        for position in text.indices {
            var dropped = text
            dropped.remove(at: position)
            #expect(throws: PeerIDError.wrongLength(55)) { try PeerID(parsing: String(dropped)) }
            var added = text
            added.insert("q", at: position)
            #expect(throws: PeerIDError.wrongLength(57)) { try PeerID(parsing: String(added)) }
        }
    }

    @Test func everyAdjacentSwapIsRejected() throws {
        let text = Array(try PeerID(publicKey: Self.key).text)
        for position in text.indices.dropLast() where text[position] != text[position + 1] {
            var swapped = text
            swapped.swapAt(position, position + 1)
            #expect(throws: PeerIDError.checksumMismatch) { try PeerID(parsing: String(swapped)) }
        }
    }

    @Test func errorsSayWhatIsWrong() throws {
        var text = Array(try PeerID(publicKey: Self.key).text)
        text[4] = "1"
        #expect(throws: PeerIDError.invalidCharacter("1", position: 5)) { try PeerID(parsing: String(text)) }
        text[4] = "A"
        let error = #expect(throws: PeerIDError.self) { try PeerID(parsing: String(text)) }
        #expect(error?.description.contains("lowercase") == true)
        #expect(throws: PeerIDError.empty) { try PeerID(parsing: "   ") }
        #expect(PeerIDError.wrongLength(55).description.contains("1 missing"))
        #expect(PeerIDError.checksumMismatch.description.contains("mistyped"))
    }

    @Test func rejectsKeysOfTheWrongSize() {
        #expect(throws: PeerIDError.wrongKeyLength(31)) { try PeerID(publicKey: [UInt8](repeating: 0, count: 31)) }
    }

    @Test func crc24MatchesTheOpenPGPReference() {
        // RFC 4880's CRC-24 of "123456789" is 0x21CF02 (the standard check value).
        #expect(CRC24.checksum(Array("123456789".utf8)) == 0x21_CF02)
    }

    @Test(arguments: [
        ("", ""), ("f", "my"), ("fo", "mzxq"), ("foo", "mzxw6"), ("foob", "mzxw6yq"), ("fooba", "mzxw6ytb"),
        ("foobar", "mzxw6ytboi"),
    ])
    func base32MatchesRFC4648(plain: String, encoded: String) {
        #expect(Base32.encode(Array(plain.utf8)) == encoded)
        #expect(Base32.decode(encoded) == Array(plain.utf8))
    }
}
