import Foundation

/// A `map` computed in chunks by background threads while the caller does other work, and
/// finished by the caller too once it needs the result.
///
/// Made for a writer that overlaps CPU work (folding the text of an import) with work of its own
/// (inserting rows): background threads take chunks from the front; `wait()` takes whatever
/// chunks are left rather than idling, then waits only for the chunks already being computed.
/// Several maps started together by `BackgroundThreads.start(_:)` run one after another, so the
/// first one needed is the first one ready.
public final class ChunkedMap<Element: Sendable, T: Sendable>: @unchecked Sendable {
    private let elements: [Element]
    private let transform: @Sendable (Element) -> T
    private let chunkSize: Int
    private let chunkCount: Int
    /// Written once per index, each chunk's range by the one thread that claimed it.
    private let results: UnsafeMutableBufferPointer<T>
    private let condition = NSCondition()
    private var nextChunk = 0
    private var finishedChunks = 0
    private var collected = false

    /// A map of `transform` over `elements`, not started yet.
    public init(_ elements: [Element], chunkSize: Int = 2_048, _ transform: @escaping @Sendable (Element) -> T) {
        self.elements = elements
        self.transform = transform
        self.chunkSize = Swift.max(1, chunkSize)
        chunkCount = (elements.count + self.chunkSize - 1) / self.chunkSize
        results = .allocate(capacity: elements.count)
    }

    deinit {
        // No thread is inside `computeChunks()` of a map being freed (each holds a reference), so
        // every claimed chunk is finished; unless `wait()` moved them out, its elements are ours.
        if !collected, nextChunk > 0 {
            _ = results.baseAddress!.deinitialize(count: Swift.min(elements.count, nextChunk * chunkSize))
        }
        results.deallocate()
    }

    /// Computes unclaimed chunks until none is left.
    public func computeChunks() {
        while let chunk = claimChunk() {
            let range = range(of: chunk)
            var slot = results.baseAddress! + range.lowerBound
            for index in range {
                slot.initialize(to: transform(elements[index]))
                slot += 1
            }
            condition.withLock {
                finishedChunks += 1
                if finishedChunks == chunkCount { condition.broadcast() }
            }
        }
    }

    /// The mapped array, in order: computes the chunks no thread has claimed, then waits for the
    /// rest. Call it once.
    public func wait() -> [T] {
        computeChunks()
        condition.withLock {
            while finishedChunks < chunkCount { condition.wait() }
            precondition(!collected, "ChunkedMap.wait() called twice")
            collected = true
        }
        return [T](unsafeUninitializedCapacity: elements.count) { buffer, count in
            _ = buffer.moveInitialize(fromContentsOf: results)
            count = elements.count
        }
    }

    private func claimChunk() -> Int? {
        condition.withLock {
            guard nextChunk < chunkCount else { return nil }
            defer { nextChunk += 1 }
            return nextChunk
        }
    }

    private func range(of chunk: Int) -> Range<Int> {
        chunk * chunkSize..<Swift.min(elements.count, (chunk + 1) * chunkSize)
    }
}

/// Work that background threads can take a share of: a `ChunkedMap` of any types.
public protocol BackgroundWork: Sendable {
    /// Computes unclaimed parts until none is left.
    func computeChunks()
}

extension ChunkedMap: BackgroundWork {}

/// Threads on every core but the caller's, for work the caller overlaps with its own.
public enum BackgroundThreads {
    /// Starts threads (by default one per core but the caller's) that take a share of each piece
    /// of work in turn, the next once the previous has nothing left to claim.
    public static func start(
        _ work: [any BackgroundWork], threads: Int = ProcessInfo.processInfo.activeProcessorCount - 1
    ) {
        for _ in 0..<Swift.max(1, threads) {
            Thread.detachNewThread {
                for piece in work { piece.computeChunks() }
            }
        }
    }
}

extension Array where Element: Sendable {
    /// `map` spread over every core in order-keeping chunks: a `ChunkedMap` that the caller helps
    /// finish, so one core is never left idle waiting.
    ///
    /// For CPU-only work on large arrays (turning 100,000 decoded objects into contacts); below
    /// `minimumChunk` elements per core it runs serially, since starting threads would cost more
    /// than it saves.
    public func concurrentMap<T: Sendable>(
        minimumChunk: Int = 1_000, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        _ transform: @escaping @Sendable (Element) -> T
    ) -> [T] {
        let chunks = Swift.max(1, Swift.min(threads, count / Swift.max(1, minimumChunk)))
        guard chunks > 1 else { return map(transform) }
        let map = ChunkedMap(self, chunkSize: (count + chunks - 1) / chunks, transform)
        BackgroundThreads.start([map], threads: chunks - 1)
        return map.wait()
    }
}
