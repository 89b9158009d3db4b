import PeerdexTestSupport
import Testing

@testable import PeerdexCore

/// `closest(to:count:)` against a brute-force sort of the whole table.
@Suite struct RoutingTableClosestTests {
    /// A table of up to `attempts` random nodes on loopback (exempt from the network limits),
    /// spread over every depth: each ID shares a random-length prefix with ours. Every fifth node
    /// fails twice (bad unless a candidate replaced it).
    private func randomTable(attempts: Int, bucketSize: Int, random: inout SeededRandom) -> RoutingTable {
        let own = NodeID(random: &random)
        var table = RoutingTable(ownID: own, settings: RoutingSettings(bucketSize: bucketSize, enforceBEP42: false))
        for attempt in 0..<attempts {
            let depth = Int(random.next() % 40) == 0 ? Int(random.next() % 160) : Int(random.next() % 24)
            let id = own.randomized(after: depth, with: NodeID(random: &random))
            let endpoint = DHTEndpoint(
                ip: .v4(0x7f00_0001 | UInt32(attempt / 60_000) << 8), port: UInt16(1 + attempt % 60_000))
            _ = table.noteResponse(from: DHTNodeInfo(id: id, endpoint: endpoint), now: Double(attempt))
            if attempt % 5 == 0 {
                RoutingFixture.makeBad(&table, DHTNodeInfo(id: id, endpoint: endpoint), at: Double(attempt))
            }
        }
        return table
    }

    private func bruteForce(_ table: RoutingTable, target: NodeID, count: Int) -> [DHTNodeInfo] {
        let live = table.buckets.flatMap(\.nodes).filter { $0.failures < table.settings.failuresUntilBad }.map(\.info)
        return Array(live.sorted { $0.id.distance(to: target) < $1.id.distance(to: target) }.prefix(count))
    }

    @Test(arguments: [(0, 8), (12, 8), (400, 8), (6_000, 8), (20_000, 40)])
    func closestMatchesABruteForceSortOnRandomTables(attempts: Int, bucketSize: Int) {
        var random = SeededRandom(defaultSeed: UInt64(attempts * 31 + bucketSize))
        let table = randomTable(attempts: attempts, bucketSize: bucketSize, random: &random)
        var targets = [table.ownID, NodeID.zero, NodeID(high: .max, middle: .max, low: .max)]
        let members = table.buckets.flatMap(\.nodes).map(\.id)
        for _ in 0..<60 {
            targets.append(NodeID(random: &random))
            targets.append(table.ownID.randomized(after: Int(random.next() % 161), with: NodeID(random: &random)))
            if let member = members.randomElement(using: &random) { targets.append(member) }
        }
        for target in targets {
            for count in [1, 3, 8, 20, table.count + 5] {
                #expect(table.closest(to: target, count: count) == bruteForce(table, target: target, count: count),
                    "target \(target) count \(count) \(random)")
            }
        }
    }

    @Test func theLargeTableIsAsLargeAsTheIssueExpects() {
        var random = SeededRandom(defaultSeed: 20_000 * 31 + 40)
        let table = randomTable(attempts: 20_000, bucketSize: 40, random: &random)
        #expect(table.count > 1_000)
    }

    @Test func aZeroOrNegativeCountGivesNothingAndBadNodesAreLeftOut() {
        var table = RoutingFixture.table()
        let good = RoutingFixture.node(inBucket: 0, variant: 0)
        let bad = RoutingFixture.node(inBucket: 0, variant: 1)
        _ = table.noteResponse(from: good, now: 0)
        _ = table.noteResponse(from: bad, now: 0)
        for time in [1.0, 2] { _ = table.noteFailure(id: bad.id, endpoint: bad.endpoint, now: time) }
        #expect(table.closest(to: bad.id, count: 0).isEmpty)
        #expect(table.closest(to: bad.id, count: -1).isEmpty)
        #expect(table.closest(to: bad.id, count: 8) == [good])
    }

    @Test func questionableNodesCountAsMuchAsGoodOnes() {
        var table = RoutingFixture.table()
        let old = RoutingFixture.node(inBucket: 0, variant: 0)
        let recent = RoutingFixture.node(inBucket: 0, variant: 1)
        _ = table.noteResponse(from: old, now: 0)
        _ = table.noteResponse(from: recent, now: 2_000)
        #expect(table.state(of: old.id, now: 2_000) == .questionable)
        #expect(table.closest(to: old.id, count: 1) == [old])
    }
}
