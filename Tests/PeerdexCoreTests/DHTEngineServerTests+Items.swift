import Testing

@testable import PeerdexCore

/// The answering side of `DHTEngine` for BEP 44: `put` with every refusal it can earn, and `get`.
extension DHTEngineServerTests {
    // MARK: - BEP 44 put

    static let item = F.mutable("profile v5", seq: 5, salt: "peerdex/profile")

    @Test func aValidPutIsAcknowledgedAndStored() {
        var script = Self.script()
        let output = script.ask(
            .put(id: Self.requester.id, token: Self.requesterToken, put: Self.putArguments(Self.item)),
            from: Self.requester.endpoint, transactionID: [7])
        #expect(
            output.actions
                == Self.reply(KRPCResponse(id: Self.localID), transactionID: [7], to: Self.requester.endpoint))
        #expect(script.engine.items.get(target: Self.item.target, now: script.now)?.mutableItem == Self.item)
    }

    @Test func aPutWithABadTokenIsRefusedWith203() {
        var script = Self.script()
        let output = script.ask(
            .put(
                id: Self.requester.id, token: EngineScript.token(for: .v4(0x0a09_0908)),
                put: Self.putArguments(Self.item)),
            from: Self.requester.endpoint, transactionID: [8])
        Self.expectError(output, code: 203, transactionID: [8], to: Self.requester.endpoint)
        #expect(script.engine.items.count == 0)
    }

    /// A put refused by BEP 44's checks: each forgery or violation with its code.
    static let refusedPuts: [(name: String, arguments: KRPCPutArguments, code: Int)] = {
        var forged = putArguments(item)
        forged.signature![10] ^= 0x01
        var otherValue = putArguments(item)
        otherValue.value = .string("profile v5, edited")
        var otherSalt = putArguments(item)
        otherSalt.salt = Array("peerdex/other".utf8)
        var otherKey = putArguments(item)
        otherKey.publicKey = Array(F.key(seed: 8).publicKey.rawRepresentation)
        let tooBig = KRPCPutArguments(
            value: .bytes([UInt8](repeating: 0x61, count: 997)), publicKey: item.publicKey,
            signature: [UInt8](repeating: 1, count: 64), seq: 1)
        let saltTooBig = KRPCPutArguments(
            value: .string("x"), publicKey: item.publicKey, signature: [UInt8](repeating: 1, count: 64), seq: 1,
            salt: [UInt8](repeating: 0x73, count: 65))
        return [
            ("a flipped signature bit", forged, 206), ("another value", otherValue, 206),
            ("another salt", otherSalt, 206), ("another key", otherKey, 206),
            ("a value of 1,001 bytes", tooBig, 205), ("a salt of 65 bytes", saltTooBig, 207),
        ]
    }()

    @Test(arguments: refusedPuts.indices)
    func aPutThatBreaksBEP44IsRefusedWithItsCode(index: Int) {
        let (name, arguments, code) = Self.refusedPuts[index]
        var script = Self.script()
        let output = script.ask(
            .put(id: Self.requester.id, token: Self.requesterToken, put: arguments), from: Self.requester.endpoint,
            transactionID: [9, UInt8(index)])
        Self.expectError(output, code: code, transactionID: [9, UInt8(index)], to: Self.requester.endpoint)
        #expect(script.engine.items.count == 0, "\(name)")
    }

    @Test func aForgeryReusingTheSignatureOfAStoredItemIsRefused() {
        // The engine remembers items it has verified; a put reusing one's signature is checked anew.
        var script = Self.script()
        let genuine = script.ask(
            .put(id: Self.requester.id, token: Self.requesterToken, put: Self.putArguments(Self.item)),
            from: Self.requester.endpoint)
        #expect(genuine.sent.first?.response != nil)
        var otherValue = Self.putArguments(Self.item)
        otherValue.value = .string("profile v5, edited")
        var higherSeq = Self.putArguments(Self.item)
        higherSeq.seq = 6
        var otherSalt = Self.putArguments(Self.item)
        otherSalt.salt = Array("peerdex/other".utf8)
        for (index, forged) in [otherValue, higherSeq, otherSalt].enumerated() {
            let output = script.ask(
                .put(id: Self.requester.id, token: Self.requesterToken, put: forged), from: Self.requester.endpoint,
                transactionID: [0xf0, UInt8(index)])
            Self.expectError(output, code: 206, transactionID: [0xf0, UInt8(index)], to: Self.requester.endpoint)
        }
        #expect(script.engine.items.get(target: Self.item.target, now: script.now)?.mutableItem == Self.item)
        #expect(script.engine.items.count == 1)
    }

    @Test func valueOfExactly1000BytesAndSaltOf64AreAccepted() {
        var script = Self.script()
        let item = try! MutableItem.sign(
            value: .bytes([UInt8](repeating: 0x61, count: 996)), seq: 1, salt: [UInt8](repeating: 0x73, count: 64),
            with: F.key(seed: 9))
        #expect(item.valueBytes.count == 1_000)
        let output = script.ask(
            .put(id: Self.requester.id, token: Self.requesterToken, put: Self.putArguments(item)),
            from: Self.requester.endpoint)
        #expect(output.sent.first?.response == KRPCResponse(id: Self.localID))
        #expect(script.engine.items.get(target: item.target, now: script.now)?.mutableItem == item)
    }

    @Test func aLowerSeqIsRefusedWith302AndAFailedCASWith301() {
        var script = Self.script()
        let put = { (item: MutableItem, cas: Int64?) -> KRPCQuery in
            .put(id: Self.requester.id, token: Self.requesterToken, put: Self.putArguments(item, cas: cas))
        }
        #expect(script.ask(put(Self.item, nil), from: Self.requester.endpoint).sent.first?.response != nil)
        let older = F.mutable("profile v4", seq: 4, salt: "peerdex/profile")
        Self.expectError(
            script.ask(put(older, nil), from: Self.requester.endpoint, transactionID: [1]),
            code: 302, transactionID: [1], to: Self.requester.endpoint)
        let sameSeqOtherValue = F.mutable("profile v5 bis", seq: 5, salt: "peerdex/profile")
        Self.expectError(
            script.ask(put(sameSeqOtherValue, nil), from: Self.requester.endpoint, transactionID: [2]),
            code: 302, transactionID: [2], to: Self.requester.endpoint)
        let newer = F.mutable("profile v6", seq: 6, salt: "peerdex/profile")
        Self.expectError(
            script.ask(put(newer, 4), from: Self.requester.endpoint, transactionID: [3]),
            code: 301, transactionID: [3], to: Self.requester.endpoint)
        #expect(script.engine.items.get(target: Self.item.target, now: script.now)?.mutableItem == Self.item)
        #expect(
            script.ask(put(newer, 5), from: Self.requester.endpoint).sent.first?.response
                == KRPCResponse(id: Self.localID))
        #expect(script.engine.items.get(target: Self.item.target, now: script.now)?.mutableItem == newer)
    }

    // MARK: - BEP 44 get

    @Test func getOfAStoredItemAnswersKSeqSigVTokenAndNodes() {
        var script = Self.script()
        _ = script.ask(
            .put(id: Self.requester.id, token: Self.requesterToken, put: Self.putArguments(Self.item)),
            from: Self.requester.endpoint)
        let output = script.ask(
            .get(id: Self.requester.id, target: Self.item.target, seq: nil), from: Self.requester.endpoint,
            transactionID: [0x0a])
        let expected = KRPCResponse(
            id: Self.localID, nodes: Self.closest(Self.knownIPv4 + [Self.requester], to: Self.item.target),
            token: Self.requesterToken, value: Self.item.value, publicKey: Self.item.publicKey,
            signature: Self.item.signature,
            seq: 5)
        #expect(output.actions == Self.reply(expected, transactionID: [0x0a], to: Self.requester.endpoint))
    }

    @Test(arguments: [(Int64(4), true), (5, false), (6, false), (0, true)])
    func getWithASeqSendsTheValueOnlyWhenOursIsNewer(seq: Int64, sendsValue: Bool) {
        var script = Self.script()
        _ = script.ask(
            .put(id: Self.requester.id, token: Self.requesterToken, put: Self.putArguments(Self.item)),
            from: Self.requester.endpoint)
        let output = script.ask(
            .get(id: Self.requester.id, target: Self.item.target, seq: seq), from: Self.requester.endpoint)
        let response = output.sent.first?.response
        #expect(response?.seq == 5)
        #expect(response?.token == Self.requesterToken)
        #expect((response?.value != nil) == sendsValue)
        #expect((response?.signature != nil) == sendsValue)
        #expect((response?.publicKey != nil) == sendsValue)
    }

    @Test func getOfNothingAnswersATokenAndNodesOnly() {
        var script = Self.script()
        let output = script.ask(
            .get(id: Self.requester.id, target: Self.item.target, seq: nil), from: Self.requester.endpoint,
            transactionID: [0x0b])
        let expected = KRPCResponse(
            id: Self.localID, nodes: Self.closest(Self.knownIPv4 + [Self.requester], to: Self.item.target),
            token: Self.requesterToken)
        #expect(output.actions == Self.reply(expected, transactionID: [0x0b], to: Self.requester.endpoint))
    }

    @Test func anImmutablePutIsStoredAndGotBack() {
        var script = Self.script()
        let item = F.immutable("hello, immutable")
        let put = script.ask(
            .put(id: Self.requester.id, token: Self.requesterToken, put: KRPCPutArguments(value: item.value)),
            from: Self.requester.endpoint)
        #expect(put.sent.first?.response == KRPCResponse(id: Self.localID))
        let get = script.ask(.get(id: Self.requester.id, target: item.target, seq: nil), from: Self.requester.endpoint)
        #expect(get.sent.first?.response?.value == item.value)
        #expect(get.sent.first?.response?.seq == nil)
    }
}
