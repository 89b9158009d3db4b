import PeerdexTestSupport
import Testing

@testable import PeerdexCore

/// BEP 44 through `DHTEngine`: a put replicated at R = 3 with majority acknowledgement, and a
/// get that trusts only valid signatures and repairs stale replicas.
@Suite struct DHTEngineTests {
    typealias F = DHTItemFixtures

    static let salt = "peerdex/profile"
    static let v3 = F.mutable("profile v3", seq: 3, salt: salt)
    static let v5 = F.mutable("profile v5", seq: 5, salt: salt)
    static let v7 = F.mutable("profile v7", seq: 7, salt: salt)
    static let target = v5.target
    static let localID = ScriptNodes.farID(from: target)
    static let getOperation = DHTOperation.getMutable(publicKey: v5.publicKey, salt: Array(salt.utf8))

    /// The node at distance `distance` from the items' target.
    static func n(_ distance: UInt32) -> DHTNodeInfo { ScriptNodes.node(distance, from: target) }

    /// Remotes at these distances, each answering with the item given for it, if any.
    static func remotes(_ distances: [UInt32], items: [UInt32: MutableItem] = [:]) -> [ScriptedRemote] {
        distances.map { ScriptedRemote(n($0), item: items[$0]) }
    }

    /// An engine that knows the nodes at these distances.
    static func script(knowing distances: [UInt32]) -> EngineScript {
        var script = EngineScript(localID: localID)
        script.know(distances.map(n))
        return script
    }

    /// The put a node with this token should receive for `item`.
    static func put(_ item: MutableItem, token: [UInt8]) -> KRPCQuery {
        .put(
            id: localID, token: token,
            put: KRPCPutArguments(
                value: item.value, publicKey: item.publicKey, signature: item.signature, seq: item.seq, salt: item.salt)
        )
    }

    static func isGet(_ sent: SentDatagram) -> Bool { sent.query?.methodName == "get" }

    // MARK: - Put

    /// Starts a put of v5 with these remotes and plays its get-lookup; returns the puts sent.
    static func putAfterLookup(_ remotes: [ScriptedRemote]) -> (EngineScript, DHTOperationID, [SentDatagram]) {
        var script = script(knowing: remotes.map { UInt32($0.info.id.distance(to: target).low) })
        let (id, start) = script.start(.putMutable(v5))
        let (lookup, puts) = script.play(start.queries, with: remotes, answering: isGet)
        #expect(lookup.finished.isEmpty, "nothing is reported before the replicas answer")
        return (script, id, puts)
    }

    @Test func aPutLooksUpWithGetThenPutsToTheThreeClosestRespondersWithTheirTokens() {
        var script = Self.script(knowing: [10, 20, 30, 40, 50, 60, 70, 80])
        let (_, start) = script.start(.putMutable(Self.v5))
        #expect(start.queries.map(\.to) == [10, 20, 30].map { Self.n($0).endpoint })
        #expect(start.queries.allSatisfy { $0.query == .get(id: Self.localID, target: Self.target, seq: 5) })
        let remotes = Self.remotes([10, 20, 30, 40, 50, 60, 70, 80])
        let (_, puts) = script.play(start.queries, with: remotes, answering: Self.isGet)
        #expect(puts.map(\.to) == [10, 20, 30].map { Self.n($0).endpoint })
        #expect(puts.map(\.query) == remotes.prefix(3).map { Self.put(Self.v5, token: $0.token) })
    }

    @Test func successIsReportedAtAMajorityWhileTheThirdIsPending() {
        var (script, id, puts) = Self.putAfterLookup(Self.remotes([10, 20, 30, 40, 50, 60, 70, 80]))
        #expect(puts.count == 3)
        #expect(script.answer(puts[0], with: KRPCResponse(id: Self.n(10).id)).actions.isEmpty)
        let second = script.answer(puts[1], with: KRPCResponse(id: Self.n(20).id))
        #expect(second.sent.isEmpty)
        #expect(second.finished.map(\.id) == [id])
        let result = second.finished.first?.result
        #expect(result?.outcome == .stored(acknowledged: 2, required: 2, refusals: []))
        #expect(result?.outcome.succeeded == true)
        #expect(result?.queriesSent == 11, "8 gets and 3 puts")
        #expect(result?.responses == 10)
        #expect(script.engine.runningOperations == 1, "the third replica is still awaited")
        #expect(script.answer(puts[2], with: KRPCResponse(id: Self.n(30).id)).actions.isEmpty, "reported once")
        #expect(script.engine.runningOperations == 0)
        #expect(script.engine.queriesInFlight == 0)
    }

    @Test func aRefusalSendsThePutToTheNextClosestAndIsReported() {
        var (script, id, puts) = Self.putAfterLookup(Self.remotes([10, 20, 30, 40, 50, 60, 70, 80]))
        let refused = script.refuse(puts[0], code: 302, message: "old sequence number")
        #expect(refused.queries.map(\.to) == [Self.n(40).endpoint])
        #expect(refused.queries.first?.query == Self.put(Self.v5, token: ScriptedRemote(Self.n(40)).token))
        #expect(refused.finished.isEmpty)
        #expect(script.answer(puts[1], with: KRPCResponse(id: Self.n(20).id)).finished.isEmpty)
        let done = script.answer(refused.queries[0], with: KRPCResponse(id: Self.n(40).id))
        #expect(done.finished.map(\.id) == [id])
        #expect(
            done.finished.first?.result.outcome
                == .stored(
                    acknowledged: 2, required: 2, refusals: [KRPCErrorReply(code: 302, message: "old sequence number")])
        )
    }

    @Test func anOverdueReplicaIsReplacedByTheNextClosest() {
        var (script, id, puts) = Self.putAfterLookup(Self.remotes([10, 20, 30, 40, 50, 60, 70, 80]))
        // Every get was answered at once: the soft deadline is at its 50 ms floor.
        #expect(script.engine.nextDeadline == 1_000.05)
        script.now = 1_000.01
        #expect(script.answer(puts[1], with: KRPCResponse(id: Self.n(20).id)).actions.isEmpty)
        let overdue = script.tick(at: 1_000.05)
        #expect(overdue.queries.map(\.to) == [40, 50].map { Self.n($0).endpoint }, "10 and 30 are overdue")
        #expect(overdue.finished.isEmpty)
        let done = script.answer(overdue.queries[0], with: KRPCResponse(id: Self.n(40).id))
        #expect(done.finished.map(\.id) == [id])
        #expect(done.finished.first?.result.outcome == .stored(acknowledged: 2, required: 2, refusals: []))
    }

    @Test func failureIsReportedWithTheRefusalsWhenNoCandidateIsLeft() {
        var (script, id, puts) = Self.putAfterLookup(Self.remotes([10, 20, 30]))
        #expect(puts.count == 3)
        #expect(script.refuse(puts[0], code: 302, message: "old").actions.isEmpty)
        #expect(script.refuse(puts[1], code: 301, message: "cas").actions.isEmpty)
        let done = script.answer(puts[2], with: KRPCResponse(id: Self.n(30).id))
        #expect(done.finished.map(\.id) == [id])
        let outcome = done.finished.first?.result.outcome
        #expect(
            outcome
                == .stored(
                    acknowledged: 1, required: 2,
                    refusals: [KRPCErrorReply(code: 302, message: "old"), KRPCErrorReply(code: 301, message: "cas")]))
        #expect(outcome?.succeeded == false)
        #expect(script.engine.runningOperations == 0)
    }

    @Test func silentReplicasAreReportedAsAFailureOnceOverdueAndOnlyOnce() {
        var (script, id, puts) = Self.putAfterLookup(Self.remotes([10, 20]))
        #expect(puts.count == 2)
        let overdue = script.tick(at: 1_000.05)
        #expect(overdue.sent.isEmpty)
        #expect(overdue.finished.map(\.id) == [id])
        #expect(overdue.finished.first?.result.outcome == .stored(acknowledged: 0, required: 2, refusals: []))
        #expect(script.tick(at: 1_003).finished.isEmpty)
        #expect(script.engine.runningOperations == 0)
    }

    @Test func aPutWithNobodyToAskFailsAtOnce() {
        var script = Self.script(knowing: [])
        let (id, output) = script.start(.putMutable(Self.v5))
        #expect(output.sent.isEmpty)
        #expect(output.finished.map(\.id) == [id])
        #expect(output.finished.first?.result.outcome == .stored(acknowledged: 0, required: 2, refusals: []))
    }

    // MARK: - Get

    @Test func theHighestValidSeqWinsAndStaleReplicasGetItPushedWithTheirTokens() {
        var script = Self.script(knowing: [10, 20, 30, 40, 50, 60, 70, 80])
        let remotes = Self.remotes([10, 20, 30, 40, 50, 60, 70, 80], items: [10: Self.v3, 20: Self.v7, 30: Self.v5])
        let (id, start) = script.start(Self.getOperation)
        #expect(start.queries.map(\.to) == [10, 20, 30].map { Self.n($0).endpoint })
        #expect(start.queries.allSatisfy { $0.query == .get(id: Self.localID, target: Self.target, seq: nil) })
        let (output, repairs) = script.play(start.queries, with: remotes, answering: Self.isGet)
        #expect(output.finished.map(\.id) == [id])
        let result = output.finished.first?.result
        #expect(result?.outcome == .item(Self.v7, holders: [Self.n(20).endpoint]))
        #expect(result?.queriesSent == 3, "R = 3 closest answered: nobody farther is asked")
        #expect(repairs.map(\.to) == [10, 30].map { Self.n($0).endpoint })
        #expect(repairs.map(\.query) == [remotes[0].token, remotes[2].token].map { Self.put(Self.v7, token: $0) })
    }

    @Test func onlyStaleReplicasAmongTheClosestRAreRepaired() {
        var script = Self.script(knowing: [10, 20, 30])
        var remotes = Self.remotes([2, 3, 20, 30], items: [2: Self.v7, 3: Self.v3, 20: Self.v3])
        remotes.append(ScriptedRemote(Self.n(10), knows: [Self.n(2), Self.n(3)], item: Self.v5))
        let (_, start) = script.start(Self.getOperation)
        let (output, repairs) = script.play(start.queries, with: remotes, answering: Self.isGet)
        #expect(output.finished.first?.result.outcome == .item(Self.v7, holders: [Self.n(2).endpoint]))
        #expect(
            Set(repairs.map(\.to)) == Set([3, 10].map { Self.n($0).endpoint }),
            "20 is stale but not among the 3 closest")
        #expect(repairs.allSatisfy { $0.query?.methodName == "put" })
    }

    @Test func aGetThatFindsNothingReportsNoItemAndRepairsNothing() {
        var script = Self.script(knowing: [10, 20, 30])
        let (_, start) = script.start(Self.getOperation)
        let (output, repairs) = script.play(start.queries, with: Self.remotes([10, 20, 30]), answering: Self.isGet)
        #expect(output.finished.first?.result.outcome == .item(nil, holders: []))
        #expect(repairs.isEmpty)
    }

    @Test func aGetThatFindsNothingAmongTheRClosestAsksOnToTheKClosest() {
        // The put settled on the k closest; a stall can make it store a little farther out.
        let distances: [UInt32] = [10, 20, 30, 40, 50, 60, 70, 80, 90]
        var script = Self.script(knowing: distances)
        let remotes = Self.remotes(distances, items: [50: Self.v5])
        let (id, start) = script.start(Self.getOperation)
        let (output, repairs) = script.play(start.queries, with: remotes, answering: Self.isGet)
        #expect(output.finished.map(\.id) == [id])
        let result = output.finished.first?.result
        #expect(result?.outcome == .item(Self.v5, holders: [Self.n(50).endpoint]))
        #expect(result?.queriesSent == 8, "the k = 8 closest, not 90")
        #expect(repairs.map(\.to) == [10, 20, 30].map { Self.n($0).endpoint }, "the R closest get the item pushed")
    }

    /// A get toward v5's target whose three closest nodes go overdue, then whose next eight answer
    /// without the item.
    static func getWithTheClosestThreeSlow() -> (EngineScript, DHTOperationID, [SentDatagram]) {
        var script = Self.script(knowing: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110])
        let (id, start) = script.start(Self.getOperation)
        #expect(start.queries.map(\.to) == [10, 20, 30].map { Self.n($0).endpoint })
        let overdue = script.tick(at: 1_001)  // no round trip measured yet: the 1 s ceiling
        let (settled, _) = script.play(
            overdue.queries, with: Self.remotes([40, 50, 60, 70, 80, 90, 100, 110]), answering: Self.isGet)
        #expect(settled.finished.isEmpty, "slow is not gone: a get that found nothing waits for the closest")
        return (script, id, start.queries)
    }

    @Test func aGetThatFoundNothingWaitsForAnOverdueReplica() throws {
        var (script, id, first) = Self.getWithTheClosestThreeSlow()
        let holder = ScriptedRemote(Self.n(10), item: Self.v5)
        guard case .success(let response)? = holder.answer(try #require(first[0].query)) else {
            Issue.record("the scripted holder did not answer")
            return
        }
        script.now = 1_001.5
        let late = script.answer(first[0], with: response)
        #expect(late.finished.map(\.id) == [id])
        #expect(late.finished.first?.result.outcome == .item(Self.v5, holders: [Self.n(10).endpoint]))
    }

    @Test func aGetForAnAbsentItemEndsWhenItsOverdueQueriesTimeOut() {
        var (script, id, _) = Self.getWithTheClosestThreeSlow()
        #expect(script.tick(at: 1_002.999).finished.isEmpty)
        let timedOut = script.tick(at: 1_003)
        #expect(timedOut.finished.map(\.id) == [id])
        #expect(timedOut.finished.first?.result.outcome == .item(nil, holders: []))
    }

    // MARK: - Forgeries

    /// Ways to forge a higher-seq answer to a get for the v* items' key and salt.
    enum Forgery: CaseIterable {
        case randomSignature, replayedSignature, otherKeySigned, otherKeyClaimed, otherSalt, noKey

        func response(from node: DHTNodeInfo, seq: Int64, random: inout SeededRandom) -> KRPCResponse {
            let genuine = DHTEngineTests.v7
            var response = KRPCResponse(
                id: node.id, token: [1, 2, 3], value: .string("forged \(seq)"), publicKey: genuine.publicKey,
                signature: (0..<64).map { _ in UInt8.random(in: 0...255, using: &random) }, seq: seq)
            switch self {
            case .randomSignature:
                break
            case .replayedSignature:
                response.value = genuine.value
                response.signature = genuine.signature
            case .otherKeySigned:
                response.signature = F.mutable("forged \(seq)", seq: seq, salt: DHTEngineTests.salt, seed: 8).signature
            case .otherKeyClaimed:
                let other = F.mutable("forged \(seq)", seq: seq, salt: DHTEngineTests.salt, seed: 8)
                response.publicKey = other.publicKey
                response.signature = other.signature
            case .otherSalt:
                response.signature = F.mutable("forged \(seq)", seq: seq, salt: "peerdex/other").signature
            case .noKey:
                response.publicKey = nil
            }
            return response
        }
    }

    @Test(arguments: Forgery.allCases)
    func aForgedHigherSeqIsIgnoredEveryTime(forgery: Forgery) {
        var random = SeededRandom(defaultSeed: 0xF0F0)
        for trial in 0..<12 {
            let position = trial % 3
            let seq = Int64.random(in: 8...Int64.max / 2, using: &random)
            var remotes = Self.remotes([10, 20, 30])
            let genuine = [Self.v7, Self.v3, Self.v5].shuffled(using: &random)
            for index in 0..<3 where index != position { remotes[index].item = genuine[index] }
            let honest = (0..<3).filter { $0 != position }
            let best = honest.map { remotes[$0].item! }.max { $0.seq < $1.seq }!
            remotes[position].forgedGet = forgery.response(from: remotes[position].info, seq: seq, random: &random)
            var script = Self.script(knowing: [10, 20, 30])
            let (_, start) = script.start(Self.getOperation)
            let (output, _) = script.play(start.queries, with: remotes, answering: Self.isGet)
            let holders = honest.filter { remotes[$0].item == best }.map { remotes[$0].info.endpoint }
            #expect(
                output.finished.first?.result.outcome == .item(best, holders: holders),
                "forgery \(forgery) at position \(position), seq \(seq), \(random)")
        }
    }

    @Test func forgeriesAreIgnoredAlsoOnceTheGenuineItemIsKnown() {
        // The engine remembers items it has verified: a forgery reusing their signatures must
        // still be checked, and fail.
        var script = Self.script(knowing: [10, 20, 30])
        var random = SeededRandom(defaultSeed: 0xCAC4E)
        let (_, warm) = script.start(Self.getOperation)
        let genuine = Self.remotes([10, 20, 30], items: [10: Self.v7, 20: Self.v7, 30: Self.v5])
        let (first, _) = script.play(warm.queries, with: genuine, answering: Self.isGet)
        #expect(first.finished.first?.result.outcome == .item(Self.v7, holders: [10, 20].map { Self.n($0).endpoint }))
        for forgery in Forgery.allCases {
            var remotes = Self.remotes([10, 20, 30], items: [20: Self.v5, 30: Self.v3])
            remotes[0].forgedGet = forgery.response(from: remotes[0].info, seq: 8, random: &random)
            let (_, start) = script.start(Self.getOperation)
            let (output, _) = script.play(start.queries, with: remotes, answering: Self.isGet)
            #expect(
                output.finished.first?.result.outcome == .item(Self.v5, holders: [Self.n(20).endpoint]), "\(forgery)")
        }
    }

    @Test func aNodeClaimingTheBestSeqAndSignatureWithAnotherValueIsNotAHolder() {
        var script = Self.script(knowing: [10, 20, 30])
        var remotes = Self.remotes([10, 20, 30], items: [10: Self.v7, 30: Self.v3])
        remotes[1].forgedGet = KRPCResponse(
            id: Self.n(20).id, token: [1], value: .string("not v7"), publicKey: Self.v7.publicKey,
            signature: Self.v7.signature, seq: 7)
        let (_, start) = script.start(Self.getOperation)
        let (output, _) = script.play(start.queries, with: remotes, answering: Self.isGet)
        #expect(output.finished.first?.result.outcome == .item(Self.v7, holders: [Self.n(10).endpoint]))
    }
}
