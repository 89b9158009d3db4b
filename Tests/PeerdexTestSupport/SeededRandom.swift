import Foundation
import PeerdexCore

/// A repeatable random number generator for tests (SplitMix64) that names its seed, so that a
/// failure can be replayed.
///
/// Each test passes its own default seed, so CI runs the same cases every time. Set
/// `PEERDEX_TEST_SEED` to a number to replay a reported failure, or to `random` to explore new
/// cases; every expectation that uses the generator prints `\(random)` with its message.
public struct SeededRandom: RandomNumberGenerator, CustomStringConvertible {
    /// The seed this generator started from.
    public let seed: UInt64
    private var generator: SplitMix64

    /// The generator for one test: `PEERDEX_TEST_SEED` when set, else `defaultSeed`.
    public init(defaultSeed: UInt64) {
        let environment = ProcessInfo.processInfo.environment["PEERDEX_TEST_SEED"]
        if environment == "random" {
            seed = UInt64.random(in: 0...UInt64.max)
        } else {
            seed = environment.flatMap(UInt64.init) ?? defaultSeed
        }
        generator = SplitMix64(seed: seed)
    }

    /// A generator started from exactly `seed`, whatever `PEERDEX_TEST_SEED` says: for a
    /// generator drawn from another one, which already follows the environment.
    public init(exactSeed seed: UInt64) {
        self.seed = seed
        generator = SplitMix64(seed: seed)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 { generator.next() }

    /// `seed N (replay: PEERDEX_TEST_SEED=N)`, for expectation messages.
    public var description: String { "seed \(seed) (replay: PEERDEX_TEST_SEED=\(seed))" }
}
