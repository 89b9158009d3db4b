import Crypto
import Foundation
import Logging
import PeerdexCore
import PeerdexNet

/// A DHT newcomer's last way in: when its saved nodes and its bootstrap nodes gave it nothing
/// (none configured, or none answered), it asks **rendezvous servers** (`peerdex node
/// --rendezvous`, `--rendezvous-server HOST:PORT|INVITE`, `rendezvous = [...]` in config.toml)
/// over the Noise transport for DHT nodes they heard from lately, and bootstraps from those.
///
/// The asking side introduces itself with a throwaway identity made for the occasion, as
/// `peerdex ping` does, so that a rendezvous server learns nothing about who joined.
public enum RendezvousClient {
    /// What asking the servers found.
    public struct Outcome: Sendable {
        /// The nodes to join through, from the first server that gave any usable ones.
        public var nodes: [DHTNodeInfo] = []
        /// The server they came from.
        public var server: PeerAddress?
        /// One line per server that gave nothing usable, in the order asked.
        public var failures: [String] = []
    }

    // MARK: - Servers

    /// The servers `entries` name (`HOST:PORT`, or an invite with an address, whose peer the
    /// server must then prove to be). Throws on the first entry of another form.
    public static func servers(_ entries: [String]) throws(AppError) -> [PeerAddress] {
        var servers = [PeerAddress]()
        for entry in entries {
            let server = try server(entry)
            if !servers.contains(server) { servers.append(server) }
        }
        return servers
    }

    private static func server(_ entry: String) throws(AppError) -> PeerAddress {
        let problem = "rendezvous server '\(entry)'"
        if entry.lowercased().hasPrefix(Invite.scheme + "://") {
            let invite: Invite
            do { invite = try Invite(parsing: entry) } catch { throw .invalidArgument("\(problem): \(error)") }
            guard let address = PeerAddress(invite: invite) else {
                throw .invalidArgument(
                    "\(problem): the invite has no address (expected HOST:PORT or an invite with one)")
            }
            return address
        }
        do { return PeerAddress(try HostPort(parsing: entry)) } catch {
            throw .invalidArgument("\(problem): \(error) (expected HOST:PORT or an invite with an address)")
        }
    }

    // MARK: - Joining

    /// Asks `servers` for nodes and bootstraps `node` from them. Returns what the servers said
    /// and the bootstrap's result, nil when no server gave a usable node.
    public static func join(
        _ node: DHTNode, through servers: [PeerAddress], timeout: Duration = .seconds(5), logger: Logger
    ) async throws -> (outcome: Outcome, joined: DHTOperationResult?) {
        let outcome = await fetchNodes(
            from: servers, reachableFrom: node.boundAddress?.host ?? "0.0.0.0", excluding: node.localID,
            timeout: timeout, logger: logger)
        guard !outcome.nodes.isEmpty else { return (outcome, nil) }
        return (outcome, try await node.run(.bootstrap(outcome.nodes.map(\.endpoint))))
    }

    /// Asks each server in turn, each within `timeout` (to connect, to prove itself and to
    /// answer), for up to `RendezvousProtocol.maximumNodes` nodes, and stops at the first that
    /// gives nodes a DHT socket bound to `localHost` can reach (never `ownID`).
    public static func fetchNodes(
        from servers: [PeerAddress], reachableFrom localHost: String, excluding ownID: NodeID, timeout: Duration,
        logger: Logger
    ) async -> Outcome {
        var outcome = Outcome()
        guard !servers.isEmpty else { return outcome }
        var configuration = NodeConfiguration()
        configuration.connectTimeout = timeout
        configuration.handshakeTimeout = timeout
        configuration.requestTimeout = timeout
        let throwaway = try! LocalHandshakeIdentity(  // fresh keys of the right lengths cannot fail
            identitySeed: Array(Curve25519.Signing.PrivateKey().rawRepresentation),
            staticPrivateKey: Array(Curve25519.KeyAgreement.PrivateKey().rawRepresentation))
        let client = PeerdexNode(identity: throwaway, configuration: configuration, logger: logger)
        let running = Task { try await client.run() }
        for server in servers {
            do {
                let reply = try await client.connection(to: server).dhtNodes(timeout: timeout)
                let usable = reply.nodes.filter { $0.id != ownID && reachable($0.endpoint.ip, from: localHost) }
                logger.info(
                    "rendezvous answered",
                    metadata: [
                        "server": "\(server)", "nodes": "\(reply.nodes.count)", "usable": "\(usable.count)",
                        "rejected": "\(reply.rejected)",
                    ])
                if usable.isEmpty {
                    outcome.failures.append("rendezvous server \(server.hostPort): no DHT node to hand out")
                    continue
                }
                outcome.nodes = usable
                outcome.server = server
                break
            } catch {
                logger.warning("rendezvous server failed", metadata: ["server": "\(server)", "error": "\(error)"])
                outcome.failures.append("rendezvous server \(server.hostPort): \(error)")
            }
        }
        await client.shutdown()
        _ = await running.result
        return outcome
    }

    /// Whether a DHT socket bound to `localHost` can send to `address`: a loopback socket only
    /// to loopback, an IPv4 one (or a host name) to IPv4, a specific IPv6 one to IPv6, and the
    /// IPv6 wildcard `::` (dual stack) to both.
    static func reachable(_ address: IPAddress, from localHost: String) -> Bool {
        guard let bound = IPAddress(parsing: localHost) else { return address.isIPv4 }
        if bound.isLoopback { return address.isLoopback && address.isIPv4 == bound.isIPv4 }
        if bound == .v6(0, 0) { return true }
        return address.isIPv4 == bound.isIPv4
    }
}
