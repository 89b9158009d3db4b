import Crypto
import Foundation
import Logging
import PeerdexCore
import PeerdexNet

/// `peerdex ping`: dial a peer, prove it is who it claims (and who the invite names), then PING
/// it a number of times over that one connection.
///
/// The pinging side introduces itself with a throwaway identity made for this run, so that
/// pinging a node tells it nothing about who asked.
public enum PingSession {
    /// What a run of pings found, as `--json` prints it.
    public struct Report: Sendable, Encodable {
        /// The peer ID the handshake proved.
        public var peerId: String
        /// The address dialled.
        public var address: String
        /// TCP connect plus the Noise handshake and identity check, in milliseconds.
        public var handshakeMs: Double
        /// The software that answered.
        public var agent: String
        /// The load the last answer reported, 0 to 1.
        public var load: Double
        /// The capabilities the last answer listed.
        public var capabilities: [String]
        /// Each answered ping's round trip, in milliseconds, in order.
        public var roundTripsMs: [Double]
        /// Pings that got no answer in time.
        public var lost: Int
    }

    /// One ping's outcome, for a caller that prints them as they come.
    public enum Outcome: Sendable {
        /// The answer to ping `sequence`.
        case answered(sequence: Int, PingReply)
        /// Ping `sequence` failed.
        case failed(sequence: Int, NetError)
    }

    /// Dials `target` and pings it `count` times, `interval` apart, each waiting up to `timeout`.
    /// Throws if the peer cannot be reached or proves another identity.
    public static func run(
        target: PeerAddress, count: Int, interval: Duration, timeout: Duration,
        onConnected: @Sendable (PeerConnection, Duration) -> Void = { _, _ in },
        onOutcome: @Sendable (Outcome) -> Void = { _ in }
    ) async throws -> Report {
        var configuration = NodeConfiguration()
        configuration.connectTimeout = timeout
        configuration.handshakeTimeout = timeout
        configuration.requestTimeout = timeout
        let throwaway = try! LocalHandshakeIdentity(
            identitySeed: Array(Curve25519.Signing.PrivateKey().rawRepresentation),
            staticPrivateKey: Array(Curve25519.KeyAgreement.PrivateKey().rawRepresentation))
        let node = PeerdexNode(identity: throwaway, configuration: configuration, logger: Logger(label: "peerdex.ping"))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await node.run() }
            defer { group.cancelAll() }
            do {
                let report = try await pings(node, target, count, interval, timeout, onConnected, onOutcome)
                await node.shutdown()
                return report
            } catch {
                await node.shutdown()
                throw error
            }
        }
    }

    private static func pings(
        _ node: PeerdexNode, _ target: PeerAddress, _ count: Int, _ interval: Duration, _ timeout: Duration,
        _ onConnected: @Sendable (PeerConnection, Duration) -> Void, _ onOutcome: @Sendable (Outcome) -> Void
    ) async throws -> Report {
        let start = ContinuousClock.now
        let connection = try await node.connection(to: target)
        let handshake = ContinuousClock.now - start
        onConnected(connection, handshake)
        var report = Report(
            peerId: connection.peer.peerID.text, address: "\(target.hostPort)", handshakeMs: handshake.milliseconds,
            agent: "", load: 0, capabilities: [], roundTripsMs: [], lost: 0)
        for sequence in 1...max(count, 1) {
            if sequence > 1 { try await Task.sleep(for: interval) }
            do {
                let reply = try await connection.ping(timeout: timeout)
                report.roundTripsMs.append(reply.roundTrip.milliseconds)
                report.agent = reply.agent
                report.load = reply.load
                report.capabilities = reply.capabilities
                onOutcome(.answered(sequence: sequence, reply))
            } catch let error as NetError {
                report.lost += 1
                onOutcome(.failed(sequence: sequence, error))
                if error == .connectionClosed { throw error }
            }
        }
        return report
    }
}

extension Duration {
    /// The duration in milliseconds.
    public var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1_000 + Double(attoseconds) * 1e-15
    }
}
