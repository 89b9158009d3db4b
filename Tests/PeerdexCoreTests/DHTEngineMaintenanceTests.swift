import Testing

@testable import PeerdexCore

/// `DHTEngine` and the passing of time: token rotation, republishing, maintenance rounds,
/// `nextDeadline`, and the same actions for the same inputs.
@Suite struct DHTEngineMaintenanceTests {
    typealias F = DHTItemFixtures

    static let localID = RoutingFixture.ownID
    static let requester = DHTNodeInfo(
        id: RoutingFixture.id(inBucket: 20, variant: 1), endpoint: DHTEndpoint(ip: .v4(0x0a09_0909), port: 7000))
    static let item = F.mutable("profile v5", seq: 5, salt: "peerdex/profile")

    /// Settings in which only what a test looks at comes due.
    static func quiet(republish: Double = 3_600) -> DHTEngineConfiguration {
        var configuration = DHTEngineConfiguration()
        configuration.maintenanceInterval = 1_000_000
        configuration.tokenRotationInterval = 1_000_000
        configuration.republishInterval = republish
        return configuration
    }

    /// The engine's answer to the requester (a response or an error) in `output`.
    static func answer(in output: EngineOutput) -> SentDatagram? {
        output.sent.first { $0.to == requester.endpoint && $0.query == nil }
    }

    // MARK: - Write tokens

    @Test func aTokenIsAcceptedAfterOneRotationAndRefusedAfterTwo() {
        var script = EngineScript(localID: Self.localID)
        script.know([Self.requester])
        let infoHash = RoutingFixture.id(inBucket: 4, variant: 4)
        let getPeers = KRPCQuery.getPeers(id: Self.requester.id, infoHash: infoHash)
        let announce = { (token: [UInt8]) in
            KRPCQuery.announcePeer(
                id: Self.requester.id, infoHash: infoHash, port: 6881, token: token, impliedPort: false)
        }
        let first = Self.answer(in: script.ask(getPeers, from: Self.requester.endpoint))?.response?.token
        #expect(first == EngineScript.token(for: Self.requester.endpoint.ip))
        guard let first else { return }

        _ = script.tick(at: 1_299)
        #expect(
            Self.answer(in: script.ask(getPeers, from: Self.requester.endpoint))?.response?.token == first,
            "not yet rotated")
        _ = script.tick(at: 1_300)
        let second = Self.answer(in: script.ask(getPeers, from: Self.requester.endpoint))?.response?.token
        #expect(second != nil && second != first, "rotated every 300 s")
        #expect(Self.answer(in: script.ask(announce(first), from: Self.requester.endpoint))?.response != nil)

        _ = script.tick(at: 1_600)
        #expect(Self.answer(in: script.ask(announce(first), from: Self.requester.endpoint))?.errorReply?.code == 203)
        let put = KRPCQuery.put(id: Self.requester.id, token: first, put: DHTEngineServerTests.putArguments(Self.item))
        #expect(Self.answer(in: script.ask(put, from: Self.requester.endpoint))?.errorReply?.code == 203)
        #expect(Self.answer(in: script.ask(announce(second ?? []), from: Self.requester.endpoint))?.response != nil)
    }

    // MARK: - Republishing our own items

    @Test func aPublishedItemIsPutAgainEveryRepublishIntervalUntilWithdrawn() {
        let target = Self.item.target
        let nodes = [10, 20, 30].map { ScriptNodes.node($0, from: target) }
        var script = EngineScript(localID: ScriptNodes.farID(from: target), configuration: Self.quiet())
        script.know(nodes)
        let (id, actions) = script.engine.publish(Self.item, now: script.now)
        let start = EngineOutput(actions: actions)
        let getQuery = KRPCQuery.get(id: script.localID, target: target, seq: 5)
        #expect(start.queries.map(\.to) == nodes.map(\.endpoint))
        #expect(start.queries.allSatisfy { $0.query == getQuery })
        #expect(script.engine.published[target] == DHTEngine.PublishedItem(item: Self.item, republishAt: 4_600))
        let (first, _) = script.play(start.queries, with: nodes.map { ScriptedRemote($0) })
        #expect(first.finished.map(\.id) == [id])
        #expect(first.finished.first?.result.outcome.succeeded == true)
        #expect(script.engine.nextDeadline == 4_600)

        #expect(script.tick(at: 4_599.9).actions.isEmpty)
        let again = script.tick(at: 4_600)
        #expect(again.queries.map(\.to) == nodes.map(\.endpoint))
        #expect(again.queries.allSatisfy { $0.query == getQuery })
        #expect(script.engine.published[target]?.republishAt == 8_200)
        let (second, _) = script.play(again.queries, with: nodes.map { ScriptedRemote($0) })
        #expect(second.finished.first?.result.outcome == .stored(acknowledged: 2, required: 2, refusals: []))

        script.engine.withdraw(target)
        #expect(script.engine.published.isEmpty)
        let afterWithdrawal = script.tick(at: 8_200).queries.filter { $0.query?.methodName == "get" }
        #expect(afterWithdrawal.isEmpty)
    }

    // MARK: - nextDeadline

    @Test func nextDeadlineFollowsAQuerysSoftThenHardDeadline() {
        var script = EngineScript(localID: Self.localID)
        #expect(script.engine.nextDeadline == 1_060, "maintenance every 60 s comes before token rotation")
        script.know([Self.requester])
        _ = script.start(.findNode(RoutingFixture.id(inBucket: 3, variant: 3)))
        #expect(script.engine.nextDeadline == 1_001, "the query's soft deadline")
        _ = script.tick(at: 1_001)
        #expect(script.engine.nextDeadline == 1_003, "then its hard one")
        _ = script.tick(at: 1_003)
        #expect(script.engine.nextDeadline == 1_060)
    }

    @Test func nextDeadlineIsTheEarliestOfMaintenanceRotationAndRepublish() {
        var configuration = DHTEngineConfiguration()
        configuration.tokenRotationInterval = 100
        configuration.republishInterval = 80
        var script = EngineScript(localID: Self.localID, configuration: configuration)
        _ = script.engine.publish(Self.item, now: 1_000)  // nobody to put to: done at once
        #expect(script.engine.nextDeadline == 1_060)
        _ = script.tick(at: 1_060)
        #expect(script.engine.nextDeadline == 1_080, "the republish, before rotation at 1,100 and maintenance at 1,120")
        _ = script.tick(at: 1_080)
        #expect(script.engine.nextDeadline == 1_100)
        _ = script.tick(at: 1_100)
        #expect(script.engine.nextDeadline == 1_120)
        _ = script.tick(at: 1_120)
        #expect(script.engine.nextDeadline == 1_160)
        #expect(script.engine.queriesInFlight == 0)
    }

    // MARK: - Maintenance rounds

    @Test func aMaintenanceRoundPingsQuestionableNodesAndRefreshesStaleBuckets() {
        var script = EngineScript(localID: Self.localID)
        let bucketZero = (0..<8).map { RoutingFixture.node(inBucket: 0, variant: $0) }
        let bucketOne = (0..<2).map { RoutingFixture.node(inBucket: 1, variant: $0) }
        script.know(bucketZero + bucketOne)
        let first = script.tick(at: 1_060)
        let refreshed = Set(
            first.queries.compactMap { sent -> Int? in
                guard case .findNode(_, let target) = sent.query else { return nil }
                return Self.localID.commonPrefixLength(with: target)
            })
        #expect(refreshed == [2], "only bucket 2 (never changed, one past the deepest occupied) is stale")
        #expect(!first.queries.contains { $0.query == .ping(id: Self.localID) }, "every node is good")

        // 16 minutes after they answered, every node is questionable and every bucket stale.
        let later = script.tick(at: 1_960)
        let pinged = later.queries.filter { $0.query == .ping(id: Self.localID) }.map(\.to)
        #expect(pinged.count == 8)
        #expect(Set(pinged).isSubset(of: Set((bucketZero + bucketOne).map(\.endpoint))))
        let refreshedLater = Set(
            later.queries.compactMap { sent -> Int? in
                guard case .findNode(_, let target) = sent.query else { return nil }
                return Self.localID.commonPrefixLength(with: target)
            })
        #expect(refreshedLater == [0, 1, 2])
    }

    @Test func heldItemsExpireInAMaintenanceRound() {
        var script = EngineScript(localID: Self.localID)
        script.know([Self.requester])
        let token = EngineScript.token(for: Self.requester.endpoint.ip)
        let put = KRPCQuery.put(id: Self.requester.id, token: token, put: DHTEngineServerTests.putArguments(Self.item))
        #expect(Self.answer(in: script.ask(put, from: Self.requester.endpoint))?.response != nil)
        _ = script.tick(at: 1_000 + 7_199)
        #expect(script.engine.items.count == 1)
        _ = script.tick(at: 1_000 + 7_260)
        #expect(script.engine.items.count == 0)
    }

    @Test func aHeldItemIsHandedOnToACloserNodeThatJoins() {
        let target = Self.item.target
        var script = EngineScript(localID: Self.localID, configuration: Self.quiet())
        let far = RoutingFixture.node(inBucket: 3, variant: 0)
        script.know([Self.requester, far])
        let put = KRPCQuery.put(
            id: Self.requester.id, token: EngineScript.token(for: Self.requester.endpoint.ip),
            put: DHTEngineServerTests.putArguments(Self.item))
        _ = script.ask(put, from: Self.requester.endpoint)

        let closer = ScriptNodes.node(9, from: target)
        let (_, start) = script.start(.findNode(target))
        let toFar = start.queries.first { $0.to == far.endpoint }
        let named = script.answer(toFar!, with: KRPCResponse(id: far.id, nodes: [closer]))
        let toCloser = named.queries.filter { $0.to == closer.endpoint }
        #expect(toCloser.map(\.query) == [.findNode(id: Self.localID, target: target)])
        let joined = script.answer(toCloser[0], with: KRPCResponse(id: closer.id))
        let offer = joined.queries.filter { $0.to == closer.endpoint }
        #expect(offer.map(\.query) == [.get(id: Self.localID, target: target, seq: nil)], "a get for its token and seq")
        guard let offer = offer.first else { return }
        let handed = script.answer(offer, with: KRPCResponse(id: closer.id, token: [7, 7]))
        #expect(handed.queries.map(\.to) == [closer.endpoint])
        #expect(
            handed.queries.map(\.query)
                == [.put(id: Self.localID, token: [7, 7], put: DHTEngineServerTests.putArguments(Self.item))])
    }

    @Test func aCloserNodeThatHoldsTheItemAlreadyIsNotSentIt() {
        let target = Self.item.target
        var script = EngineScript(localID: Self.localID, configuration: Self.quiet())
        script.know([Self.requester])
        let put = KRPCQuery.put(
            id: Self.requester.id, token: EngineScript.token(for: Self.requester.endpoint.ip),
            put: DHTEngineServerTests.putArguments(Self.item))
        _ = script.ask(put, from: Self.requester.endpoint)
        let closer = ScriptNodes.node(9, from: target)
        let (_, start) = script.start(.bootstrap([closer.endpoint]))
        let joined = script.answer(start.queries[0], with: KRPCResponse(id: closer.id))
        let offer = joined.queries.filter { $0.query == .get(id: Self.localID, target: target, seq: nil) }
        #expect(offer.map(\.to) == [closer.endpoint])
        guard let offer = offer.first else { return }
        let answer = KRPCResponse(id: closer.id, token: [7], seq: 5)
        #expect(script.answer(offer, with: answer).queries.isEmpty)
    }

    // MARK: - Determinism

    @Test func theSameInputsGiveTheSameActions() {
        // Two lookups whose queries go overdue in the same tick, repeated on fresh engines: the
        // simulator relies on an engine's actions depending on its inputs alone.
        let target = NodeID(hex: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678")!
        var runs = [[DHTAction]]()
        for _ in 0..<24 {
            var script = EngineScript(localID: ScriptNodes.farID(from: target))
            script.know([40, 50, 60, 70, 80, 90, 100, 110].map { ScriptNodes.node($0, from: target) })
            _ = script.start(.findNode(target))
            _ = script.start(.findNode(ScriptNodes.id(1, from: target)))
            runs.append(script.tick(at: 1_001).actions)
        }
        #expect(runs.first?.count == 6)
        #expect(
            runs.allSatisfy { $0 == runs[0] }, "\(runs.count(where: { $0 != runs[0] })) of \(runs.count) runs differ")
    }

    @Test func republishingSeveralItemsGivesTheSameActionsEveryRun() {
        let items = (1...4).map { F.mutable("item \($0)", seq: 1, salt: "salt \($0)") }
        var runs = [[DHTAction]]()
        for _ in 0..<24 {
            var script = EngineScript(localID: Self.localID, configuration: Self.quiet(republish: 50))
            for item in items { _ = script.engine.publish(item, now: 1_000) }  // nobody to put to yet
            script.know((0..<8).map { RoutingFixture.node(inBucket: $0, variant: 0) })
            runs.append(script.tick(at: 1_050).actions)
        }
        #expect(runs.first?.count == 12, "three gets for each of the four items")
        #expect(
            runs.allSatisfy { $0 == runs[0] }, "\(runs.count(where: { $0 != runs[0] })) of \(runs.count) runs differ")
    }
}
