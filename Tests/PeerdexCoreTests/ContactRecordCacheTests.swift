import Crypto
import PeerdexCore
import Testing

/// The cache of peers' records: records only move forward in seq, and the LRU holds 5,000.
@Suite struct ContactRecordCacheTests {
    private struct Record: SequencedRecord, Equatable {
        var seq: Int64
        var name: String
    }

    private static func peer(_ number: Int) -> PeerID {
        var key = [UInt8](repeating: 0, count: PeerID.keyLength)
        key[0] = UInt8(number >> 8 & 0xFF)
        key[1] = UInt8(number & 0xFF)
        key[2] = 0x5A
        return try! PeerID(publicKey: key)
    }

    private let alice = Self.peer(1)

    // MARK: - Seq rules

    @Test func aHigherSeqReplacesTheRecordAndALowerOrEqualOneNever() {
        var cache = ContactRecordCache<Record>()
        #expect(cache.store(Record(seq: 5, name: "v5"), for: alice) == .inserted(evicted: nil))
        #expect(cache.store(Record(seq: 4, name: "v4"), for: alice) == .rejected(knownSeq: 5))
        #expect(cache.store(Record(seq: 5, name: "other v5"), for: alice) == .rejected(knownSeq: 5))
        #expect(cache.record(for: alice) == Record(seq: 5, name: "v5"))
        #expect(cache.store(Record(seq: 6, name: "v6"), for: alice) == .replaced)
        #expect(cache.record(for: alice) == Record(seq: 6, name: "v6"))
        #expect(cache.store(Record(seq: 5, name: "v5"), for: alice) == .rejected(knownSeq: 6))
        #expect(cache.record(for: alice)?.seq == 6)
    }

    @Test func learningOfAHigherSeqDropsTheOlderRecordAndKeepsItFromComingBack() {
        var cache = ContactRecordCache<Record>()
        cache.store(Record(seq: 5, name: "v5"), for: alice)
        let droppedAtEqualSeq = cache.noteSeq(5, for: alice)
        let droppedAtLowerSeq = cache.noteSeq(3, for: alice)
        #expect(!droppedAtEqualSeq && !droppedAtLowerSeq)
        #expect(cache.record(for: alice)?.seq == 5)
        let droppedAtHigherSeq = cache.noteSeq(7, for: alice)
        #expect(droppedAtHigherSeq)
        #expect(cache.record(for: alice) == nil)
        #expect(cache.knownSeq(for: alice) == 7)
        // A slow peer's answer with the old record is refused; the newer one is taken.
        #expect(cache.store(Record(seq: 5, name: "v5"), for: alice) == .rejected(knownSeq: 7))
        #expect(cache.store(Record(seq: 6, name: "v6"), for: alice) == .rejected(knownSeq: 7))
        #expect(cache.record(for: alice) == nil)
        #expect(cache.store(Record(seq: 7, name: "v7"), for: alice) == .replaced)
        #expect(cache.record(for: alice) == Record(seq: 7, name: "v7"))
        #expect(cache.store(Record(seq: 7, name: "v7 again"), for: alice) == .rejected(knownSeq: 7))
    }

    @Test func noteSeqForAPeerNotCachedAddsNothing() {
        var cache = ContactRecordCache<Record>(capacity: 1)
        cache.store(Record(seq: 1, name: "a"), for: alice)
        let dropped = cache.noteSeq(9, for: Self.peer(2))
        #expect(!dropped)
        #expect(cache.count == 1)
        #expect(cache.knownSeq(for: Self.peer(2)) == nil)
        #expect(cache.record(for: alice)?.name == "a")
    }

    @Test func noteSeqAndRejectedStoresAreNotUsesButReadsAre() {
        var cache = ContactRecordCache<Record>(capacity: 3)
        for number in 1...3 { cache.store(Record(seq: 1, name: "\(number)"), for: Self.peer(number)) }
        #expect(cache.peersByRecency == [3, 2, 1].map(Self.peer))
        cache.noteSeq(2, for: Self.peer(1))
        cache.store(Record(seq: 0, name: "old"), for: Self.peer(2))
        _ = cache.peekRecord(for: Self.peer(2))
        #expect(cache.peersByRecency == [3, 2, 1].map(Self.peer))
        _ = cache.record(for: Self.peer(2))
        #expect(cache.peersByRecency == [2, 3, 1].map(Self.peer))
        // A marker's peer is not marked used by a read that finds no record.
        _ = cache.record(for: Self.peer(1))
        #expect(cache.peersByRecency == [2, 3, 1].map(Self.peer))
        #expect(cache.store(Record(seq: 1, name: "4"), for: Self.peer(4)) == .inserted(evicted: Self.peer(1)))
        #expect(cache.remove(Self.peer(3))?.name == "3")
        #expect(cache.peersByRecency == [4, 2].map(Self.peer))
    }

    @Test func mutableItemsAreSequencedRecords() throws {
        let item = try MutableItem.sign(value: .integer(1), seq: 3, with: Curve25519.Signing.PrivateKey())
        var cache = ContactRecordCache<MutableItem>()
        cache.store(item, for: alice)
        #expect(cache.knownSeq(for: alice) == 3)
    }

    // MARK: - Capacity

    @Test func fiveThousandPeersFitAndTheNextEvictsTheLeastRecentlyUsed() {
        var cache = ContactRecordCache<Record>()
        #expect(cache.capacity == 5_000)
        for number in 0..<5_000 {
            #expect(cache.store(Record(seq: 1, name: "\(number)"), for: Self.peer(number)) == .inserted(evicted: nil))
        }
        #expect(cache.count == 5_000)
        #expect(cache.record(for: Self.peer(0))?.name == "0")
        #expect(cache.store(Record(seq: 1, name: "new"), for: Self.peer(5_000)) == .inserted(evicted: Self.peer(1)))
        #expect(cache.count == 5_000)
        #expect(cache.peekRecord(for: Self.peer(1)) == nil)
        #expect(cache.peekRecord(for: Self.peer(0))?.name == "0")
        #expect(cache.peersByRecency.last == Self.peer(2))
    }
}
