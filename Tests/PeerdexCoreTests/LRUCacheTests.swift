import PeerdexCore
import PeerdexTestSupport
import Testing

/// The LRU map under the discovery caches: exact eviction order, against a plain reference model.
@Suite struct LRUCacheTests {
    @Test func aScriptedSequenceOfSetsAndGetsEvictsExactlyTheLeastRecentlyUsed() {
        var cache = LRUCache<String, Int>(capacity: 3)
        #expect(cache.set("a", 1) == nil)
        #expect(cache.set("b", 2) == nil)
        #expect(cache.set("c", 3) == nil)
        #expect(cache.keysByRecency == ["c", "b", "a"])
        #expect(cache.get("a") == 1)  // a use: b is now the oldest
        #expect(cache.keysByRecency == ["a", "c", "b"])
        #expect(cache.set("d", 4).map { "\($0.key)=\($0.value)" } == "b=2")
        #expect(cache.keysByRecency == ["d", "a", "c"])
        #expect(cache.get("c") == 3)
        #expect(cache.set("e", 5)?.key == "a")
        #expect(cache.keysByRecency == ["e", "c", "d"])
        #expect(cache.get("b") == nil)
        #expect(cache.get("a") == nil)
        #expect(cache.count == 3)
    }

    @Test func setOfAPresentKeyReplacesItsValueMovesItToTheHeadAndEvictsNothing() {
        var cache = LRUCache<String, Int>(capacity: 3)
        for (index, key) in ["a", "b", "c"].enumerated() { cache.set(key, index) }
        #expect(cache.set("a", 10) == nil)
        #expect(cache.keysByRecency == ["a", "c", "b"])
        #expect(cache.peek("a") == 10)
        #expect(cache.set("d", 4)?.key == "b")
    }

    @Test func peekAndContainsAndReplaceValueAreNotUses() {
        var cache = LRUCache<String, Int>(capacity: 2)
        cache.set("a", 1)
        cache.set("b", 2)
        #expect(cache.peek("a") == 1)
        #expect(cache.contains("a"))
        #expect(cache.replaceValue(for: "a", with: 11) == 1)
        #expect(cache.replaceValue(for: "z", with: 0) == nil)
        #expect(cache.keysByRecency == ["b", "a"])
        #expect(cache.set("c", 3).map { "\($0.key)=\($0.value)" } == "a=11")
    }

    @Test func updateChangesTheValueInPlaceAndIsAUse() {
        var cache = LRUCache<String, [Int]>(capacity: 2)
        cache.set("a", [1])
        cache.set("b", [2])
        let newCount = cache.update("a") { value in
            value.append(5)
            return value.count
        }
        let missing = cache.update("z") { _ in 0 }
        #expect(newCount == 2)
        #expect(missing == nil)
        #expect(cache.keysByRecency == ["a", "b"])
        #expect(cache.peek("a") == [1, 5])
    }

    @Test func aCapacityOfOneKeepsOnlyTheLastKeySet() {
        var cache = LRUCache<Int, String>(capacity: 1)
        #expect(cache.set(1, "one") == nil)
        #expect(cache.set(1, "uno") == nil)
        #expect(cache.get(1) == "uno")
        #expect(cache.set(2, "two").map { "\($0.key)=\($0.value)" } == "1=uno")
        #expect(cache.keysByRecency == [2])
        #expect(cache.leastRecentlyUsed?.key == 2)
        #expect(cache.remove(2) == "two")
        #expect(cache.isEmpty)
        #expect(cache.set(3, "three") == nil)
        #expect(cache.keysByRecency == [3])
    }

    @Test func removeUnlinksFromHeadMiddleAndTailAndFreesTheSlot() {
        var cache = LRUCache<Int, Int>(capacity: 4)
        for key in 1...4 { cache.set(key, key * 10) }
        #expect(cache.keysByRecency == [4, 3, 2, 1])
        #expect(cache.remove(3) == 30)  // middle
        #expect(cache.remove(4) == 40)  // head
        #expect(cache.remove(1) == 10)  // tail
        #expect(cache.remove(1) == nil)
        #expect(cache.keysByRecency == [2])
        #expect(cache.leastRecentlyUsed?.key == 2)
        // Three slots are free again: three new keys fit without evicting 2.
        for key in 5...7 { #expect(cache.set(key, key) == nil) }
        #expect(cache.keysByRecency == [7, 6, 5, 2])
        #expect(cache.set(8, 8)?.key == 2)
        cache.removeAll()
        #expect(cache.isEmpty && cache.keysByRecency.isEmpty && cache.capacity == 4)
    }

    @Test(arguments: [1, 2, 7, 64])
    func randomOperationsAgreeWithAReferenceModel(capacity: Int) {
        var random = SeededRandom(defaultSeed: 0x4C52_5500 &+ UInt64(capacity))
        var cache = LRUCache<Int, Int>(capacity: capacity)
        var model = ReferenceLRU(capacity: capacity)
        let keySpace = capacity * 2 + 3
        for step in 0..<20_000 {
            let key = Int.random(in: 0..<keySpace, using: &random)
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<4:
                let value = Int.random(in: 0..<1_000_000, using: &random)
                let evicted = cache.set(key, value)
                let expected = model.set(key, value)
                #expect(evicted?.key == expected?.key && evicted?.value == expected?.value, "step \(step), \(random)")
            case 4..<8:
                #expect(cache.get(key) == model.get(key), "step \(step), \(random)")
            case 8:
                #expect(cache.remove(key) == model.remove(key), "step \(step), \(random)")
            default:
                #expect(cache.peek(key) == model.peek(key), "step \(step), \(random)")
            }
            if step % 97 == 0 || cache.count != model.order.count {
                #expect(cache.keysByRecency == model.order.map(\.key), "step \(step), \(random)")
                if cache.keysByRecency != model.order.map(\.key) { return }
            }
        }
        #expect(cache.keysByRecency == model.order.map(\.key), "\(random)")
        #expect(cache.entriesByRecency.map(\.value) == model.order.map(\.value), "\(random)")
    }
}

/// The obvious O(n) LRU: an array with the most recent entry first.
private struct ReferenceLRU {
    let capacity: Int
    var order: [(key: Int, value: Int)] = []

    mutating func set(_ key: Int, _ value: Int) -> (key: Int, value: Int)? {
        if let index = order.firstIndex(where: { $0.key == key }) {
            order.remove(at: index)
            order.insert((key, value), at: 0)
            return nil
        }
        let evicted = order.count == capacity ? order.removeLast() : nil
        order.insert((key, value), at: 0)
        return evicted
    }

    mutating func get(_ key: Int) -> Int? {
        guard let index = order.firstIndex(where: { $0.key == key }) else { return nil }
        let entry = order.remove(at: index)
        order.insert(entry, at: 0)
        return entry.value
    }

    mutating func remove(_ key: Int) -> Int? {
        guard let index = order.firstIndex(where: { $0.key == key }) else { return nil }
        return order.remove(at: index).value
    }

    func peek(_ key: Int) -> Int? { order.first(where: { $0.key == key })?.value }
}
