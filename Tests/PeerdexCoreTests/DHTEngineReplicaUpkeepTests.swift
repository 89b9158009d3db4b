import Testing

@testable import PeerdexCore

/// `DHTEngine+ReplicaUpkeep`: a holder confirms the item's other replicas once, pings them while
/// they are quiet, and hands the item on at once when one turns bad.
@Suite struct DHTEngineReplicaUpkeepTests {
    typealias F = DHTItemFixtures

    static let item = F.mutable("profile v5", seq: 5, salt: "peerdex/profile")
    static let target = item.target
    static let requester = DHTNodeInfo(
        id: ScriptNodes.farID(from: target).distance(to: NodeID(high: 0, middle: 0, low: 0xbeef)),
        endpoint: DHTEndpoint(ip: .v4(0x0a09_0909), port: 7000))

    /// Maintenance, token rotation and republishing out of the way: the tests run upkeep rounds
    /// themselves (`upkeep(_:at:)`), without the bucket refreshes a maintenance round would start,
    /// and `tick` only expires queries. DHTSimulationTests runs them from maintenance.
    static var configuration: DHTEngineConfiguration {
        var configuration = DHTEngineConfiguration()
        configuration.maintenanceInterval = 1_000_000
        configuration.tokenRotationInterval = 1_000_000
        configuration.republishInterval = 1_000_000
        return configuration
    }

    /// An engine with `localID` that knows `nodes` and holds `item`, put by the requester at 1,000.
    static func holder(
        localID: NodeID, knowing nodes: [DHTNodeInfo], configuration: DHTEngineConfiguration = configuration
    ) -> EngineScript {
        var script = EngineScript(localID: localID, configuration: configuration)
        script.know(nodes)
        let put = KRPCQuery.put(
            id: requester.id, token: EngineScript.token(for: requester.endpoint.ip),
            put: DHTEngineServerTests.putArguments(item))
        _ = script.ask(put, from: requester.endpoint)
        #expect(script.engine.items.get(target: target, now: script.now) != nil)
        return script
    }

    /// One upkeep round at `time`.
    static func upkeep(_ script: inout EngineScript, at time: Double) -> EngineOutput {
        script.now = time
        return EngineOutput(actions: script.engine.upkeepReplicas(now: time, pinging: true))
    }

    /// The queries of `output` that are not to the requester (whom the engine pings as a candidate).
    static func toReplicas(_ output: EngineOutput) -> [SentDatagram] {
        output.queries.filter { $0.to != requester.endpoint }
    }

    /// Where `output` offered the item (a hand-off `get` of its target).
    static func offers(_ output: EngineOutput) -> [DHTEndpoint] {
        output.queries.filter {
            if case .get(_, let target, _) = $0.query { target == Self.target } else { false }
        }.map(\.to)
    }

    // MARK: - Confirming the replicas

    @Test func aRightfulReplicaConfirmsTheOtherTwoClosestOnceAndPutsToTheOneLackingTheItem() {
        let local = ScriptNodes.id(2, from: Self.target)
        let (a, c, d) = (ScriptNodes.node(1, from: Self.target), ScriptNodes.node(3, from: Self.target),
                         ScriptNodes.node(4, from: Self.target))
        var script = Self.holder(localID: local, knowing: [a, c, d])

        let round = Self.toReplicas(Self.upkeep(&script, at: 1_060))
        #expect(round.map(\.to) == [a.endpoint, c.endpoint], "the two others among the R = 3 closest, not d")
        #expect(round.map(\.query) == Array(repeating: .get(id: local, target: Self.target, seq: nil), count: 2))
        guard round.count == 2 else { return }
        script.now = 1_090  // the answers come half a minute later
        #expect(script.answer(round[0], with: KRPCResponse(id: a.id, token: [1], seq: 5)).queries.isEmpty)
        let handed = script.answer(round[1], with: KRPCResponse(id: c.id, token: [3]))
        #expect(
            handed.queries.map(\.query)
                == [.put(id: local, token: [3], put: DHTEngineServerTests.putArguments(Self.item))])
        #expect(handed.queries.map(\.to) == [c.endpoint])
        guard let put = handed.queries.first else { return }
        _ = script.answer(put, with: KRPCResponse(id: c.id))

        // Both confirmed and heard from within the minute: the next round sends nothing.
        #expect(Self.toReplicas(Self.upkeep(&script, at: 1_120)).isEmpty)
        // Quiet for a minute: pinged, not asked for the item again.
        let later = Self.toReplicas(Self.upkeep(&script, at: 1_180))
        #expect(later.map(\.query) == [.ping(id: local), .ping(id: local)])
        #expect(Set(later.map(\.to)) == [a.endpoint, c.endpoint])
    }

    @Test func aHolderOutsideTheClosestWatchesTheRClosest() {
        let (a, b, c) = (ScriptNodes.node(1, from: Self.target), ScriptNodes.node(2, from: Self.target),
                         ScriptNodes.node(3, from: Self.target))
        var script = Self.holder(localID: ScriptNodes.farID(from: Self.target), knowing: [a, b, c])
        #expect(Self.offers(Self.upkeep(&script, at: 1_060)) == [a.endpoint, b.endpoint, c.endpoint])
    }

    // MARK: - A replica dies

    @Test func aSilentReplicaIsPingedOnceMoreThenTheItemGoesToTheNextClosestAtOnce() {
        let local = ScriptNodes.id(2, from: Self.target)
        let (a, c, d) = (ScriptNodes.node(1, from: Self.target), ScriptNodes.node(3, from: Self.target),
                         ScriptNodes.node(4, from: Self.target))
        var script = Self.holder(localID: local, knowing: [a, c, d])
        let round = Self.toReplicas(Self.upkeep(&script, at: 1_060))
        guard round.count == 2 else {
            Issue.record("expected offers to a and c, got \(round)")
            return
        }
        _ = script.answer(round[0], with: KRPCResponse(id: a.id, token: [1], seq: 5))
        // c never answers: a second chance (a ping) when its get times out...
        let retry = Self.toReplicas(script.tick(at: 1_063.5))
        #expect(retry.map(\.query) == [.ping(id: local)])
        #expect(retry.map(\.to) == [c.endpoint])
        // ...and when that times out too, c is bad and d completes the three closest at once.
        let handOn = Self.toReplicas(script.tick(at: 1_067))
        #expect(script.engine.routing.state(of: c.id, now: script.now) == .bad)
        #expect(handOn.map(\.to) == [d.endpoint])
        #expect(handOn.map(\.query) == [.get(id: local, target: Self.target, seq: nil)])
    }

    @Test func anErrorReplyIsALiveNodeNotAFailure() {
        let local = ScriptNodes.id(2, from: Self.target)
        let (a, c) = (ScriptNodes.node(1, from: Self.target), ScriptNodes.node(3, from: Self.target))
        var script = Self.holder(localID: local, knowing: [a, c])
        let round = Self.toReplicas(Self.upkeep(&script, at: 1_060))
        guard let toC = round.first(where: { $0.to == c.endpoint }) else {
            Issue.record("no offer to c in \(round)")
            return
        }
        #expect(script.refuse(toC, code: 202).queries.isEmpty)
    }

    // MARK: - Bounds

    @Test func anItemNotPutForHalfItsLifetimeIsNotHandedOn() {
        let local = ScriptNodes.id(2, from: Self.target)
        let a = ScriptNodes.node(1, from: Self.target)
        var script = Self.holder(localID: local, knowing: [a])
        // Put at 1,000, lifetime 2 h: kept up until 4,600, no longer after (the owner has stopped
        // republishing, and a handed-on copy would live a lifetime more at its receiver).
        #expect(Self.offers(Self.upkeep(&script, at: 4_560)) == [a.endpoint])
        #expect(Self.offers(Self.upkeep(&script, at: 4_620)).isEmpty)
        #expect(script.engine.items.get(target: Self.target, now: 4_620) != nil, "still held and served")
    }

    @Test(arguments: [true, false])
    func aMaintenanceRoundRunsUpkeepUnlessTurnedOff(upkeep: Bool) {
        var configuration = Self.configuration
        configuration.maintenanceInterval = 60
        configuration.replicaUpkeep = upkeep
        let a = ScriptNodes.node(1, from: Self.target)
        var script = Self.holder(localID: ScriptNodes.id(2, from: Self.target), knowing: [a], configuration: configuration)
        #expect(Self.offers(script.tick(at: 1_060)) == (upkeep ? [a.endpoint] : []))
    }
}

/// `ReplicaLedger`: who is known to hold which `seq`.
@Suite struct ReplicaLedgerTests {
    static let target = NodeID(high: 1, middle: 2, low: 3)
    static let (a, b) = (NodeID(high: 9, middle: 0, low: 1), NodeID(high: 9, middle: 0, low: 2))

    @Test func aFellowHoldsTheSeqItConfirmedAndOlderOnes() {
        var ledger = ReplicaLedger()
        #expect(!ledger.holds(Self.a, target: Self.target, seq: 1))
        ledger.confirm(Self.a, holds: Self.target, seq: 5)
        #expect(ledger.holds(Self.a, target: Self.target, seq: 5))
        #expect(ledger.holds(Self.a, target: Self.target, seq: 4))
        #expect(!ledger.holds(Self.a, target: Self.target, seq: 6), "a newer item must be confirmed again")
        #expect(!ledger.holds(Self.b, target: Self.target, seq: 5))
        ledger.confirm(Self.a, holds: Self.target, seq: 3)
        #expect(ledger.holds(Self.a, target: Self.target, seq: 5), "an older confirmation does not lower it")
    }

    @Test func fellowsAndTargetsNoLongerRelevantAreForgotten() {
        var ledger = ReplicaLedger()
        let other = NodeID(high: 7, middle: 7, low: 7)
        ledger.confirm(Self.a, holds: Self.target, seq: 1)
        ledger.confirm(Self.b, holds: Self.target, seq: 1)
        ledger.confirm(Self.a, holds: other, seq: 1)
        ledger.keep(only: [Self.b], for: Self.target)
        #expect(!ledger.holds(Self.a, target: Self.target, seq: 1))
        #expect(ledger.holds(Self.b, target: Self.target, seq: 1))
        ledger.keep(onlyTargets: [Self.target])
        #expect(!ledger.holds(Self.a, target: other, seq: 1))
        #expect(ledger.targetCount == 1)
    }
}
