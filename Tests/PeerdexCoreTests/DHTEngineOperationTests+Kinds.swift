import Testing

@testable import PeerdexCore

/// The other operations of `DHTEngine`: bootstrap, get_peers and announce_peer, and what every
/// operation shares (the cap on operations, the external address learned from answers).
extension DHTEngineOperationTests {
    /// The node at distance `distance` from our own ID (a bootstrap looks up our ID).
    static func own(_ distance: UInt32) -> DHTNodeInfo { ScriptNodes.node(distance, from: localID) }

    // MARK: - Bootstrap

    @Test func aBootstrapAsksItsSeedsForOurIDThenLooksUpWhatTheyName() {
        var script = EngineScript(localID: Self.localID)
        let seeds = [Self.own(1_000), Self.own(2_000)]
        let (id, start) = script.start(.bootstrap(seeds.map(\.endpoint)))
        #expect(start.queries.map(\.to) == seeds.map(\.endpoint))
        #expect(start.queries.allSatisfy { $0.query == .findNode(id: Self.localID, target: Self.localID) })

        let first = script.answer(start.queries[0], with: KRPCResponse(id: seeds[0].id, nodes: [40, 50].map(Self.own)))
        #expect(first.queries.map(\.to) == [40, 50].map { Self.own($0).endpoint })
        let second = script.answer(start.queries[1], with: KRPCResponse(id: seeds[1].id, nodes: [Self.own(30)]))
        #expect(second.queries.map(\.to) == [Self.own(30).endpoint])
        let remotes = [30, 40, 50].map { ScriptedRemote(Self.own($0)) }
        let (rest, _) = script.play(first.queries + second.queries, with: remotes)
        #expect(rest.finished.map(\.id) == [id])
        #expect(rest.finished.first?.result.outcome == .nodes([30, 40, 50].map(Self.own)))
        #expect(rest.finished.first?.result.hopsToClosest == 2, "named by a seed")
        #expect(script.engine.routing.count == 5, "the seeds and the nodes they named all answered")
    }

    @Test func aSilentSeedIsNotWaitedForPastItsSoftDeadline() {
        var script = EngineScript(localID: Self.localID)
        let (id, start) = script.start(.bootstrap([Self.own(1_000).endpoint]))
        #expect(start.queries.count == 1)
        #expect(start.finished.isEmpty)
        let overdue = script.tick(at: 1_001)
        #expect(overdue.finished.map(\.id) == [id])
        #expect(overdue.finished.first?.result.outcome == .nodes([]))
        #expect(script.tick(at: 1_003).finished.isEmpty, "the timeout reports nothing more")
    }

    // MARK: - What every operation shares

    @Test func operationsOverTheCapFinishAtOnceEmpty() {
        var configuration = DHTEngineConfiguration()
        configuration.maximumOperations = 1
        var script = Self.script(knowing: [40, 50, 60], configuration)
        let (_, first) = script.start(.findNode(Self.target))
        #expect(first.queries.count == 3)
        let (refused, output) = script.start(.getPeers(Self.target))
        #expect(output.sent.isEmpty)
        #expect(output.finished.map(\.id) == [refused])
        #expect(output.finished.first?.result.outcome == .peers([]))
        #expect(output.finished.first?.result.queriesSent == 0)
        #expect(script.engine.runningOperations == 1)
    }

    @Test func twoAnswersAgreeingOnOurAddressMakeItOurExternalAddress() {
        var script = Self.script(knowing: [40, 50, 60])
        let (_, start) = script.start(.findNode(Self.target))
        let seen = DHTEndpoint(ip: DHTItemFixtures.ipv4(9), port: 6881)
        let other = DHTEndpoint(ip: DHTItemFixtures.ipv4(10), port: 6881)
        _ = script.answer(start.queries[0], with: KRPCResponse(id: Self.n(40).id), requesterAddress: seen)
        #expect(script.engine.externalAddress == nil, "one answer is not enough")
        _ = script.answer(start.queries[1], with: KRPCResponse(id: Self.n(50).id), requesterAddress: other)
        #expect(script.engine.externalAddress == nil)
        _ = script.answer(start.queries[2], with: KRPCResponse(id: Self.n(60).id), requesterAddress: seen)
        #expect(script.engine.externalAddress == seen)
    }

    /// Votes are per voter: one node (or an attacker answering our queries) repeating an address
    /// does not set it.
    @Test
    func oneNodeRepeatingAnAddressDoesNotMakeItOurExternalAddress() {
        var script = Self.script(knowing: [40, 50, 60])
        let claimed = DHTEndpoint(ip: DHTItemFixtures.ipv4(66), port: 6881)
        let (_, first) = script.start(.findNode(Self.target))
        _ = script.answer(first.queries[0], with: KRPCResponse(id: Self.n(40).id), requesterAddress: claimed)
        let (_, second) = script.start(.findNode(ScriptNodes.id(7, from: Self.target)))
        let again = second.queries.first { $0.to == Self.n(40).endpoint }
        _ = script.answer(again!, with: KRPCResponse(id: Self.n(40).id), requesterAddress: claimed)
        #expect(script.engine.externalAddress == nil)
    }

    // MARK: - get_peers and announce_peer

    @Test func getPeersCollectsThePeersOfEveryAnswerOnce() {
        var script = Self.script(knowing: [10, 20, 30])
        let peer = { (host: UInt8) in DHTEndpoint(ip: DHTItemFixtures.ipv4(host), port: 51_413) }
        var remotes = [10, 20, 30].map { ScriptedRemote(Self.n($0)) }
        remotes[0].peers = [peer(1), peer(2)]
        remotes[2].peers = [peer(2), peer(3)]
        let (id, start) = script.start(.getPeers(Self.target))
        #expect(start.queries.allSatisfy { $0.query == .getPeers(id: Self.localID, infoHash: Self.target) })
        let (output, _) = script.play(start.queries, with: remotes)
        #expect(output.finished.map(\.id) == [id])
        #expect(output.finished.first?.result.outcome == .peers([peer(1), peer(2), peer(3)]))
    }

    @Test(arguments: [UInt16(51_413), nil])
    func anAnnounceGoesToEveryClosestResponderWithItsToken(port: UInt16?) {
        var script = Self.script(knowing: [10, 20, 30, 40])
        var remotes = [10, 20, 30, 40].map { ScriptedRemote(Self.n($0)) }
        remotes[1].refusal = 203
        let (id, start) = script.start(.announce(Self.target, port: port))
        let (output, unanswered) = script.play(start.queries, with: remotes)
        #expect(unanswered.isEmpty)
        let announces = output.queries.filter { $0.query?.methodName == "announce_peer" }
        #expect(announces.map(\.to) == remotes.map(\.info.endpoint), "k = 8 are wanted: all four that answered")
        #expect(
            announces.map(\.query)
                == remotes.map {
                    .announcePeer(
                        id: Self.localID, infoHash: Self.target, port: port ?? 0, token: $0.token,
                        impliedPort: port == nil)
                })
        #expect(output.finished.map(\.id) == [id])
        #expect(output.finished.first?.result.outcome == .announced(acknowledged: 3))
        #expect(script.engine.runningOperations == 0)
    }
}
