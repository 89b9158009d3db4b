import PeerdexTestSupport
import Testing

@testable import PeerdexCore

/// The storing side of BEP 44: sequence and CAS rules, lifetimes, per-source limits, eviction,
/// hand-off and persistence.
@Suite struct ItemStoreTests {
    typealias F = DHTItemFixtures
    static let writer = F.ipv4(1)

    static func store(_ configuration: ItemStore.Configuration = .default, localID: NodeID = .zero) -> ItemStore {
        ItemStore(localID: localID, configuration: configuration)
    }

    // MARK: - Mutable items: the sequence rules

    @Test func aNewMutableItemIsStoredAndServed() {
        var store = Self.store()
        let item = F.mutable("v1", seq: 1, salt: "peerdex/profile")
        #expect(store.put(mutable: item, from: Self.writer, now: 0) == .success(.stored(evicted: nil)))
        #expect(
            store.get(target: item.target, now: 1) == StoredItem(content: .mutable(item), storedAt: 0, announcers: 1))
        #expect(store.answer(target: item.target, seq: nil, now: 1) == .mutable(item))
        #expect(store.count == 1)
    }

    @Test func aHigherSeqReplacesTheItem() {
        var store = Self.store()
        _ = store.put(mutable: F.mutable("v1", seq: 1), from: Self.writer, now: 0)
        let newer = F.mutable("v2", seq: 2)
        #expect(store.put(mutable: newer, from: Self.writer, now: 10) == .success(.updated(previousSeq: 1)))
        #expect(store.get(target: newer.target, now: 10)?.mutableItem == newer)
        #expect(store.get(target: newer.target, now: 10)?.storedAt == 10)
    }

    @Test func aLowerSeqIsRefusedWith302AndChangesNothing() {
        var store = Self.store()
        let stored = F.mutable("v5", seq: 5)
        _ = store.put(mutable: stored, from: Self.writer, now: 0)
        #expect(
            store.put(mutable: F.mutable("v4", seq: 4), from: Self.writer, now: 1)
                == .failure(.sequenceNumberNotNewer(stored: 5)))
        #expect(
            store.get(target: stored.target, now: 1)
                == StoredItem(content: .mutable(stored), storedAt: 0, announcers: 1))
    }

    @Test func anEqualSeqWithTheSameValueRefreshesTheLifetime() {
        var store = Self.store()
        let item = F.mutable("same", seq: 3)
        _ = store.put(mutable: item, from: Self.writer, now: 0)
        #expect(store.put(mutable: item, from: F.ipv4(2), now: 5_000) == .success(.refreshed))
        #expect(
            store.get(target: item.target, now: 7_200)
                == StoredItem(content: .mutable(item), storedAt: 5_000, announcers: 2))
        #expect(store.get(target: item.target, now: 12_200) == nil)
    }

    @Test func anEqualSeqWithAnotherValueIsRefusedWith302() {
        var store = Self.store()
        let first = F.mutable("first", seq: 3)
        _ = store.put(mutable: first, from: Self.writer, now: 0)
        #expect(
            store.put(mutable: F.mutable("second", seq: 3), from: Self.writer, now: 1)
                == .failure(.sequenceNumberNotNewer(stored: 3)))
        #expect(store.get(target: first.target, now: 1)?.mutableItem == first)
    }

    @Test func casMustMatchTheStoredSeqAndIsCheckedBeforeTheSeq() {
        var store = Self.store()
        _ = store.put(mutable: F.mutable("v5", seq: 5), from: Self.writer, now: 0)
        #expect(
            store.put(mutable: F.mutable("v6", seq: 6), cas: 4, from: Self.writer, now: 1)
                == .failure(.compareAndSwapMismatch(stored: 5)))
        #expect(
            store.put(mutable: F.mutable("v4", seq: 4), cas: 4, from: Self.writer, now: 1)
                == .failure(.compareAndSwapMismatch(stored: 5)))
        #expect(
            store.put(mutable: F.mutable("v6", seq: 6), cas: 5, from: Self.writer, now: 1)
                == .success(.updated(previousSeq: 5)))
        #expect(DHTItemError.compareAndSwapMismatch(stored: 5).krpcCode == 301)
    }

    @Test func casIsIgnoredWhenNothingIsStored() {
        var store = Self.store()
        #expect(
            store.put(mutable: F.mutable("v", seq: 1), cas: 99, from: Self.writer, now: 0)
                == .success(.stored(evicted: nil)))
    }

    @Test(arguments: [
        (Int64?.none, ItemStore.Answer?.some(.mutable(F.mutable("v5", seq: 5)))),
        (0, .mutable(F.mutable("v5", seq: 5))),
        (4, .mutable(F.mutable("v5", seq: 5))), (5, .sequenceOnly(5)), (6, .sequenceOnly(5)), (-1, .sequenceOnly(5)),
        (.max, .sequenceOnly(5)),
    ])
    func aGetWithSeqGetsTheValueOnlyIfTheStoredOneIsNewer(_ seq: Int64?, _ expected: ItemStore.Answer?) {
        var store = Self.store()
        let item = F.mutable("v5", seq: 5)
        _ = store.put(mutable: item, from: Self.writer, now: 0)
        #expect(store.answer(target: item.target, seq: seq, now: 1) == expected)
    }

    // MARK: - Immutable items

    @Test func immutableItemsAreStoredRefreshedAndServedOnlyToGetsWithoutSeq() {
        var store = Self.store()
        let item = F.immutable("blob")
        #expect(store.put(immutable: item, from: Self.writer, now: 0) == .success(.stored(evicted: nil)))
        #expect(store.put(immutable: item, from: Self.writer, now: 100) == .success(.refreshed))
        #expect(
            store.get(target: item.target, now: 100)
                == StoredItem(content: .immutable(item), storedAt: 100, announcers: 1))
        #expect(store.answer(target: item.target, seq: nil, now: 100) == .immutable(item))
        #expect(store.answer(target: item.target, seq: 0, now: 100) == nil)
        #expect(store.answer(target: NodeID(high: 1, middle: 2, low: 3), seq: nil, now: 100) == nil)
        #expect(store.get(target: NodeID(high: 1, middle: 2, low: 3), now: 100) == nil)
    }

    // MARK: - Lifetime

    @Test func itemsExpireTwoHoursAfterTheirLastPut() {
        var store = Self.store()
        let mutable = F.mutable("m", seq: 1)
        let immutable = F.immutable("i")
        _ = store.put(mutable: mutable, from: Self.writer, now: 0)
        _ = store.put(immutable: immutable, from: Self.writer, now: 100)
        #expect(store.get(target: mutable.target, now: 7_199) != nil)
        #expect(store.get(target: mutable.target, now: 7_200) == nil)
        #expect(store.answer(target: mutable.target, seq: 0, now: 7_200) == nil)
        #expect(store.get(target: immutable.target, now: 7_200) != nil)
        #expect(store.expire(now: 7_200) == 1)
        #expect(store.count == 1)
        #expect(store.expire(now: 7_300) == 1)
        #expect(store.count == 0)
    }

    @Test func anExpiredItemIsReplacedEvenByALowerSeq() {
        var store = Self.store()
        _ = store.put(mutable: F.mutable("old", seq: 5), from: Self.writer, now: 0)
        #expect(
            store.put(mutable: F.mutable("new", seq: 1), from: Self.writer, now: 7_200)
                == .success(.stored(evicted: nil)))
        #expect(store.count == 1)
    }

    @Test func anInfiniteLifetimeKeepsItemsUntilEvicted() {
        var store = Self.store(.init(itemLifetime: .infinity))
        let item = F.immutable("forever")
        _ = store.put(immutable: item, from: Self.writer, now: 0)
        #expect(store.expire(now: 1e12) == 0)
        #expect(store.get(target: item.target, now: 1e12) != nil)
    }

    // MARK: - Per-source limits

    @Test func eachSourceHasItsOwnPutBudget() {
        var store = Self.store(.init(putsPerSecondPerSource: 1, putBurstPerSource: 3))
        let items = (0..<6).map { F.immutable("item \($0)") }
        for item in items.prefix(3) {
            #expect(store.put(immutable: item, from: Self.writer, now: 0) == .success(.stored(evicted: nil)))
        }
        #expect(store.put(immutable: items[3], from: Self.writer, now: 0) == .failure(.rateLimited))
        #expect(store.put(immutable: items[3], from: F.ipv4(2), now: 0) == .success(.stored(evicted: nil)))
        #expect(store.put(immutable: items[4], from: Self.writer, now: 1) == .success(.stored(evicted: nil)))
        #expect(store.put(immutable: items[5], from: Self.writer, now: 1) == .failure(.rateLimited))
    }

    @Test func refusedPutsSpendTheBudgetToo() {
        var store = Self.store(.init(putsPerSecondPerSource: 0.001, putBurstPerSource: 2))
        _ = store.put(mutable: F.mutable("v5", seq: 5), from: Self.writer, now: 0)
        #expect(
            store.put(mutable: F.mutable("v4", seq: 4), from: Self.writer, now: 0)
                == .failure(.sequenceNumberNotNewer(stored: 5)))
        #expect(store.put(mutable: F.mutable("v6", seq: 6), from: Self.writer, now: 0) == .failure(.rateLimited))
    }

    @Test func anIPv6SourceIsItsWholeSlash64() {
        var store = Self.store(.init(putsPerSecondPerSource: 0.001, putBurstPerSource: 1))
        #expect(
            store.put(immutable: F.immutable("a"), from: F.ipv6(net: 1, host: 1), now: 0)
                == .success(.stored(evicted: nil)))
        #expect(store.put(immutable: F.immutable("b"), from: F.ipv6(net: 1, host: 2), now: 0) == .failure(.rateLimited))
        #expect(
            store.put(immutable: F.immutable("b"), from: F.ipv6(net: 2, host: 1), now: 0)
                == .success(.stored(evicted: nil)))
    }

    @Test func loopbackIsExemptUnlessConfigured() {
        var exempt = Self.store(.init(putsPerSecondPerSource: 0.001, putBurstPerSource: 1))
        var limited = Self.store(.init(putsPerSecondPerSource: 0.001, putBurstPerSource: 1, limitsLoopback: true))
        for index in 0..<10 {
            #expect(
                exempt.put(immutable: F.immutable("\(index)"), from: .v4(0x7F00_0001), now: 0) != .failure(.rateLimited)
            )
            #expect(exempt.put(immutable: F.immutable("\(index)"), from: .v6(0, 1), now: 0) != .failure(.rateLimited))
        }
        #expect(
            limited.put(immutable: F.immutable("a"), from: .v4(0x7F00_0001), now: 0) == .success(.stored(evicted: nil)))
        #expect(limited.put(immutable: F.immutable("b"), from: .v4(0x7F00_0001), now: 0) == .failure(.rateLimited))
    }

    @Test func whenTooManySourcesAreBusyANewOneWaitsForAnIdleOne() {
        var store = Self.store(.init(putsPerSecondPerSource: 0.1, putBurstPerSource: 1, maximumTrackedSources: 2))
        _ = store.put(immutable: F.immutable("a"), from: F.ipv4(1), now: 0)
        _ = store.put(immutable: F.immutable("b"), from: F.ipv4(2), now: 0)
        #expect(store.put(immutable: F.immutable("c"), from: F.ipv4(3), now: 5) == .failure(.rateLimited))
        #expect(store.put(immutable: F.immutable("c"), from: F.ipv4(3), now: 10) == .success(.stored(evicted: nil)))
    }

    // MARK: - Eviction

    /// With our ID at the target of "1:x", the common prefix lengths of the others' targets are
    /// y: 1, c: 1, z: 0, b: 0, d: 0 (computed with Python's hashlib).
    static let localID = F.immutable("x").target

    @Test func theCommonPrefixLengthsThisSuiteReliesOnHold() {
        let lengths = ["y", "c", "z", "b", "d"].map { F.immutable($0).target.commonPrefixLength(with: Self.localID) }
        #expect(lengths == [1, 1, 0, 0, 0])
    }

    @Test func aFullStoreEvictsTheItemFarthestFromOurID() {
        var store = Self.store(.init(maximumItems: 3), localID: Self.localID)
        for (index, text) in ["x", "y", "z"].enumerated() {
            _ = store.put(immutable: F.immutable(text), from: F.ipv4(UInt8(index)), now: Double(index))
        }
        #expect(
            store.put(immutable: F.immutable("w"), from: F.ipv4(9), now: 3)
                == .success(.stored(evicted: F.immutable("z").target)))
        #expect(store.count == 3)
        #expect(store.get(target: F.immutable("x").target, now: 3) != nil)
        #expect(store.get(target: F.immutable("z").target, now: 3) == nil)
    }

    @Test func amongEquallyFarItemsTheOldestIsEvicted() {
        var store = Self.store(.init(maximumItems: 3), localID: Self.localID)
        _ = store.put(immutable: F.immutable("x"), from: F.ipv4(1), now: 0)
        _ = store.put(mutable: F.mutable("m", seq: 1), from: F.ipv4(2), now: 1)
        let mutableDistance = F.mutable("m", seq: 1).target.commonPrefixLength(with: Self.localID)
        _ = store.put(immutable: F.immutable("b"), from: F.ipv4(3), now: 2)
        _ = store.put(immutable: F.immutable("d"), from: F.ipv4(4), now: 3)  // evicts the farthest, oldest first
        let expected = mutableDistance == 0 ? F.mutable("m", seq: 1).target : F.immutable("b").target
        #expect(store.get(target: expected, now: 3) == nil)
        #expect(store.count == 3)
    }

    @Test func anItemPutByManyNetworksOutlivesANearerOne() {
        var store = Self.store(.init(maximumItems: 3), localID: Self.localID)
        let far = F.immutable("b")  // prefix 0: one bit farther than "c"
        let near = F.immutable("c")
        _ = store.put(immutable: F.immutable("x"), from: F.ipv4(1), now: 0)
        _ = store.put(immutable: near, from: F.ipv4(2), now: 1)
        for source in 10..<25 { _ = store.put(immutable: far, from: F.ipv4(UInt8(source)), now: 2) }
        let announcers = store.get(target: far.target, now: 2)?.announcers ?? 0
        #expect(announcers >= 10 && announcers <= 15)  // 5 more networks are worth one bit
        #expect(
            store.put(immutable: F.immutable("w"), from: F.ipv4(3), now: 3) == .success(.stored(evicted: near.target)))
    }

    @Test func expiredItemsAreEvictedFirst() {
        var store = Self.store(.init(maximumItems: 2), localID: Self.localID)
        _ = store.put(immutable: F.immutable("x"), from: F.ipv4(1), now: 0)
        _ = store.put(immutable: F.immutable("z"), from: F.ipv4(2), now: 5_000)
        #expect(
            store.put(immutable: F.immutable("b"), from: F.ipv4(3), now: 7_300)
                == .success(.stored(evicted: F.immutable("x").target)))
    }

    @Test func aFloodOfPutsFromManySourcesNeverExceedsTheLimit() {
        var store = Self.store(.init(maximumItems: 50, putsPerSecondPerSource: 1, putBurstPerSource: 4))
        var random = SeededRandom(defaultSeed: 44)
        var stored = 0
        for step in 0..<2_000 {
            let text = String(UInt64.random(in: 0...UInt64.max, using: &random), radix: 36)
            let source = IPAddress.v4(UInt32.random(in: 0..<500, using: &random) | 0x0B00_0000)
            if case .success(.stored) = store.put(immutable: F.immutable(text), from: source, now: Double(step) / 10) {
                stored += 1
            }
            #expect(store.count <= 50, "\(random)")
        }
        #expect(stored > 1_000, "\(random)")
        #expect(store.count == 50)
    }

    // MARK: - Hand-off

    @Test func handOffListsTheItemsANewNodeIsCloserTo() {
        var store = Self.store(localID: Self.localID)
        let items = ["x", "y", "c", "z", "b", "d", "e", "g"].map(F.immutable)
        for item in items { _ = store.put(immutable: item, from: F.ipv4(1), now: 0) }
        let newcomer = F.immutable("z").target
        let expected = items.filter { newcomer.isCloser(to: $0.target, than: Self.localID) }
            .sorted { $0.target.distance(to: newcomer) < $1.target.distance(to: newcomer) }
        let handOff = store.itemsToHandOff(to: newcomer, now: 1)
        #expect(handOff.map(\.target) == expected.map(\.target))
        #expect(handOff.first?.target == newcomer)
        #expect(!handOff.contains { $0.target == F.immutable("x").target })
        #expect(store.itemsToHandOff(to: newcomer, now: 1, limit: 1).map(\.target) == [newcomer])
        #expect(store.itemsToHandOff(to: Self.localID, now: 1).isEmpty)
        #expect(store.itemsToHandOff(to: newcomer, now: 7_200).isEmpty)
    }

    // MARK: - Persistence

    @Test func allItemsRestoreIntoAnEqualStore() {
        var store = Self.store()
        _ = store.put(mutable: F.mutable("m", seq: 9, salt: "s"), from: F.ipv4(1), now: 10)
        _ = store.put(mutable: F.mutable("m", seq: 9, salt: "s"), from: F.ipv4(2), now: 20)
        _ = store.put(immutable: F.immutable("i"), from: F.ipv4(1), now: 30)
        _ = store.put(immutable: F.immutable("j"), from: F.ipv4(1), now: 40)
        let saved = store.allItems
        #expect(saved.count == 3)
        #expect(saved.map(\.target) == saved.map(\.target).sorted())
        #expect(
            saved.first { $0.mutableItem != nil }
                == StoredItem(content: .mutable(F.mutable("m", seq: 9, salt: "s")), storedAt: 20, announcers: 2))
        var restored = Self.store()
        #expect(restored.restore(saved, now: 50) == 3)
        #expect(restored.allItems == saved)
    }

    @Test func restoreSkipsExpiredItemsKeepsTheHigherSeqAndRespectsTheLimit() {
        var store = Self.store(.init(maximumItems: 2))
        let older = StoredItem(content: .mutable(F.mutable("v1", seq: 1)), storedAt: 100)
        let newer = StoredItem(content: .mutable(F.mutable("v2", seq: 2)), storedAt: 50)
        let expired = StoredItem(content: .immutable(F.immutable("gone")), storedAt: -8_000)
        let extra = (0..<3).map { StoredItem(content: .immutable(F.immutable("extra \($0)")), storedAt: 100) }
        #expect(store.restore([newer, older, expired], now: 0) == 1)
        #expect(store.get(target: newer.target, now: 0)?.mutableItem?.seq == 2)
        #expect(store.restore(extra, now: 0) == 3)
        #expect(store.count == 2)
    }
}
