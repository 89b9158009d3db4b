import Dispatch
import Foundation

extension Array where Element: Sendable {
    /// `map` spread over all cores in contiguous chunks, keeping order.
    ///
    /// For CPU-only work on large arrays (folding 100,000 names); below `minimumChunk` elements per
    /// core it runs serially, since starting threads would cost more than it saves.
    public func concurrentMap<T: Sendable>(
        minimumChunk: Int = 1_000, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        _ transform: @Sendable (Element) -> T
    ) -> [T] {
        let chunks = Swift.max(1, Swift.min(threads, count / minimumChunk))
        guard chunks > 1 else { return map(transform) }
        let results = ChunkResults<T>(count: chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let range = count * chunk / chunks..<count * (chunk + 1) / chunks
            results.set(chunk, self[range].map(transform))
        }
        return results.joined()
    }
}

/// Results of parallel chunks, each written by exactly one worker under a lock.
private final class ChunkResults<Element>: @unchecked Sendable {
    private var chunks: [[Element]]
    private let lock = NSLock()

    init(count: Int) { chunks = Array(repeating: [], count: count) }

    func set(_ index: Int, _ values: [Element]) {
        lock.withLock { chunks[index] = values }
    }

    func joined() -> [Element] { lock.withLock { chunks.flatMap { $0 } } }
}
