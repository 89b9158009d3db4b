import Testing

@testable import PeerdexCore

/// The asking side of `DHTEngine`: an iterative find_node lookup scripted hop by hop, the
/// matching of answers to queries, and the soft and hard deadlines of a query.
@Suite struct DHTEngineOperationTests {
    static let target = NodeID(hex: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678")!
    static let localID = ScriptNodes.farID(from: target)

    /// The node at distance `distance` from the target.
    static func n(_ distance: UInt32) -> DHTNodeInfo { ScriptNodes.node(distance, from: target) }

    /// An engine that knows the nodes at these distances (all in its bucket 0).
    static func script(
        knowing distances: [UInt32], _ configuration: DHTEngineConfiguration = DHTEngineConfiguration()
    )
        -> EngineScript
    {
        var script = EngineScript(localID: localID, configuration: configuration)
        script.know(distances.map(n))
        return script
    }

    /// The find_node query of this lookup.
    static let findNode = KRPCQuery.findNode(id: localID, target: target)

    /// The sent query to `node`, if exactly one.
    static func query(to node: DHTNodeInfo, in output: EngineOutput) -> SentDatagram? {
        let sent = output.queries.filter { $0.to == node.endpoint }
        return sent.count == 1 ? sent[0] : nil
    }

    // MARK: - Hop by hop

    @Test func alphaQueriesGoToTheThreeClosestKnownNodes() {
        var script = Self.script(knowing: [90, 40, 70, 60, 50, 80])
        let (_, output) = script.start(.findNode(Self.target))
        #expect(output.queries.map(\.to) == [40, 50, 60].map { Self.n($0).endpoint })
        #expect(output.queries.allSatisfy { $0.query == Self.findNode })
        #expect(output.queries.allSatisfy { $0.message.clientVersion == DHTEngineConfiguration().clientVersion })
        #expect(Set(output.queries.map(\.message.transactionID)).count == 3, "each query has its own transaction ID")
        #expect(output.actions.count == 3)
        #expect(script.engine.queriesInFlight == 3)
        #expect(script.engine.runningOperations == 1)
    }

    @Test func answersBringCloserNodesAndTheLookupFinishesWithTheKClosestResponders() {
        var script = Self.script(knowing: [40, 50, 60, 70, 80, 90])
        let (id, start) = script.start(.findNode(Self.target))
        let first = start.queries

        // 40 names 10, 20 and 45: the one free slot goes to the closest, 10.
        let fromForty = script.answer(first[0], with: KRPCResponse(id: Self.n(40).id, nodes: [10, 20, 45].map(Self.n)))
        #expect(fromForty.queries.map(\.to) == [Self.n(10).endpoint])
        #expect(fromForty.queries.first?.query == Self.findNode)
        // 50 names 5: it goes next, before 20.
        let fromFifty = script.answer(first[1], with: KRPCResponse(id: Self.n(50).id, nodes: [Self.n(5)]))
        #expect(fromFifty.queries.map(\.to) == [Self.n(5).endpoint])
        // 60 names nobody: 20 is the closest not asked.
        let fromSixty = script.answer(first[2], with: KRPCResponse(id: Self.n(60).id))
        #expect(fromSixty.queries.map(\.to) == [Self.n(20).endpoint])
        #expect(fromSixty.finished.isEmpty)

        // The rest of the network: 10 knows 30, 5 knows 2, the others nobody new.
        var remotes = [2, 20, 30, 45, 60, 70, 80, 90].map { ScriptedRemote(Self.n($0)) }
        remotes.append(ScriptedRemote(Self.n(10), knows: [Self.n(30), Self.n(40)]))
        remotes.append(ScriptedRemote(Self.n(5), knows: [Self.n(2)]))
        let (rest, unanswered) = script.play(fromForty.queries + fromFifty.queries + fromSixty.queries, with: remotes)
        #expect(unanswered.isEmpty)
        let asked = Set((start + fromForty + fromFifty + fromSixty + rest).queries.map(\.to))
        #expect(
            asked == Set([2, 5, 10, 20, 30, 40, 45, 50, 60].map { Self.n($0).endpoint }), "70, 80, 90 are never needed")

        #expect(rest.finished.count == 1)
        guard let (finishedID, result) = rest.finished.first else { return }
        #expect(finishedID == id)
        #expect(result.outcome == .nodes([2, 5, 10, 20, 30, 40, 45, 50].map(Self.n)))
        #expect(result.queriesSent == 9)
        #expect(result.responses == 9)
        #expect(result.hopsToClosest == 3, "50 (known) named 5, which named 2")
        #expect(result.startedAt == 1_000 && result.finishedAt == 1_000)
        #expect(script.engine.runningOperations == 0)
        #expect(script.engine.queriesInFlight == 0)
    }

    @Test func aLookupWithAnEmptyTableFinishesAtOnceWithNoNodes() {
        var script = Self.script(knowing: [])
        let (id, output) = script.start(.findNode(Self.target))
        #expect(output.sent.isEmpty)
        #expect(output.finished.map(\.id) == [id])
        #expect(output.finished.first?.result.outcome == .nodes([]))
        #expect(script.engine.runningOperations == 0)
    }

    @Test func aLookupNeverQueriesOurOwnNode() {
        // We are at distance 3 from the target; a remote names us among its closest nodes.
        let selfInfo = ScriptNodes.node(3, from: Self.target)
        var script = EngineScript(localID: selfInfo.id)
        script.know([40, 50, 60].map(Self.n))
        let (_, start) = script.start(.findNode(Self.target))
        let remotes = [40, 50, 60].map { ScriptedRemote(Self.n($0), knows: [selfInfo]) }
        // If the engine queried itself, its own query would loop back to it; play answers as we would.
        var selfRemote = ScriptedRemote(selfInfo)
        selfRemote.knows = []
        let (rest, _) = script.play(start.queries, with: remotes + [selfRemote])
        #expect(!(start + rest).queries.contains { $0.to == selfInfo.endpoint }, "a lookup must not query its own node")
        #expect(rest.finished.first?.result.outcome == .nodes([40, 50, 60].map(Self.n)))
    }

    // MARK: - Matching answers to queries

    @Test func aLookupNeverQueriesAnEndpointNobodyCanBeReachedAt() {
        var script = Self.script(knowing: [40, 50, 60])
        let (id, start) = script.start(.findNode(Self.target))
        let unreachable = [
            DHTNodeInfo(id: ScriptNodes.id(1, from: Self.target), endpoint: DHTEndpoint(ip: .v4(0x0a00_0001), port: 0)),
            DHTNodeInfo(id: ScriptNodes.id(2, from: Self.target), endpoint: DHTEndpoint(ip: .v4(0), port: 6881)),
        ]
        let output = script.answer(start.queries[0], with: KRPCResponse(id: Self.n(40).id, nodes: unreachable))
        #expect(output.queries.isEmpty, "\(output.queries)")
        let (rest, _) = script.play(
            Array(start.queries.dropFirst()), with: [50, 60].map { ScriptedRemote(Self.n($0)) })
        #expect(rest.finished.map(\.id) == [id])
        #expect(rest.finished.first?.result.outcome == .nodes([40, 50, 60].map(Self.n)))
    }

    @Test func answersFromTheWrongAddressOrWithAnUnknownTransactionAreIgnoredAndCounted() {
        var script = Self.script(knowing: [40, 50, 60, 70])
        let (_, start) = script.start(.findNode(Self.target))
        let toForty = start.queries[0]
        let answer = KRPCResponse(id: Self.n(40).id, nodes: [Self.n(1)])
        let otherPort = DHTEndpoint(ip: Self.n(40).endpoint.ip, port: 6882)
        #expect(script.answer(toForty, with: answer, from: otherPort).actions.isEmpty)
        #expect(script.answer(toForty, with: answer, from: Self.n(50).endpoint).actions.isEmpty)
        #expect(script.answer(toForty, with: answer, transactionID: [0xff, 0xff, 0xff, 0xff]).actions.isEmpty)
        #expect(script.answer(toForty, with: answer, transactionID: [0, 1]).actions.isEmpty)
        #expect(
            script.receive(.error(code: 201, message: "x", transactionID: [9, 9, 9, 9]), from: toForty.to).actions
                .isEmpty)
        #expect(script.engine.statistics.unmatchedResponses == 5)
        #expect(script.engine.queriesInFlight == 3)
        // The real answer still counts, and only once.
        let real = script.answer(toForty, with: answer)
        #expect(real.queries.map(\.to) == [Self.n(1).endpoint])
        #expect(script.answer(toForty, with: answer).actions.isEmpty, "a duplicate answer matches nothing")
        #expect(script.engine.statistics.unmatchedResponses == 6)
    }

    @Test func anAnswerFromAnotherNodeIDIsAFailureOfTheNodeAsked() {
        var script = Self.script(knowing: [40, 50, 60, 70])
        let (id, start) = script.start(.findNode(Self.target))
        let impostor = ScriptNodes.id(1, from: Self.target)
        let output = script.answer(start.queries[0], with: KRPCResponse(id: impostor, nodes: [Self.n(2)]))
        #expect(
            output.queries.map(\.to) == [Self.n(70).endpoint], "40's slot goes to the next known node; 2 is not learned"
        )
        #expect(script.engine.routing.node(id: Self.n(40).id)?.failures == 1)
        #expect(script.engine.routing.node(id: impostor) == nil)
        let (rest, _) = script.play(
            Array(start.queries.dropFirst()) + output.queries, with: [50, 60, 70].map { ScriptedRemote(Self.n($0)) })
        #expect(rest.finished.map(\.id) == [id])
        #expect(rest.finished.first?.result.outcome == .nodes([50, 60, 70].map(Self.n)))
    }

    @Test func anErrorReplyFailsTheQueryAndFreesItsSlot() {
        var script = Self.script(knowing: [40, 50, 60, 70])
        let (_, start) = script.start(.findNode(Self.target))
        let output = script.refuse(start.queries[0], code: 202, message: "server error")
        #expect(output.queries.map(\.to) == [Self.n(70).endpoint])
        let (rest, _) = script.play(
            Array(start.queries.dropFirst()) + output.queries, with: [50, 60, 70].map { ScriptedRemote(Self.n($0)) })
        #expect(rest.finished.first?.result.outcome == .nodes([50, 60, 70].map(Self.n)))
    }

    // MARK: - Soft deadline (overdue) and hard timeout

    @Test func beforeAnyRoundTripTheSoftDeadlineIsTheCeilingAndADeadNodesSlotIsReused() {
        var script = Self.script(knowing: [40, 50, 60, 70, 80])
        let (_, start) = script.start(.findNode(Self.target))
        #expect(start.queries.count == 3)
        #expect(script.engine.nextDeadline == 1_001)
        #expect(script.tick(at: 1_000.999).sent.isEmpty)
        let overdue = script.tick(at: 1_001)
        #expect(overdue.queries.map(\.to) == [70, 80].map { Self.n($0).endpoint })
        #expect(overdue.queries.allSatisfy { $0.query == Self.findNode })
        #expect(script.engine.nextDeadline == 1_002, "the new queries' soft deadline, before the old ones' hard one")
        #expect(script.engine.queriesInFlight == 5, "overdue queries stay in flight: a late answer still counts")
    }

    @Test func theCeilingIsConfigurable() {
        var configuration = DHTEngineConfiguration()
        configuration.overdueCeiling = 0.25
        var script = Self.script(knowing: [40, 50, 60, 70], configuration)
        _ = script.start(.findNode(Self.target))
        #expect(script.engine.nextDeadline == 1_000.25)
        #expect(script.tick(at: 1_000.25).queries.map(\.to) == [Self.n(70).endpoint])
    }

    @Test func afterAFastAnswerTheSoftDeadlineIsTheFiftyMillisecondFloor() {
        var script = Self.script(knowing: [40, 50, 60, 70, 80])
        let (_, start) = script.start(.findNode(Self.target))
        script.now = 1_000.01
        let answer = script.answer(start.queries[0], with: KRPCResponse(id: Self.n(40).id))
        #expect(answer.queries.map(\.to) == [Self.n(70).endpoint])
        #expect(script.engine.nextDeadline == 1_000.01 + 0.05)
        #expect(script.tick(at: 1_000.059).sent.isEmpty)
        let overdue = script.tick(at: 1_000.01 + 0.05)
        #expect(overdue.queries.map(\.to) == [Self.n(80).endpoint], "70 is overdue after 50 ms; 80 takes its slot")
    }

    /// The soft deadline of the query in flight to `node`, relative to when it was sent.
    static func softDeadline(to node: DHTNodeInfo, in script: EngineScript) -> Double? {
        script.engine.inflight.values.first { $0.endpoint == node.endpoint }.map { $0.overdueAt - $0.sentAt }
    }

    @Test func theSoftDeadlineFollowsTheMeasuredRoundTripsUpToTheCeiling() {
        // One sample of 0.2 s: smoothed 0.2, deviation 0.1, so 0.2 + 4 × 0.1 = 0.6 s.
        var one = Self.script(knowing: [40, 50, 60, 70, 80])
        var (_, start) = one.start(.findNode(Self.target))
        one.now = 1_000.2
        _ = one.answer(start.queries[0], with: KRPCResponse(id: Self.n(40).id))
        #expect(abs((Self.softDeadline(to: Self.n(70), in: one) ?? 0) - 0.6) < 1e-9)

        // Samples of 0.1 then 0.3 s: deviation 0.75 × 0.05 + 0.25 × 0.2 = 0.0875, smoothed
        // 0.875 × 0.1 + 0.125 × 0.3 = 0.125, so 0.125 + 4 × 0.0875 = 0.475 s.
        var two = Self.script(knowing: [40, 50, 60, 70, 80])
        (_, start) = two.start(.findNode(Self.target))
        two.now = 1_000.1
        _ = two.answer(start.queries[0], with: KRPCResponse(id: Self.n(40).id))
        #expect(abs((Self.softDeadline(to: Self.n(70), in: two) ?? 0) - 0.3) < 1e-9)
        two.now = 1_000.3
        _ = two.answer(start.queries[1], with: KRPCResponse(id: Self.n(50).id))
        #expect(abs((Self.softDeadline(to: Self.n(80), in: two) ?? 0) - 0.475) < 1e-9)

        // A slow sample of 0.9 s: 0.9 + 4 × 0.45 = 2.7 s, held at the 1 s ceiling.
        var slow = Self.script(knowing: [40, 50, 60, 70, 80])
        (_, start) = slow.start(.findNode(Self.target))
        slow.now = 1_000.9
        _ = slow.answer(start.queries[0], with: KRPCResponse(id: Self.n(40).id))
        #expect(Self.softDeadline(to: Self.n(70), in: slow) == 1.0)
    }

    @Test func aLateAnswerFromAnOverdueNodeStillCounts() {
        var script = Self.script(knowing: [40, 50, 60, 70])
        let (id, start) = script.start(.findNode(Self.target))
        let overdue = script.tick(at: 1_001)
        #expect(overdue.queries.map(\.to) == [Self.n(70).endpoint])
        script.now = 1_001.5
        var output = script.answer(start.queries[0], with: KRPCResponse(id: Self.n(40).id))
        output = output + script.answer(overdue.queries[0], with: KRPCResponse(id: Self.n(70).id))
        #expect(output.finished.map(\.id) == [id])
        #expect(output.finished.first?.result.outcome == .nodes([40, 70].map(Self.n)))
        #expect(output.finished.first?.result.finishedAt == 1_001.5)
    }

    @Test func theHardTimeoutFailsTheQueryAndCountsAgainstTheNodeInTheTable() {
        var script = Self.script(knowing: [40, 50, 60, 70])
        let (id, start) = script.start(.findNode(Self.target))
        #expect(start.queries.count == 3)
        let overdue = script.tick(at: 1_001)
        script.now = 1_001.2
        let done = script.answer(overdue.queries[0], with: KRPCResponse(id: Self.n(70).id))
        #expect(done.finished.map(\.id) == [id], "the overdue nodes are not waited for")
        #expect(done.finished.first?.result.outcome == .nodes([Self.n(70)]))
        #expect(script.engine.nextDeadline == 1_003)
        #expect(script.tick(at: 1_002.999).actions.isEmpty)
        #expect(script.tick(at: 1_003).finished.isEmpty)
        #expect(script.engine.statistics.timeouts == 3)
        #expect(script.engine.queriesInFlight == 0)
        for distance: UInt32 in [40, 50, 60] {
            #expect(script.engine.routing.node(id: Self.n(distance).id)?.failures == 1)
        }
        #expect(script.engine.routing.node(id: Self.n(70).id)?.failures == 0)
        // An answer after the hard timeout matches nothing any more.
        #expect(script.answer(start.queries[0], with: KRPCResponse(id: Self.n(40).id)).actions.isEmpty)
        #expect(script.engine.statistics.unmatchedResponses == 1)
        #expect(script.engine.routing.node(id: Self.n(40).id)?.failures == 1)
    }

    @Test func aLookupWhoseNodesAllTimeOutFinishesEmpty() {
        var script = Self.script(knowing: [40, 50])
        let (id, _) = script.start(.findNode(Self.target))
        let output = script.tick(at: 1_001)
        #expect(output.finished.map(\.id) == [id])
        #expect(output.finished.first?.result.outcome == .nodes([]))
        #expect(output.finished.first?.result.queriesSent == 2)
    }
}
