/// A fixed-capacity map that evicts its least recently used entry when full.
///
/// Every operation is O(1): a dictionary maps each key to a slot, and the slots form a doubly
/// linked list by index (most recent at the head) in parallel arrays, so no entry is a separate
/// object and a full cache reuses its slots instead of allocating. `get`, `update` and `set`
/// count as uses; `peek` and `contains` do not. swift-collections' `OrderedDictionary` would
/// keep the order too, but removing from its middle (a use, an eviction) is O(n).
public struct LRUCache<Key: Hashable, Value> {
    /// The most entries the cache holds.
    public let capacity: Int

    private var slotByKey: [Key: Int]
    private var keys: [Key?] = []
    private var values: [Value?] = []
    /// Per slot, the neighbour toward the head (more recent) and toward the tail; `none` at the ends.
    private var previous: [Int] = []
    private var next: [Int] = []
    private var head: Int
    private var tail: Int
    /// Slots of removed entries, reused before the arrays grow.
    private var freeSlots: [Int] = []

    private static var none: Int { -1 }

    /// An empty cache; `capacity` must be at least 1.
    public init(capacity: Int) {
        precondition(capacity >= 1, "LRUCache capacity must be at least 1, not \(capacity)")
        self.capacity = capacity
        // The arrays grow as entries come, so a large capacity costs nothing until it is used.
        slotByKey = [:]
        head = Self.none
        tail = Self.none
    }

    // MARK: - Reads

    /// How many entries the cache holds.
    public var count: Int { slotByKey.count }

    /// Whether the cache holds nothing.
    public var isEmpty: Bool { slotByKey.isEmpty }

    /// Whether `key` has an entry; not a use.
    public func contains(_ key: Key) -> Bool { slotByKey[key] != nil }

    /// The value for `key` without marking it used (for housekeeping that must not change the order).
    public func peek(_ key: Key) -> Value? {
        guard let slot = slotByKey[key] else { return nil }
        return values[slot]
    }

    /// The keys from most to least recently used: the last one is the next to be evicted.
    public var keysByRecency: [Key] {
        var result = [Key]()
        result.reserveCapacity(count)
        var slot = head
        while slot != Self.none {
            if let key = keys[slot] { result.append(key) }
            slot = next[slot]
        }
        return result
    }

    /// The entries from most to least recently used.
    public var entriesByRecency: [(key: Key, value: Value)] {
        var result = [(key: Key, value: Value)]()
        result.reserveCapacity(count)
        var slot = head
        while slot != Self.none {
            if let key = keys[slot], let value = values[slot] { result.append((key, value)) }
            slot = next[slot]
        }
        return result
    }

    /// The entry that the next insertion of a new key into a full cache would evict.
    public var leastRecentlyUsed: (key: Key, value: Value)? {
        guard tail != Self.none, let key = keys[tail], let value = values[tail] else { return nil }
        return (key, value)
    }

    // MARK: - Uses and writes

    /// The value for `key`, marking it the most recently used.
    public mutating func get(_ key: Key) -> Value? {
        guard let slot = slotByKey[key] else { return nil }
        moveToHead(slot)
        return values[slot]
    }

    /// Changes the value for `key` in place and marks it used; nil, without calling `body`, when absent.
    ///
    /// In place, so that a large value (a result list) is not copied to change a small part of it.
    @discardableResult
    public mutating func update<Result>(_ key: Key, _ body: (inout Value) throws -> Result) rethrows -> Result? {
        guard let slot = slotByKey[key] else { return nil }
        moveToHead(slot)
        return try body(&values[slot]!)
    }

    /// Stores `value` for `key` as the most recently used; returns the entry evicted to make room.
    ///
    /// Setting a key that is present replaces its value and moves it to the head; nothing is evicted.
    @discardableResult
    public mutating func set(_ key: Key, _ value: Value) -> (key: Key, value: Value)? {
        if let slot = slotByKey[key] {
            values[slot] = value
            moveToHead(slot)
            return nil
        }
        var evicted: (key: Key, value: Value)?
        if count == capacity {
            let victim = tail
            evicted = (keys[victim]!, values[victim]!)
            release(victim)
        }
        let slot = allocate(key, value)
        slotByKey[key] = slot
        linkAtHead(slot)
        return evicted
    }

    /// Replaces the value of a present key without marking it used; returns the old value, nil when absent.
    @discardableResult
    public mutating func replaceValue(for key: Key, with value: Value) -> Value? {
        guard let slot = slotByKey[key] else { return nil }
        defer { values[slot] = value }
        return values[slot]
    }

    /// Removes the entry for `key`; returns its value, or nil when there was none.
    @discardableResult
    public mutating func remove(_ key: Key) -> Value? {
        guard let slot = slotByKey[key] else { return nil }
        let value = values[slot]
        release(slot)
        return value
    }

    /// Removes every entry (the capacity stays).
    public mutating func removeAll() {
        self = LRUCache(capacity: capacity)
    }

    // MARK: - Slots and links

    private mutating func allocate(_ key: Key, _ value: Value) -> Int {
        if let slot = freeSlots.popLast() {
            keys[slot] = key
            values[slot] = value
            return slot
        }
        keys.append(key)
        values.append(value)
        previous.append(Self.none)
        next.append(Self.none)
        return keys.count - 1
    }

    /// Unlinks a slot, forgets its key and value, and keeps it for reuse.
    private mutating func release(_ slot: Int) {
        unlink(slot)
        slotByKey[keys[slot]!] = nil
        keys[slot] = nil
        values[slot] = nil
        freeSlots.append(slot)
    }

    private mutating func moveToHead(_ slot: Int) {
        guard slot != head else { return }
        unlink(slot)
        linkAtHead(slot)
    }

    private mutating func linkAtHead(_ slot: Int) {
        previous[slot] = Self.none
        next[slot] = head
        if head != Self.none { previous[head] = slot }
        head = slot
        if tail == Self.none { tail = slot }
    }

    private mutating func unlink(_ slot: Int) {
        let before = previous[slot]
        let after = next[slot]
        if before != Self.none { next[before] = after } else { head = after }
        if after != Self.none { previous[after] = before } else { tail = before }
        previous[slot] = Self.none
        next[slot] = Self.none
    }
}

extension LRUCache: Sendable where Key: Sendable, Value: Sendable {}
