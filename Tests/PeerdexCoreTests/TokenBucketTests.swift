import Testing

@testable import PeerdexCore

/// The per-peer request limiter, on a virtual clock.
@Suite struct TokenBucketTests {
    @Test func aFullBucketAllowsItsBurstThenRefusesWithTheWaitForTheNextToken() {
        var bucket = TokenBucket(rate: 10, burst: 3, now: 0)
        #expect((0..<3).map { _ in bucket.take(now: 0) } == [.allowed, .allowed, .allowed])
        #expect(bucket.take(now: 0) == .refused(retryAfter: 0.1))
        guard case .refused(let wait) = bucket.take(now: 0.05) else {
            Issue.record("half a token is not a token")
            return
        }
        #expect(abs(wait - 0.05) < 1e-9)
        #expect(bucket.take(now: 0.1) == .allowed)
    }

    @Test func tokensRefillAtTheRateUpToTheBurstOnly() {
        var bucket = TokenBucket(rate: 2, burst: 4, now: 0)
        for _ in 0..<4 { _ = bucket.take(now: 0) }
        #expect(!bucket.isFull(now: 1.9))
        #expect(bucket.isFull(now: 2))
        #expect((0..<5).map { _ in bucket.take(now: 100) } == [.allowed, .allowed, .allowed, .allowed, .refused(retryAfter: 0.5)])
    }

    @Test func aClockThatGoesBackAddsNothing() {
        var bucket = TokenBucket(rate: 1, burst: 1, now: 10)
        #expect(bucket.take(now: 10) == .allowed)
        #expect(bucket.take(now: 5) == .refused(retryAfter: 1))
    }

    @Test func aZeroRateRefusesForeverOnceTheBurstIsSpent() {
        var bucket = TokenBucket(rate: 0, burst: 1, now: 0)
        #expect(bucket.take(now: 0) == .allowed)
        #expect(bucket.take(now: 1_000) == .refused(retryAfter: .infinity))
    }
}
