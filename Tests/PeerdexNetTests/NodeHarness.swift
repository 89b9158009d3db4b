import Crypto
import Foundation
import Logging
@testable import PeerdexCore
import PeerdexTestSupport

@testable import PeerdexNet

/// Log lines a test can read back: the reasons a node gives for closing connections.
final class CapturedLog: Sendable {
    let lines = Locked<[String]>([])

    /// A logger whose lines (message and metadata) land here.
    func logger(_ label: String = "test") -> Logger {
        Logger(label: label) { _ in CapturingHandler(log: self) }
    }

    func contains(_ text: String) -> Bool { lines.value.contains { $0.contains(text) } }

    /// Waits up to `timeout` for a line containing `text`.
    func waitFor(_ text: String, timeout: Duration = .seconds(5)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if contains(text) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return contains(text)
    }

    struct CapturingHandler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            log.lines.withLock { $0.append("\(event.level) \(event.message) \(fields.joined(separator: " "))") }
        }
    }
}

/// Runs nodes on 127.0.0.1 for the length of a test.
enum NodeHarness {
    static func identity() -> LocalHandshakeIdentity {
        try! LocalHandshakeIdentity(
            identitySeed: Array(Curve25519.Signing.PrivateKey().rawRepresentation),
            staticPrivateKey: Array(Curve25519.KeyAgreement.PrivateKey().rawRepresentation))
    }

    /// A configuration with short timeouts, so that tests of them take little time, yet long
    /// enough for handshakes on a machine loaded by the other tests.
    static func quick() -> NodeConfiguration {
        var configuration = NodeConfiguration()
        configuration.handshakeTimeout = .seconds(3)
        configuration.requestTimeout = .seconds(2)
        configuration.connectTimeout = .seconds(2)
        return configuration
    }

    /// Timeouts of 10 s, for tests that are not about timeouts: a loaded machine (the whole
    /// suite on two cores) can take over 2 s to answer, which must not fail them.
    static func patient() -> NodeConfiguration {
        var configuration = NodeConfiguration()
        configuration.handshakeTimeout = .seconds(10)
        configuration.requestTimeout = .seconds(10)
        configuration.connectTimeout = .seconds(10)
        return configuration
    }

    /// `quick()` with a handshake timeout of 0.5 s, for the tests of that timeout.
    static func shortHandshake() -> NodeConfiguration {
        var configuration = quick()
        configuration.handshakeTimeout = .milliseconds(500)
        return configuration
    }

    /// Runs a node (listening on 127.0.0.1 and an ephemeral port when `listen`) while `body`
    /// runs, then shuts it down and waits for it to stop.
    static func withNode<T: Sendable>(
        identity: LocalHandshakeIdentity = identity(), configuration: NodeConfiguration = quick(),
        handler: (any RequestHandler)? = nil, log: CapturedLog = CapturedLog(), listen: Bool = true,
        _ body: @Sendable (PeerdexNode, PeerAddress) async throws -> T
    ) async throws -> T {
        let node = PeerdexNode(identity: identity, configuration: configuration, logger: log.logger(), handler: handler)
        let (bound, boundQueue) = AsyncStream.makeStream(of: HostPort.self)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await node.run(listeningOn: listen ? HostPort(host: "127.0.0.1", port: 0) : nil) {
                    boundQueue.yield($0)
                }
                boundQueue.finish()
            }
            if !listen { boundQueue.yield(HostPort(host: "127.0.0.1", port: 0)) }
            var addresses = bound.makeAsyncIterator()
            guard let address = await addresses.next() else {
                try await group.waitForAll()
                throw NetError.notRunning
            }
            let result: Result<T, any Error>
            do {
                result = .success(try await body(node, PeerAddress(address, peerID: identity.peerID)))
            } catch {
                result = .failure(error)
            }
            await node.shutdown()
            try await group.waitForAll()
            return try result.get()
        }
    }
}

/// A TCP client on plain sockets that sends whatever a test wants: the hostile peer.
final class RawTCPClient {
    private(set) var descriptor: Int32

    init(_ address: PeerAddress) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = in_port_t(UInt16(address.hostPort.port).bigEndian)
        socketAddress.sin_addr.s_addr = inet_addr(address.hostPort.host)
        let result = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit { disconnect() }

    /// Closes the socket (once: a descriptor closed twice could be another socket's by then).
    func disconnect() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// What arrives within `timeout`: bytes, or nil once the peer has closed (or reset).
    ///
    /// Polls without blocking and sleeps between polls: a blocking `poll` would hold one of the
    /// two threads that run every test's async work, and starve the node under test.
    func receive(timeout: Duration) async -> [UInt8]? {
        let deadline = ContinuousClock.now + timeout
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while poll(&poller, 1, 0) == 0 {
            guard ContinuousClock.now < deadline else { return [] }
            try? await Task.sleep(for: .milliseconds(5))
        }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        return count > 0 ? Array(buffer.prefix(count)) : nil
    }

    /// Reads until the peer closes, or `timeout` passes; true if it closed.
    func waitForClose(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await receive(timeout: .milliseconds(20)) == nil { return true }
        }
        return false
    }

    /// Runs the initiator's side of a real handshake as `identity`; the session, ready to seal.
    func handshake(as identity: LocalHandshakeIdentity) async throws -> NoiseSession {
        var session = NoiseSession(
            role: .initiator, local: identity,
            ephemeralKey: try NoiseKeyPair(privateKey: Array(Curve25519.KeyAgreement.PrivateKey().rawRepresentation)))
        for case .send(let bytes) in session.start() { send(bytes) }
        while !session.isEstablished {
            guard let bytes = await receive(timeout: .seconds(10)), !bytes.isEmpty else { throw NetError.connectionClosed }
            for action in session.receive(bytes) {
                if case .send(let reply) = action { send(reply) }
                if case .close(let failure) = action { throw NetError.handshakeFailed(failure) }
            }
        }
        return session
    }
}
