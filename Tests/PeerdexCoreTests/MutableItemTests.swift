import Crypto
import Testing

@testable import PeerdexCore

/// BEP 44 mutable items: the BEP's test vectors, signatures pinned against OpenSSL, and forgeries.
@Suite struct MutableItemTests {
    typealias F = DHTItemFixtures

    // MARK: - BEP 44 test vectors

    /// BEP 44's vectors give the 64-byte expanded secret key, not the seed it came from, so they
    /// cannot be signed again with swift-crypto (which signs from seeds); they are checked from the
    /// verifying side: the buffer, the target, and that the BEP's signatures verify.
    static let bepPublicKey = F.bytes("77ff84905a91936367c01360803104f92432fcd904a43511876df5cdf3e7e548")
    static let bepValue = BencodeValue.string("Hello World!")

    @Test func bepVector1WithoutSaltVerifiesAndHasTheBepTarget() throws {
        let signature = F.bytes(
            "305ac8aeb6c9c151fa120f120ea2cfb923564e11552d06a5d856091e5e853cff"
                + "1260d3f39e4999684aa92eb73ffd136e6f4f3ecbfda0ce53a1608ecd7ae21f01")
        let item = try MutableItem(publicKey: Self.bepPublicKey, seq: 1, value: Self.bepValue, signature: signature)
        #expect(item.signedBuffer == Array("3:seqi1e1:v12:Hello World!".utf8))
        #expect(item.target.hex == "4a533d47ec9c7d95b1ad75f576cffc641853b750")
        #expect(item.valueBytes == Array("12:Hello World!".utf8))
        #expect(item.value == Self.bepValue)
    }

    @Test func bepVector2WithSaltVerifiesAndHasTheBepTarget() throws {
        let signature = F.bytes(
            "6834284b6b24c3204eb2fea824d82f88883a3d95e8b4a21b8c0ded553d17d17d"
                + "df9a8a7104b1258f30bed3787e6cb896fca78c58f8e03b5f18f14951a87d9a08")
        let item = try MutableItem(
            publicKey: Self.bepPublicKey, salt: Array("foobar".utf8), seq: 1, value: Self.bepValue, signature: signature
        )
        #expect(item.signedBuffer == Array("4:salt6:foobar3:seqi1e1:v12:Hello World!".utf8))
        #expect(item.target.hex == "411eba73b6f087ca51a3795d9c8c938d365e32c1")
        // The same signature does not stand for the unsalted item, nor the other way round.
        #expect(throws: DHTItemError.invalidSignature) {
            try MutableItem(publicKey: Self.bepPublicKey, seq: 1, value: Self.bepValue, signature: signature)
        }
    }

    // MARK: - Signing, pinned against OpenSSL

    struct SigningVector: Sendable, CustomTestStringConvertible {
        let seed: [UInt8]
        let salt: String
        let seq: Int64
        let value: String
        let publicKey: String
        let signature: String
        let target: String
        var testDescription: String { "salt \"\(salt)\" seq \(seq)" }
    }

    /// Computed with OpenSSL 3.0 (Python `cryptography`, Ed25519 from the seed) over the BEP 44
    /// buffer; the first also matches another BEP 44 implementation's published fixture.
    static let signingVectors = [
        SigningVector(
            seed: [UInt8](repeating: 1, count: 32), salt: "salt", seq: 7, value: "value",
            publicKey: "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c",
            signature: "8624b29894bb37f90502dd5acf7b03cd1d2fd9ad2a5caadd919a9665e4c3df9a"
                + "2171cfcfaf46028baceef14683709b96d70cbdc470168856d930b7c5f9675702",
            target: "6c02e856b30dc29b4bcbd6aba291ce17a9cc9fa7"),
        SigningVector(
            seed: Array(0..<32), salt: "peerdex/profile", seq: 1, value: "Hello World!",
            publicKey: "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8",
            signature: "392dc324773b6a5ee003123d0338435deb18e766c084cc155f232a84fffeacea"
                + "c79437b080ea7ec6e2a9a6777d2d69fe33332a3328b7b74d51aab631b61b6c06",
            target: "42491e02c9125355176b950a5baf6e6a39c81496"),
        SigningVector(
            seed: Array(0..<32), salt: "", seq: 1, value: "Hello World!",
            publicKey: "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8",
            signature: "8c2070fc66e456d36c9177eb1570448eba3068c1f7c74f2cc9a3af506bed7a9d"
                + "bfb74481eeb2185684d591a0f87b6ec8cd911ecabc49f68f5f3e973b8df9d908",
            target: "fd81a6db64d6faf7f702c07971a82c25c1dc3c90"),
    ]

    /// Ed25519 as RFC 8032 defines it is deterministic; Apple's CryptoKit randomizes signatures,
    /// so there the pinned bytes are checked by verification only.
    static let signingIsDeterministic: Bool = {
        let key = F.key(seed: 9)
        return (try? key.signature(for: [1, 2, 3])) == (try? key.signature(for: [1, 2, 3]))
    }()

    @Test(arguments: signingVectors)
    func signingGivesOpenSSLsBytes(_ vector: SigningVector) throws {
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: vector.seed)
        let item = try MutableItem.sign(
            value: .string(vector.value), seq: vector.seq, salt: Array(vector.salt.utf8), with: key)
        #expect(item.publicKey == F.bytes(vector.publicKey))
        #expect(item.target.hex == vector.target)
        if Self.signingIsDeterministic { #expect(item.signature == F.bytes(vector.signature)) }
        let received = try MutableItem(
            publicKey: F.bytes(vector.publicKey), salt: Array(vector.salt.utf8), seq: vector.seq,
            value: .string(vector.value), signature: F.bytes(vector.signature))
        #expect(received.target == item.target)
    }

    @Test func aSignedItemVerifiesFromItsPartsAndFromItsBytes() throws {
        let value = BencodeValue.dictionary(["n": .string("Ada"), "i": .list([.string("chess"), .integer(-3)])])
        let item = try MutableItem.sign(
            value: value, seq: 42, salt: Array("peerdex/profile".utf8), with: F.key(seed: 3))
        #expect(item.value == value)
        #expect(item.signedBuffer == Array("4:salt15:peerdex/profile3:seqi42e1:v".utf8) + value.encoded())
        let fromParts = try MutableItem(
            publicKey: item.publicKey, salt: item.salt, seq: item.seq, value: value, signature: item.signature)
        let fromBytes = try MutableItem(
            publicKey: item.publicKey, salt: item.salt, seq: item.seq, valueBytes: item.valueBytes,
            signature: item.signature)
        #expect(fromParts == item)
        #expect(fromBytes == item)
    }

    @Test func theExtremesOfEachFieldAreAccepted() throws {
        let longestSalt = [UInt8](repeating: 0xff, count: 64)
        let largestValue = BencodeValue.bytes([UInt8](repeating: 0x41, count: 996))  // "996:" + 996 = 1,000
        let item = try MutableItem.sign(value: largestValue, seq: .max, salt: longestSalt, with: F.key(seed: 4))
        #expect(item.valueBytes.count == 1_000)
        let again = try MutableItem(
            publicKey: item.publicKey, salt: longestSalt, seq: .max, valueBytes: item.valueBytes,
            signature: item.signature)
        #expect(again.seq == .max)
        #expect(try MutableItem.sign(value: .integer(0), seq: 0, with: F.key(seed: 4)).seq == 0)
    }

    // MARK: - Forgeries

    /// A forgery: the parts of a genuine item with one thing changed.
    struct Forgery: Sendable, CustomTestStringConvertible {
        let name: String
        let publicKey: [UInt8]
        let salt: [UInt8]
        let seq: Int64
        let valueBytes: [UInt8]
        let signature: [UInt8]
        var testDescription: String { name }
    }

    static let genuine = F.mutable("Hello World!", seq: 5, salt: "foobar")

    static var forgeries: [Forgery] {
        let item = genuine
        func forgery(
            _ name: String, key: [UInt8]? = nil, salt: [UInt8]? = nil, seq: Int64? = nil, value: [UInt8]? = nil,
            signature: [UInt8]? = nil
        ) -> Forgery {
            Forgery(
                name: name, publicKey: key ?? item.publicKey, salt: salt ?? item.salt, seq: seq ?? item.seq,
                valueBytes: value ?? item.valueBytes, signature: signature ?? item.signature)
        }
        let other = F.mutable("Hello World!", seq: 5, salt: "foobar", seed: 8)
        return [
            forgery("another seq", seq: 6),
            forgery("seq 0", seq: 0),
            forgery("no salt", salt: []),
            forgery("another salt", salt: Array("foobaz".utf8)),
            forgery("a longer salt", salt: Array("foobar2".utf8)),
            forgery("another value", value: Array("12:Hello World?".utf8)),
            forgery("another value type", value: Array("l12:Hello World!e".utf8)),
            forgery("another key", key: other.publicKey),
            forgery("another key's signature", signature: other.signature),
            forgery(
                "the signature of another seq", signature: F.mutable("Hello World!", seq: 4, salt: "foobar").signature),
            forgery("an all-zero signature", signature: [UInt8](repeating: 0, count: 64)),
            forgery("an all-zero key", key: [UInt8](repeating: 0, count: 32)),
        ]
    }

    @Test(arguments: forgeries)
    func aForgeryIsRejected(_ forgery: Forgery) {
        #expect(throws: DHTItemError.invalidSignature) {
            try MutableItem(
                publicKey: forgery.publicKey, salt: forgery.salt, seq: forgery.seq, valueBytes: forgery.valueBytes,
                signature: forgery.signature)
        }
    }

    @Test func everyFlippedBitOfKeySaltSeqAndSignatureIsRejected() {
        let item = Self.genuine
        func rejects(key: [UInt8]? = nil, salt: [UInt8]? = nil, seq: Int64? = nil, signature: [UInt8]? = nil) -> Bool {
            do {
                _ = try MutableItem(
                    publicKey: key ?? item.publicKey, salt: salt ?? item.salt, seq: seq ?? item.seq,
                    valueBytes: item.valueBytes, signature: signature ?? item.signature)
                return false
            } catch {
                return error == .invalidSignature
            }
        }
        func flips(_ bytes: [UInt8]) -> [[UInt8]] {
            (0..<bytes.count * 8).map { bit in
                var copy = bytes
                copy[bit / 8] ^= 1 << (bit % 8)
                return copy
            }
        }
        #expect(flips(item.publicKey).filter { !rejects(key: $0) }.isEmpty)
        #expect(flips(item.salt).filter { !rejects(salt: $0) }.isEmpty)
        #expect(flips(item.signature).filter { !rejects(signature: $0) }.isEmpty)
        #expect((0..<62).filter { !rejects(seq: item.seq ^ (1 << Int64($0))) }.isEmpty)
    }

    @Test func everyFlippedBitOfTheValueIsRejectedAsForgedOrMalformed() {
        let item = Self.genuine
        var accepted = [Int]()
        for bit in 0..<item.valueBytes.count * 8 {
            var bytes = item.valueBytes
            bytes[bit / 8] ^= 1 << (bit % 8)
            do {
                _ = try MutableItem(
                    publicKey: item.publicKey, salt: item.salt, seq: item.seq, valueBytes: bytes,
                    signature: item.signature)
                accepted.append(bit)
            } catch {
                #expect(error == .invalidSignature || error == .malformedValue || error == .valueTooBig(bytes.count))
            }
        }
        #expect(accepted.isEmpty)
    }

    // MARK: - Sizes and malformed parts

    @Test(arguments: [0, 1, 31, 33, 64])
    func aKeyOfAnotherLengthIsRefusedWith203(_ length: Int) {
        let item = Self.genuine
        let key = Array((item.publicKey + item.publicKey + [0]).prefix(length))
        #expect(throws: DHTItemError.invalidPublicKeyLength(length)) {
            try MutableItem(
                publicKey: key, salt: item.salt, seq: item.seq, valueBytes: item.valueBytes, signature: item.signature)
        }
        #expect(DHTItemError.invalidPublicKeyLength(length).krpcCode == 203)
    }

    @Test(arguments: [0, 32, 63, 65, 128])
    func aSignatureOfAnotherLengthIsRefusedWith203(_ length: Int) {
        let item = Self.genuine
        let signature = Array((item.signature + item.signature + [0]).prefix(length))
        #expect(throws: DHTItemError.invalidSignatureLength(length)) {
            try MutableItem(
                publicKey: item.publicKey, salt: item.salt, seq: item.seq, valueBytes: item.valueBytes,
                signature: signature)
        }
    }

    @Test func sizesAreCheckedBeforeTheSignatureInLibtorrentsOrder() {
        let item = Self.genuine
        let bigValue = BencodeValue.bytes([UInt8](repeating: 0, count: 997))  // 1,001 bytes encoded
        let bigSalt = [UInt8](repeating: 0x73, count: 65)
        #expect(throws: DHTItemError.valueTooBig(1_001)) {
            try MutableItem(
                publicKey: item.publicKey, salt: bigSalt, seq: -1, value: bigValue, signature: item.signature)
        }
        #expect(throws: DHTItemError.saltTooBig(65)) {
            try MutableItem(
                publicKey: item.publicKey, salt: bigSalt, seq: -1, valueBytes: item.valueBytes,
                signature: item.signature)
        }
        #expect(throws: DHTItemError.negativeSequenceNumber(-1)) {
            try MutableItem(
                publicKey: item.publicKey, salt: item.salt, seq: -1, valueBytes: item.valueBytes,
                signature: item.signature)
        }
        #expect(throws: DHTItemError.negativeSequenceNumber(.min)) {
            try MutableItem.sign(value: .integer(1), seq: .min, with: F.key(seed: 1))
        }
        #expect(throws: DHTItemError.valueTooBig(1_001)) {
            try MutableItem.sign(value: bigValue, seq: 1, with: F.key(seed: 1))
        }
        #expect(throws: DHTItemError.saltTooBig(65)) {
            try MutableItem.sign(value: .integer(1), seq: 1, salt: bigSalt, with: F.key(seed: 1))
        }
    }

    @Test(arguments: ["", "i01e", "i-0e", "1:", "01:a", "d1:b0:1:a0:e", "d1:a0:1:a0:e", "1:ax", "i1ei2e", "l", "x"])
    func valueBytesThatAreNotOneCanonicalValueAreMalformed(_ text: String) {
        let item = Self.genuine
        #expect(throws: DHTItemError.malformedValue) {
            try MutableItem(
                publicKey: item.publicKey, salt: item.salt, seq: item.seq, valueBytes: Array(text.utf8),
                signature: item.signature)
        }
    }

    @Test func aValueNestedDeeperThanAMessageCanCarryIsMalformed() {
        func nested(_ depth: Int) -> BencodeValue { depth == 1 ? .integer(1) : .list([nested(depth - 1)]) }
        let limit = ImmutableItem.valueLimits.maximumDepth
        #expect((try? MutableItem.sign(value: nested(limit), seq: 1, with: F.key(seed: 2))) != nil)
        #expect(throws: DHTItemError.malformedValue) {
            try MutableItem.sign(value: nested(limit + 1), seq: 1, with: F.key(seed: 2))
        }
    }

    // MARK: - Error codes

    @Test(arguments: [
        (DHTItemError.valueTooBig(1_001), 205), (.invalidSignature, 206), (.saltTooBig(65), 207),
        (.compareAndSwapMismatch(stored: 3), 301), (.sequenceNumberNotNewer(stored: 3), 302),
        (.negativeSequenceNumber(-1), 203), (.malformedValue, 203), (.invalidSignatureLength(1), 203),
        (.rateLimited, 202), (.signingFailed, 202),
    ])
    func eachErrorCarriesItsKRPCCode(_ error: DHTItemError, _ code: Int) {
        #expect(error.krpcCode == code)
        #expect(!error.krpcMessage.isEmpty)
    }
}
