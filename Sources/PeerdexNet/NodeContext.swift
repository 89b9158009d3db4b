import Logging
import NIOConcurrencyHelpers
import NIOCore
import PeerdexCore

/// What every connection of one node shares: its configuration, its limits' counters, whether
/// it is shutting down, and how to answer requests.
final class NodeContext: Sendable {
    let configuration: NodeConfiguration
    let logger: Logger
    let handler: (any RequestHandler)?
    private let admission: NIOLockedValueBox<ConnectionAdmission>
    private let buckets = NIOLockedValueBox([PeerID: TokenBucket]())
    private let inFlight = NIOLockedValueBox(0)
    private let stopping = NIOLockedValueBox(false)
    /// What our PONG offers: the configuration's at start, changed while running by `advertise`.
    private let capabilities: NIOLockedValueBox<[String]>

    init(configuration: NodeConfiguration, logger: Logger, handler: (any RequestHandler)?) {
        self.configuration = configuration
        self.logger = logger
        self.handler = handler
        capabilities = NIOLockedValueBox(configuration.capabilities)
        admission = NIOLockedValueBox(
            ConnectionAdmission(
                maximumConnections: configuration.maximumConnections,
                maximumPerAddress: configuration.maximumConnectionsPerAddress,
                limitLoopback: configuration.limitLoopback))
    }

    // MARK: - Shutdown

    /// Whether the node has begun to shut down: no new connections, no new requests.
    var isStopping: Bool { stopping.withLockedValue { $0 } }

    func beginStopping() { stopping.withLockedValue { $0 = true } }

    // MARK: - Connections

    /// Admits an accepted connection from `address`, or says why not.
    func admit(_ address: String) -> ConnectionAdmission.Refusal? {
        admission.withLockedValue { $0.admit(address) }
    }

    func release(_ address: String) { admission.withLockedValue { $0.release(address) } }

    /// Accepted connections open now.
    var openConnections: Int { admission.withLockedValue { $0.openConnections } }

    // MARK: - Requests

    /// Spends one of `peer`'s request tokens; nil if allowed, else seconds until one is there.
    func takeRequestToken(_ peer: PeerID, now: Double) -> Double? {
        let decision = buckets.withLockedValue { buckets in
            var bucket =
                buckets[peer]
                ?? TokenBucket(
                    rate: configuration.requestsPerSecondPerPeer, burst: configuration.requestBurstPerPeer, now: now)
            defer { buckets[peer] = bucket }
            return bucket.take(now: now)
        }
        if case .refused(let retryAfter) = decision { return retryAfter }
        return nil
    }

    /// Forgets the buckets of peers who have been quiet long enough to have a full one again.
    func forgetIdleBuckets(now: Double) {
        buckets.withLockedValue { buckets in buckets = buckets.filter { !$0.value.isFull(now: now) } }
    }

    /// Counts a request in flight if the node has room for it.
    func startRequest() -> Bool {
        inFlight.withLockedValue { count in
            guard count < configuration.maximumRequestsInFlight else { return false }
            count += 1
            return true
        }
    }

    func finishRequest() { inFlight.withLockedValue { $0 -= 1 } }

    /// Requests being answered now.
    var requestsInFlight: Int { inFlight.withLockedValue { $0 } }

    /// How busy the node is, 0 to 1: the larger of the share of its connections and of its
    /// request slots in use.
    var load: Double {
        let connections = Double(openConnections) / Double(max(configuration.maximumConnections, 1))
        let requests = Double(requestsInFlight) / Double(max(configuration.maximumRequestsInFlight, 1))
        return min(1, max(connections, requests))
    }

    /// The capabilities our PONG offers now.
    var advertisedCapabilities: [String] { capabilities.withLockedValue { $0 } }

    /// Makes our PONG offer `offered` from the next PING on.
    func advertise(_ offered: [String]) { capabilities.withLockedValue { $0 = offered } }

    /// Our answer to a PING.
    func pong() -> WireEnvelope.OneOf_Body {
        var pong = WirePong()
        pong.load = Float(load)
        pong.capabilities = advertisedCapabilities
        pong.agent = WireProtocol.agent
        return .pong(pong)
    }

    /// Seconds on a monotonic clock, for the rate limiter.
    static func now() -> Double { Double(NIODeadline.now().uptimeNanoseconds) / 1e9 }
}
