import Testing

@testable import PeerdexCore

/// BEP 5 write tokens: bound to an address (and optionally a target), valid for two secrets.
@Suite struct WriteTokensTests {
    typealias F = DHTItemFixtures
    static let secret = Array("0123456789abcdef".utf8)
    static let asker = F.ipv4(5)

    @Test func aTokenIsTheFirstEightBytesOfSHA1OfAddressAndSecret() {
        let tokens = WriteTokens(secret: Self.secret)
        // SHA-1(cb 00 71 05 ‖ "0123456789abcdef") and SHA-1(… ‖ 00 01 … 13), computed with Python's hashlib.
        #expect(tokens.token(for: Self.asker) == F.bytes("e426e8eaf310968d"))
        #expect(tokens.token(for: Self.asker, target: NodeID(bytes: Array(0..<20))!) == F.bytes("8ec080d81e5d2869"))
        #expect(WriteTokens.tokenLength == 8)
    }

    @Test func aTokenIsValidNowAndAfterOneRotationButNotTwo() {
        var tokens = WriteTokens(secret: Self.secret)
        let token = tokens.token(for: Self.asker)
        #expect(tokens.isValid(token, for: Self.asker))
        tokens.rotate(newSecret: Array("second secret...".utf8))
        #expect(tokens.isValid(token, for: Self.asker))
        #expect(tokens.token(for: Self.asker) != token)
        tokens.rotate(newSecret: Array("third secret....".utf8))
        #expect(!tokens.isValid(token, for: Self.asker))
    }

    @Test func aTokenIsValidOnlyForItsAddress() {
        let tokens = WriteTokens(secret: Self.secret)
        let v6 = F.ipv6(net: 1, host: 2)
        #expect(!tokens.isValid(tokens.token(for: Self.asker), for: F.ipv4(6)))
        #expect(!tokens.isValid(tokens.token(for: Self.asker), for: v6))
        #expect(tokens.isValid(tokens.token(for: v6), for: v6))
        #expect(!tokens.isValid(tokens.token(for: v6), for: F.ipv6(net: 1, host: 3)))
    }

    @Test func aTokenBoundToATargetIsValidOnlyForThatTarget() {
        let tokens = WriteTokens(secret: Self.secret)
        let target = NodeID(high: 1, middle: 2, low: 3)
        let token = tokens.token(for: Self.asker, target: target)
        #expect(tokens.isValid(token, for: Self.asker, target: target))
        #expect(!tokens.isValid(token, for: Self.asker, target: NodeID(high: 1, middle: 2, low: 4)))
        #expect(!tokens.isValid(token, for: Self.asker))
        #expect(!tokens.isValid(tokens.token(for: Self.asker), for: Self.asker, target: target))
    }

    @Test func anyChangedBitOrLengthMakesATokenInvalid() {
        let tokens = WriteTokens(secret: Self.secret)
        let token = tokens.token(for: Self.asker)
        for bit in 0..<token.count * 8 {
            var forged = token
            forged[bit / 8] ^= 1 << (bit % 8)
            #expect(!tokens.isValid(forged, for: Self.asker), "bit \(bit)")
        }
        #expect(!tokens.isValid(Array(token.prefix(7)), for: Self.asker))
        #expect(!tokens.isValid(token + [0], for: Self.asker))
        #expect(!tokens.isValid([], for: Self.asker))
    }

    @Test func theSameSecretGivesTheSameTokensAndTheDescriptionHidesIt() {
        #expect(
            WriteTokens(secret: Self.secret).token(for: Self.asker)
                == WriteTokens(secret: Self.secret).token(for: Self.asker))
        #expect(WriteTokens(secret: [1]).token(for: Self.asker) != WriteTokens(secret: [2]).token(for: Self.asker))
        #expect(!"\(WriteTokens(secret: Self.secret))".contains("0123"))
    }
}
