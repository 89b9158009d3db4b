import PeerdexCore
import PeerdexTestSupport
import Testing

@Suite struct DHTSimulationScratchTests {
    @Test func investigateChurnMiss() throws {
        let seed: UInt64 = 14086613800394237317
        let simulator = DHTSimulator(seed: seed)
        simulator.addNodes(200)
        simulator.convergeTables()
        _ = simulator.kill(fraction: 0.2)
        let newcomers = simulator.addNodes(20)
        try simulator.bootstrap(newcomers)
        let lookups = DHTSimulationTests.randomLookups(in: simulator, count: 60)
        let results = try simulator.runAll(lookups.map { (.findNode($0.target), $0.origin) })
        for (lookup, result) in zip(lookups, results) where !DHTSimulationTests.foundClosest(result, lookup: lookup, in: simulator) {
            let truth = simulator.closestLiveNodes(to: lookup.target, count: 3, excluding: [lookup.origin])
            let id = simulator.infos[truth[0]].id
            let knownBy = simulator.liveNodes.filter { simulator.engine($0)!.routing.node(id: id) != nil }
            let candidateOf = simulator.liveNodes.filter { n in simulator.engine(n)!.routing.buckets.contains { $0.candidates.contains { $0.info.id == id } } }
            print("MISS origin \(lookup.origin) target \(lookup.target.hex.prefix(8)) truth \(truth) \(truth.map { simulator.infos[$0].description }) newcomer \(newcomers.contains(truth[0])) knownBy \(knownBy.count) candidateOf \(candidateOf.count) answered \(simulator.engine(truth[0])!.statistics.queriesAnswered) table \(simulator.engine(truth[0])!.routing.count)")
            print("   result \(result)")
        }
        print("counters \(simulator.counters)")
    }
}
