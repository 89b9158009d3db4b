import Crypto
import Testing

@testable import PeerdexCore

/// The signed nearby advertisement: TXT round trip, forgeries, privacy, and strict parsing.
@Suite struct NearbyAdvertisementTests {
    static var alice: Curve25519.Signing.PrivateKey { key(1) }
    static var bob: Curve25519.Signing.PrivateKey { key(2) }

    static func key(_ byte: UInt8) -> Curve25519.Signing.PrivateKey {
        try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: byte, count: 32))
    }

    static func signed(seq: UInt64 = 7, port: UInt16 = 4_242, name: String? = "Ada") throws -> NearbyAdvertisement {
        try NearbyAdvertisement.sign(seq: seq, port: port, name: name, with: alice)
    }

    /// The TXT strings with the value of `key` replaced (or appended when absent).
    static func replacing(_ key: String, with value: [UInt8], in strings: [[UInt8]]) -> [[UInt8]] {
        let prefix = Array("\(key)=".utf8)
        var result = strings.filter { !$0.starts(with: prefix) }
        result.insert(prefix + value, at: min(1, result.count))
        return result
    }

    static func removing(_ key: String, from strings: [[UInt8]]) -> [[UInt8]] {
        strings.filter { !$0.starts(with: Array("\(key)=".utf8)) }
    }

    // MARK: - Round trip

    @Test func signedAdvertisementRoundTripsThroughItsTXTStrings() throws {
        let advertisement = try Self.signed()
        let strings = advertisement.txtStrings
        let text = strings.map { String(decoding: $0, as: UTF8.self) }
        let peerID = try PeerID(publicKey: Array(Self.alice.publicKey.rawRepresentation))
        #expect(text.prefix(5) == ["v=1", "id=\(peerID.text)", "seq=7", "port=4242", "n=Ada"])
        #expect(text.last?.hasPrefix("sig=") == true)
        #expect(strings.allSatisfy { $0.count <= NearbyAdvertisement.maximumStringBytes })
        #expect(strings.reduce(0) { $0 + 1 + $1.count } < 400)
        let parsed = try NearbyAdvertisement(txtStrings: strings)
        #expect(parsed == advertisement)
        #expect(parsed.peerID == peerID)
    }

    @Test func theSignedBytesStartWithTheDomainAndEncodeAbsentAndPresentNamesApart() throws {
        let named = try Self.signed(name: "A")
        let nameless = try Self.signed(name: nil)
        #expect(named.signedBytes.starts(with: Array("peerdex-nearby-v1\0".utf8)))
        #expect(named.signedBytes != nameless.signedBytes)
        #expect(try Self.signed(name: "").name == nil)
    }

    @Test func aSignatureOverTheSameFieldsWithoutTheDomainPrefixIsRejected() throws {
        let advertisement = try Self.signed()
        let undomained = Array(advertisement.signedBytes.dropFirst(NearbyAdvertisement.signatureDomain.count + 1))
        let signature = Array(try Self.alice.signature(for: undomained))
        #expect(throws: NearbyAdvertisementError.invalidSignature) {
            try NearbyAdvertisement(
                peerID: advertisement.peerID, seq: 7, port: 4_242, name: "Ada", signature: signature)
        }
    }

    // MARK: - Tampering

    static let tamperings: [(key: String, value: String?)] = [
        ("seq", "8"), ("port", "4243"), ("n", "Eve"), ("n", nil), ("id", ""),
    ]

    @Test(arguments: 0..<tamperings.count)
    func eachTamperedFieldFailsTheSignature(index: Int) throws {
        let (key, value) = Self.tamperings[index]
        let strings = try Self.signed().txtStrings
        let tampered: [[UInt8]]
        switch (key, value) {
        case ("id", _):
            let bobID = try PeerID(publicKey: Array(Self.bob.publicKey.rawRepresentation))
            tampered = Self.replacing("id", with: Array(bobID.text.utf8), in: strings)
        case (_, nil): tampered = Self.removing(key, from: strings)
        case (_, let value?): tampered = Self.replacing(key, with: Array(value.utf8), in: strings)
        }
        #expect(throws: NearbyAdvertisementError.invalidSignature) { try NearbyAdvertisement(txtStrings: tampered) }
    }

    @Test func aNameAddedToANamelessAdvertisementFailsTheSignature() throws {
        let strings = try Self.signed(name: nil).txtStrings
        #expect(throws: NearbyAdvertisementError.invalidSignature) {
            try NearbyAdvertisement(txtStrings: Self.replacing("n", with: Array("Eve".utf8), in: strings))
        }
    }

    @Test func aFlippedSignatureBitFailsTheSignature() throws {
        var signature = try Self.signed().signature
        signature[10] ^= 0x01
        let strings = Self.replacing(
            "sig", with: Array(Base32.encode(signature).utf8), in: try Self.signed().txtStrings)
        #expect(throws: NearbyAdvertisementError.invalidSignature) { try NearbyAdvertisement(txtStrings: strings) }
    }

    // MARK: - Privacy

    @Test func privateAdvertisesNothingContactsAndFriendsCarryNoNamePublicCarriesIt() throws {
        func advertised(_ level: PrivacyLevel) throws -> NearbyAdvertisement? {
            try NearbyAdvertisement.advertised(visibility: level, name: "Ada", seq: 1, port: 9, with: Self.alice)
        }
        #expect(try advertised(.private) == nil)
        for level in [PrivacyLevel.contacts, .friends] {
            let advertisement = try #require(try advertised(level))
            #expect(advertisement.name == nil)
            #expect(!advertisement.txtStrings.contains { $0.starts(with: Array("n=".utf8)) })
        }
        #expect(try advertised(.public)?.name == "Ada")
    }

    // MARK: - Strict parsing

    @Test(arguments: ["v", "id", "seq", "port", "sig"])
    func aMissingFieldIsNamed(key: String) throws {
        let strings = Self.removing(key, from: try Self.signed().txtStrings)
        #expect(throws: NearbyAdvertisementError.missingField(key)) { try NearbyAdvertisement(txtStrings: strings) }
    }

    @Test func aMissingSignatureCountsAsUnsigned() throws {
        let strings = Self.removing("sig", from: try Self.signed().txtStrings)
        do {
            _ = try NearbyAdvertisement(txtStrings: strings)
            Issue.record("an unsigned advertisement parsed")
        } catch {
            #expect(NearbyDropReason(error) == .unsigned)
        }
    }

    @Test func anotherVersionIsReportedAsSuchBeforeAnyOtherField() throws {
        let strings = [Array("v=2".utf8), Array("future=1".utf8)]
        #expect(throws: NearbyAdvertisementError.unsupportedVersion("2")) {
            try NearbyAdvertisement(txtStrings: strings)
        }
    }

    static let malformedValues: [(key: String, value: String)] = [
        ("seq", "07"), ("seq", "-1"), ("seq", "1a"), ("seq", ""), ("seq", "18446744073709551616"),
        ("port", "0"), ("port", "65536"), ("port", "080"), ("port", "+80"),
        ("id", "abc"), ("sig", "abc"), ("n", ""), ("n", "line\nbreak"),
    ]

    @Test(arguments: 0..<malformedValues.count)
    func aMalformedValueIsNamed(index: Int) throws {
        let (key, value) = Self.malformedValues[index]
        let strings = Self.replacing(key, with: Array(value.utf8), in: try Self.signed().txtStrings)
        #expect(throws: NearbyAdvertisementError.malformedField(key)) { try NearbyAdvertisement(txtStrings: strings) }
    }

    @Test func aNonCanonicalSignatureEncodingAndInvalidUTF8NamesAreMalformed() throws {
        let strings = try Self.signed().txtStrings
        var sig = try #require(strings.last)
        // 64 bytes fill 103 characters with 3 bits to spare: setting the lowest of them changes no
        // byte, only the encoding, which must then be refused as not the canonical one.
        let last = try #require(Base32.value(of: sig[sig.count - 1]))
        sig[sig.count - 1] = Base32.alphabet[Int(last ^ 1)]
        #expect(throws: NearbyAdvertisementError.malformedField("sig")) {
            try NearbyAdvertisement(txtStrings: Array(strings.dropLast()) + [sig])
        }
        #expect(throws: NearbyAdvertisementError.malformedField("n")) {
            try NearbyAdvertisement(txtStrings: Self.replacing("n", with: [0xC3, 0x28], in: strings))
        }
        #expect(throws: NearbyAdvertisementError.malformedField("seq")) {
            try NearbyAdvertisement(txtStrings: [Array("seq".utf8)] + strings)
        }
    }

    @Test func oversizedValuesStringsAndRecordsAreRefusedBeforeParsing() throws {
        let strings = try Self.signed().txtStrings
        let longName = [UInt8](repeating: UInt8(ascii: "a"), count: NearbyAdvertisement.maximumNameBytes + 1)
        #expect(throws: NearbyAdvertisementError.valueTooLong(field: "n", bytes: 65)) {
            try NearbyAdvertisement(txtStrings: Self.replacing("n", with: longName, in: strings))
        }
        #expect(throws: NearbyAdvertisementError.valueTooLong(field: "n", bytes: 65)) {
            try NearbyAdvertisement.sign(
                seq: 1, port: 1, name: String(decoding: longName, as: UTF8.self), with: Self.alice)
        }
        let huge = [UInt8](repeating: UInt8(ascii: "x"), count: 256)
        #expect(throws: NearbyAdvertisementError.stringTooLong(bytes: 256)) {
            try NearbyAdvertisement(txtStrings: strings + [huge])
        }
        let filler = Array(repeating: [UInt8](repeating: UInt8(ascii: "x"), count: 250), count: 5)
        #expect(throws: NearbyAdvertisementError.recordTooLarge(bytes: strings.reduce(0) { $0 + 1 + $1.count } + 1_255))
        {
            try NearbyAdvertisement(txtStrings: strings + filler)
        }
        #expect(throws: NearbyAdvertisementError.tooManyStrings(33)) {
            try NearbyAdvertisement(
                txtStrings: strings + Array(repeating: Array("x=1".utf8), count: 33 - strings.count))
        }
    }

    @Test func theFirstOccurrenceOfAKeyWinsWhateverItsCase() throws {
        let advertisement = try Self.signed()
        let strings = advertisement.txtStrings
        #expect(try NearbyAdvertisement(txtStrings: strings + [Array("SEQ=99".utf8)]) == advertisement)
        #expect(throws: NearbyAdvertisementError.invalidSignature) {
            try NearbyAdvertisement(txtStrings: [Array("Seq=99".utf8)] + strings)
        }
        let upper = strings.map { $0.starts(with: Array("v=".utf8)) ? Array("V=1".utf8) : $0 }
        #expect(try NearbyAdvertisement(txtStrings: upper) == advertisement)
    }

    @Test func unknownKeysEmptyStringsAndKeylessStringsAreIgnored() throws {
        let advertisement = try Self.signed(name: nil)
        let extra: [[UInt8]] = [[], Array("=orphan".utf8), Array("txtvers=1".utf8), Array("flag".utf8)]
        #expect(try NearbyAdvertisement(txtStrings: extra + advertisement.txtStrings) == advertisement)
    }
}
