import Crypto
import PeerdexCore
import PeerdexTestSupport
import Testing

/// The DHT engine at network scale, in `DHTSimulator`: ~200 nodes on a virtual network and clock.
@Suite struct DHTSimulationTests {
    // MARK: - Lookups

    @Test func convergedLookupsFindTheClosestNodeWithinFewHops() throws {
        let seed = SeededRandom(defaultSeed: 0x5EED_0001).seed
        let simulator = DHTSimulator(seed: seed)
        simulator.addNodes(200)
        simulator.convergeTables()
        let lookups = Self.randomLookups(in: simulator, count: 60)
        let results = try simulator.runAll(lookups.map { (.findNode($0.target), $0.origin) })

        let found = zip(lookups, results).filter { Self.foundClosest($1, lookup: $0, in: simulator) }
        #expect(found.count == lookups.count, "seed \(seed)")
        // 200 nodes, k = 8: a converged table reaches the closest node in about two hops (log2(200)
        // ≈ 7.6 bits to resolve, some 3 per hop); the odd lookup learns it by a longer path first.
        let hops = results.map(\.hopsToClosest).sorted()
        #expect(hops.first! >= 1 && hops.last! <= 4, "hops \(hops), seed \(seed)")
        #expect(hops[hops.count / 2] <= 2, "hops \(hops), seed \(seed)")
        #expect(simulator.counters.datagramsToDeadNodes == 0 && simulator.counters.datagramsLost == 0)
    }

    @Test func lookupsStillFindTheClosestLiveNodeAfterChurn() throws {
        let seed = SeededRandom(defaultSeed: 0x5EED_0002).seed
        let simulator = DHTSimulator(seed: seed)
        simulator.addNodes(200)
        simulator.convergeTables()
        let killed = simulator.kill(fraction: 0.2)
        let newcomers = simulator.addNodes(20)
        try simulator.bootstrap(newcomers)
        #expect(killed.count == 40 && simulator.liveNodes.count == 180)

        let lookups = Self.randomLookups(in: simulator, count: 60)
        let results = try simulator.runAll(lookups.map { (.findNode($0.target), $0.origin) })
        let missed = zip(lookups, results).filter { !Self.foundClosest($1, lookup: $0, in: simulator) }
        #expect(missed.isEmpty, "\(missed.count) of \(lookups.count) missed the closest live node, seed \(seed)")
        // Stale tables send queries to the dead: the network saw them, and the lookups survived them.
        #expect(simulator.counters.datagramsToDeadNodes > 0)
        // Every newcomer is known to some live node's table: the bootstrap reached the network.
        for node in newcomers {
            let id = simulator.infos[node].id
            let knownBy = simulator.liveNodes.filter { simulator.engine($0)!.routing.node(id: id) != nil }
            #expect(!knownBy.isEmpty, "newcomer \(node) unknown to everyone, seed \(seed)")
        }
    }

    @Test func lookupsTolerateLostDatagrams() throws {
        let seed = SeededRandom(defaultSeed: 0x5EED_0003).seed
        let simulator = DHTSimulator(seed: seed, loss: 0.05)
        simulator.addNodes(200)
        simulator.convergeTables()
        let lookups = Self.randomLookups(in: simulator, count: 40)
        let results = try simulator.runAll(lookups.map { (.findNode($0.target), $0.origin) })
        #expect(simulator.counters.datagramsLost > 0)
        // A query or answer lost costs the lookup that node only (overdue queries are not sent
        // again): it misses the closest node when that node's datagram is lost, about 1 lookup in
        // 10 at 5% loss, and still settles among the very closest (missing five needs five losses).
        let found = zip(lookups, results).filter { Self.foundClosest($1, lookup: $0, in: simulator) }
        #expect(found.count >= 30, "found \(found.count) of \(lookups.count), seed \(seed)")
        for (lookup, result) in zip(lookups, results) {
            let truth = simulator.closestLiveNodes(to: lookup.target, count: 5, excluding: [lookup.origin])
            guard case .nodes(let nodes) = result.outcome, let first = nodes.first else {
                Issue.record("a lookup found nobody, seed \(seed)")
                continue
            }
            #expect(truth.map { simulator.infos[$0] }.contains(first), "seed \(seed)")
        }
    }

    @Test func aRealBootstrapBuildsANetworkThatLookupsWork() throws {
        let seed = SeededRandom(defaultSeed: 0x5EED_0004).seed
        let simulator = DHTSimulator(seed: seed)
        let nodes = simulator.addNodes(80)
        let joins = try simulator.bootstrap(nodes)
        #expect(joins.count == 79)
        simulator.advance(by: 120)  // the first maintenance rounds refresh the buckets still empty

        let lookups = Self.randomLookups(in: simulator, count: 40)
        let results = try simulator.runAll(lookups.map { (.findNode($0.target), $0.origin) })
        let found = zip(lookups, results).filter { Self.foundClosest($1, lookup: $0, in: simulator) }
        #expect(found.count == lookups.count, "seed \(seed)")
        let tableSizes = nodes.map { simulator.engine($0)!.routing.count }
        #expect(tableSizes.min()! >= 8, "table sizes \(tableSizes.sorted()), seed \(seed)")
    }

    // MARK: - Items and replication

    @Test func aPutStoresAtTheThreeClosestAndAGetSucceedsWhileAnyOneReplicaLives() throws {
        let seed = SeededRandom(defaultSeed: 0x5EED_0005).seed
        // 20 ms each way for every datagram: no query ever goes overdue (the soft deadline's floor
        // is 50 ms), so every live replica answers every get in time. Replication is under test
        // here, not how long a lookup waits for a slow node.
        let simulator = DHTSimulator(seed: seed, latency: .fixed(0.020))
        simulator.addNodes(200)
        simulator.convergeTables()
        let owner = 0
        let items = (1...4).map { Self.item("profile \($0)", seq: 1, key: UInt8($0)) }
        let puts = try simulator.runAll(items.map { (.putMutable($0), owner) })
        // A put reports as soon as a majority acknowledged; the third store lands just after.
        #expect(puts.allSatisfy { $0.outcome == .stored(acknowledged: 2, required: 2, refusals: []) })
        simulator.advance(by: 2)
        let replicas = items.map { simulator.closestLiveNodes(to: $0.target, count: 3, excluding: [owner]) }
        for (item, expected) in zip(items, replicas) {
            #expect(simulator.holders(of: item.target) == expected, "seed \(seed)")
        }
        try #require(Set(replicas.joined()).count == 12, "the items share a replica: pick other keys")

        // Item i loses i of its replicas (the closest first); item 0 keeps all three.
        for (index, dead) in replicas.enumerated() { dead.prefix(index).forEach { simulator.kill($0) } }
        let readers = items.map { _ in simulator.randomLiveNode(excluding: Set(replicas.joined()).union([owner]))! }
        let gets = try simulator.runAll(
            zip(items, readers).map { (.getMutable(publicKey: $0.publicKey, salt: $0.salt), $1) })
        for (index, get) in gets.enumerated() {
            guard case .item(let found, let holders) = get.outcome else {
                Issue.record("a get answered \(get.outcome)")
                continue
            }
            let survivors = replicas[index].dropFirst(index).map { simulator.infos[$0].endpoint }
            #expect(found == (index < 3 ? items[index] : nil), "\(index) replica(s) dead, seed \(seed)")
            #expect(Set(holders) == Set(survivors), "\(index) replica(s) dead, seed \(seed)")
        }
        // The gets pushed the item to the closest nodes that lacked it: three copies again.
        simulator.advance(by: 2)
        for index in 0..<3 {
            #expect(simulator.holders(of: items[index].target).count == 3, "item \(index), seed \(seed)")
        }
    }

    @Test(arguments: [true, false])
    func holdersRestoreLostCopiesBetweenRepublishes(upkeep: Bool) throws {
        let seed = SeededRandom(defaultSeed: 0x5EED_0008).seed
        var configuration = DHTEngineConfiguration()
        configuration.replicaUpkeep = upkeep
        let simulator = DHTSimulator(seed: seed, configuration: configuration, latency: .fixed(0.020))
        simulator.addNodes(200)
        simulator.convergeTables()
        // A put, not a publish, and the owner dies: nobody republishes, only the holders can
        // restore what the failures take.
        let owner = 0
        let item = Self.item("kept by its holders", seq: 1, key: 9)
        #expect(try simulator.run(.putMutable(item), from: owner).outcome.succeeded)
        simulator.kill(owner)
        simulator.advance(by: 2)
        let original = simulator.holders(of: item.target)
        try #require(original.count == 3, "seed \(seed)")

        // The three original replicas die one after another, three maintenance rounds apart.
        for (index, replica) in original.enumerated() {
            simulator.kill(replica)
            simulator.advance(by: 3 * configuration.maintenanceInterval)
            let holders = simulator.holders(of: item.target)
            if upkeep {
                #expect(holders.count == 3, "after \(index + 1) failure(s), seed \(seed)")
                #expect(Set(holders) == Set(simulator.closestLiveNodes(to: item.target, count: 3, excluding: [owner])),
                        "the copies went to the closest live nodes, seed \(seed)")
            } else {
                #expect(holders.count == 2 - index, "after \(index + 1) failure(s), seed \(seed)")
            }
        }
        let reader = simulator.randomLiveNode()!
        let read = try simulator.run(.getMutable(publicKey: item.publicKey, salt: item.salt), from: reader)
        #expect(read.outcome.item == (upkeep ? item : nil), "every original replica is dead, seed \(seed)")
    }

    @Test func republishingKeepsAnItemAliveAcrossExpiry() throws {
        let seed = SeededRandom(defaultSeed: 0x5EED_0007).seed
        // Maintenance every hour rather than every minute keeps this debug-build test fast;
        // republishing and expiry, under test here, follow their own clocks.
        var configuration = DHTEngineConfiguration()
        configuration.maintenanceInterval = 3_600
        let simulator = DHTSimulator(seed: seed, configuration: configuration)
        simulator.addNodes(64)
        simulator.convergeTables()
        let published = Self.item("kept alive", seq: 1, key: 3)
        let putOnce = Self.item("put once", seq: 1, key: 4)
        var republished = 0
        simulator.onFinished = { node, _, result in
            if node == 0, result.outcome.succeeded, case .stored = result.outcome { republished += 1 }
        }
        #expect(try simulator.publish(published, from: 0).outcome.succeeded)
        #expect(try simulator.run(.putMutable(putOnce), from: 1).outcome.succeeded)
        let start = simulator.now

        simulator.runUntil(start + 7_300)  // past BEP 44's 2-hour lifetime; republished at 1 h and 2 h
        #expect(republished == 3, "the first put and two republishes, seed \(seed)")
        let reads = try simulator.runAll([
            (.getMutable(publicKey: published.publicKey, salt: published.salt), 7),
            (.getMutable(publicKey: putOnce.publicKey, salt: putOnce.salt), 7),
        ])
        #expect(reads[0].outcome.item == published, "seed \(seed)")
        #expect(reads[1].outcome.item == nil, "an item nobody republished outlived its lifetime, seed \(seed)")
    }

    // MARK: - The simulator itself

    @Test func theSameSeedGivesTheSameRun() throws {
        func scenario(seed: UInt64) throws -> (results: [DHTOperationResult], counters: DHTSimulator.Counters) {
            let simulator = DHTSimulator(seed: seed, loss: 0.02)
            simulator.addNodes(150)
            simulator.convergeTables()
            simulator.kill(fraction: 0.2)
            try simulator.bootstrap(simulator.addNodes(10))
            let item = Self.item("same", seq: 1, key: 5)
            var results = [try simulator.run(.putMutable(item), from: simulator.liveNodes[0])]
            let lookups = Self.randomLookups(in: simulator, count: 30)
            results += try simulator.runAll(lookups.map { (.findNode($0.target), $0.origin) })
            simulator.advance(by: 90)
            return (results, simulator.counters)
        }
        let seed = SeededRandom(defaultSeed: 0x5EED_0008).seed
        let first = try scenario(seed: seed)
        let second = try scenario(seed: seed)
        #expect(first.results == second.results, "seed \(seed)")
        #expect(first.counters == second.counters, "seed \(seed)")
        #expect(first.counters.datagramsSent > 1_000)
        let other = try scenario(seed: seed &+ 1)
        #expect(other.counters != first.counters, "another seed, another run")
    }

    @Test func theEventQueueOrdersByTimeThenArrival() {
        var random = SeededRandom(defaultSeed: 0x5EED_0009)
        var queue = EventQueue<Int>()
        var expected = [(time: Double, index: Int)]()
        for index in 0..<500 {
            let time = Double(Int.random(in: 0..<50, using: &random))  // many ties
            queue.push(index, at: time)
            expected.append((time, index))
        }
        #expect(queue.count == 500 && queue.nextTime == 0)
        expected.sort { $0.time < $1.time || ($0.time == $1.time && $0.index < $1.index) }
        var popped = [(time: Double, index: Int)]()
        while let (time, index) = queue.pop() { popped.append((time, index)) }
        #expect(popped.map(\.index) == expected.map(\.index), "\(random)")
        #expect(queue.isEmpty)
        #expect(queue.pop() == nil)
    }

    @Test func theVirtualNetworkRoutesEveryEndpointBackToItsNode() {
        for node in [0, 1, 255, 256, 63_999, 64_000, 1_000_000, VirtualNetwork.capacity - 1] {
            let endpoint = VirtualNetwork.endpoint(of: node)
            #expect(endpoint.ip.isLocal && VirtualNetwork.node(at: endpoint) == node)
        }
        #expect(VirtualNetwork.endpoint(of: 0).description == "10.0.0.1:1024")
        #expect(VirtualNetwork.node(at: DHTEndpoint(ip: .v4(0x0A00_0001), port: 1_025)) == nil)  // wrong port
        #expect(VirtualNetwork.node(at: DHTEndpoint(ip: .v4(0x7F00_0001), port: 1_024)) == nil)
    }

    // MARK: - Helpers

    /// `count` lookups from random live nodes toward random IDs.
    static func randomLookups(in simulator: DHTSimulator, count: Int) -> [(origin: Int, target: NodeID)] {
        (0..<count).map { _ in (simulator.randomLiveNode()!, simulator.randomID()) }
    }

    /// Whether a find_node's closest responder is the closest live node to the target (the
    /// origin aside: a node never finds itself).
    static func foundClosest(
        _ result: DHTOperationResult, lookup: (origin: Int, target: NodeID), in simulator: DHTSimulator
    ) -> Bool {
        guard case .nodes(let nodes) = result.outcome,
            let truth = simulator.closestLiveNodes(to: lookup.target, count: 1, excluding: [lookup.origin]).first
        else { return false }
        let origin = simulator.infos[lookup.origin]
        return nodes.first { $0 != origin } == simulator.infos[truth]
    }

    /// A mutable item signed by the key whose seed is `key` repeated.
    static func item(_ text: String, seq: Int64, key: UInt8) -> MutableItem {
        let privateKey = try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: key, count: 32))
        return try! MutableItem.sign(
            value: .string(text), seq: seq, salt: Array("peerdex/profile".utf8), with: privateKey)
    }
}

extension DHTOperationOutcome {
    /// The item a get found, if this is a get's outcome.
    fileprivate var item: MutableItem? {
        if case .item(let item, _) = self { item } else { nil }
    }
}
