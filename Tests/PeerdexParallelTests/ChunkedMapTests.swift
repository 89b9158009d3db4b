import Foundation
import Synchronization
import Testing

@testable import PeerdexParallel

@Suite struct ChunkedMapTests {
    @Test(arguments: [0, 1, 7, 8, 9, 1_000])
    func waitingAloneComputesEverythingInOrder(count: Int) {
        // Given a map that no background thread helps with
        let map = ChunkedMap(Array(0..<count), chunkSize: 8) { $0 * 3 }
        // Then the caller computes it all, in order
        #expect(map.wait() == (0..<count).map { $0 * 3 })
    }

    @Test func backgroundThreadsAndTheCallerShareTheWorkInOrder() {
        // Given two maps started together on background threads, the second one slow
        let numbers = ChunkedMap(Array(0..<10_000), chunkSize: 64) { $0 + 1 }
        let words = ChunkedMap(Array(0..<2_000), chunkSize: 16) { number -> String in
            usleep(number % 100 == 0 ? 1_000 : 0)
            return String(number)
        }
        BackgroundThreads.start([numbers, words])
        // When the caller waits for each in turn (helping with what is left)
        let first = numbers.wait()
        let second = words.wait()
        // Then both are whole and in order
        #expect(first == (0..<10_000).map { $0 + 1 })
        #expect(second == (0..<2_000).map(String.init))
    }

    @Test func aMapNobodyWaitsForReleasesWhatItComputed() async throws {
        // Given a map whose results are objects that count their own releases
        let released = Counter()
        do {
            let map = ChunkedMap(Array(0..<500), chunkSize: 32) { _ in Tracked(released) }
            BackgroundThreads.start([map])
            // When it is dropped without anyone waiting for it (as when an import fails midway)
        }
        // Then every computed result is released once the background threads let go
        for _ in 0..<200 where released.value < 500 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(released.value == 500)
    }
}

@Suite struct ConcurrentMapTests {
    @Test(arguments: [0, 1, 999, 1_000, 2_001, 50_000])
    func keepsOrderOnEveryCore(count: Int) {
        let input = Array(0..<count)
        #expect(input.concurrentMap { $0 &* 31 } == input.map { $0 &* 31 })
        #expect(input.concurrentMap(minimumChunk: 1, threads: 7) { String($0) } == input.map(String.init))
    }
}

/// A count shared between threads.
private final class Counter: Sendable {
    private let count = Mutex(0)

    var value: Int { count.withLock { $0 } }

    func add() { count.withLock { $0 += 1 } }
}

/// Adds one to a counter when released.
private final class Tracked: Sendable {
    let counter: Counter

    init(_ counter: Counter) { self.counter = counter }

    deinit { counter.add() }
}
