/// A token bucket: `rate` tokens a second, up to `burst` saved; each request spends one. Time is
/// passed in as seconds on any monotonic clock, so the bucket is tested on a virtual one.
public struct TokenBucket: Sendable, Equatable {
    /// Tokens added per second.
    public let rate: Double
    /// The most tokens the bucket holds.
    public let burst: Double
    private var tokens: Double
    private var updatedAt: Double

    /// A full bucket at time `now`.
    public init(rate: Double, burst: Double, now: Double) {
        self.rate = max(rate, 0)
        self.burst = max(burst, 1)
        tokens = self.burst
        updatedAt = now
    }

    /// Spends a token if there is one; otherwise says how long until there will be.
    public mutating func take(now: Double) -> Decision {
        refill(now: now)
        if tokens >= 1 {
            tokens -= 1
            return .allowed
        }
        guard rate > 0 else { return .refused(retryAfter: .infinity) }
        return .refused(retryAfter: (1 - tokens) / rate)
    }

    /// Whether the bucket is full at `now` (so that an idle one can be forgotten).
    public func isFull(now: Double) -> Bool {
        var copy = self
        copy.refill(now: now)
        return copy.tokens >= burst
    }

    private mutating func refill(now: Double) {
        if now > updatedAt {
            tokens = min(burst, tokens + (now - updatedAt) * rate)
            updatedAt = now
        }
    }

    /// The answer to one request.
    public enum Decision: Equatable, Sendable {
        /// Go ahead.
        case allowed
        /// Not now: a token will be there in `retryAfter` seconds.
        case refused(retryAfter: Double)
    }
}
