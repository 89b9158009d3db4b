import ArgumentParser
import Foundation
import Logging
import PeerdexApp
import PeerdexCore
import PeerdexNet

extension Peerdex {
    /// `peerdex node`: the headless node.
    struct Node: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a headless node that accepts peers' connections.",
            discussion: """
                Listens on TCP (Noise XX, docs/PROTOCOL.md) and runs a Mainline DHT node on UDP on the \
                same port number, then prints one line, 'listening on HOST:PORT peer <peer-id>', once \
                both accept traffic; port 0 picks a free one. It joins the DHT through --bootstrap nodes \
                (repeatable; else 'bootstrap = [...]' in config.toml; 'mainline' = the public BitTorrent \
                DHT, opt-in), and when none answers, through the nodes a rendezvous server hands out \
                (--rendezvous-server, repeatable; else 'rendezvous = [...]'). With --rendezvous it is a \
                rendezvous server itself: it hands newcomers the DHT nodes it heard from lately. It \
                publishes your profile when its visibility is public ('peerdex profile set \
                --visibility public') and announces itself under the peerdex rendezvous info-hash. \
                With --nearby (or 'nearby = true' in config.toml) it also finds peerdex nodes on the \
                LAN by multicast DNS, verifies each with a handshake, seeds the DHT with them and prints \
                'nearby <peer-id> at HOST:PORT verified' and 'nearby <peer-id> gone (<reason>)'; it \
                advertises itself unless the profile is private; --nearby-probe CIDR (at most a /24) also \
                probes that range over Noise, for networks that drop multicast (docs/NEARBY.md). \
                SIGUSR1 or --stats-every prints a line of DHT statistics. Logs go to \
                <data-dir>/peerdex.log. SIGINT or SIGTERM stops it cleanly: requests in flight are \
                answered (for up to 2 s), new ones refused; a second signal stops it at once.
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Address and port to listen on.", valueName: "host:port"))
        var listen = "0.0.0.0:\(NodeLauncher.defaultPort)"
        @Option(help: "Most connections open at once.") var maxConnections = NodeConfiguration().maximumConnections
        @Option(name: .customLong("max-connections-per-ip"), help: "Most connections from one IP address (loopback exempt).")
        var maxConnectionsPerIP = NodeConfiguration().maximumConnectionsPerAddress
        @Option(help: "Requests a peer may make per second.")
        var requestsPerSecond = NodeConfiguration().requestsPerSecondPerPeer
        @Option(help: ArgumentHelp("Seconds a connection has to finish its handshake.", valueName: "seconds"))
        var handshakeTimeout = 5.0
        @OptionGroup var join: DHTJoinOptions
        @OptionGroup var lan: NearbyOptions
        @Flag(help: "Be a rendezvous server: hand newcomers that ask the DHT nodes this node heard from lately.")
        var rendezvous = false
        @Option(help: ArgumentHelp("Print a line of DHT statistics every this many seconds.", valueName: "seconds"))
        var statsEvery: Double?
        @Option(help: ArgumentHelp("Least severe log level written: debug, info, notice, warning, error.", valueName: "level"))
        var logLevel = "info"

        func validate() throws {
            _ = try address()
            guard maxConnections > 0, maxConnectionsPerIP > 0 else { throw ValidationError("connection limits must be positive") }
            guard requestsPerSecond > 0 else { throw ValidationError("--requests-per-second must be positive") }
            guard handshakeTimeout > 0 else { throw ValidationError("--handshake-timeout must be positive") }
            guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("'\(logLevel)' is not a log level") }
            guard statsEvery.map({ $0 > 0 }) ?? true else { throw ValidationError("--stats-every must be positive") }
        }

        private func address() throws -> HostPort {
            do { return try HostPort(parsing: listen, allowingPortZero: true) } catch {
                throw ValidationError("--listen: \(error)")
            }
        }

        func run() async throws {
            var configuration = NodeConfiguration()
            configuration.maximumConnections = maxConnections
            configuration.maximumConnectionsPerAddress = maxConnectionsPerIP
            configuration.requestsPerSecondPerPeer = requestsPerSecond
            configuration.requestBurstPerPeer = requestsPerSecond * 2
            configuration.handshakeTimeout = .milliseconds(Int64(handshakeTimeout * 1_000))
            let directory = DataDirectory(explicit: global.dataDirectory)
            AppLogging.bootstrap(directory, level: Logger.Level(rawValue: logLevel) ?? .info)
            let (endpoints, servers) = try join.resolve()
            let nearby = try lan.enabledSettings()
            if endpoints.isEmpty, servers.isEmpty {
                let note = nearby == nil ? DHTService.howToJoin : "no DHT bootstrap node configured: the DHT joins through the peerdex nodes found on the LAN"
                FileHandle.standardError.write(Data("peerdex: \(note)\n".utf8))
            }
            try await NodeLauncher.run(
                directory: directory, listen: try address(), configuration: configuration, bootstrap: endpoints,
                rendezvous: servers, servesRendezvous: rendezvous, nearby: nearby,
                statsEvery: statsEvery.map { .milliseconds(Int64($0 * 1_000)) },
                onListening: { bound, peer in
                    print("listening on \(bound) peer \(peer)")
                    fflush(nil)  // every stream; naming stdout is not concurrency-safe
                },
                onStatistics: { line in
                    print(line)
                    fflush(nil)
                },
                onNearby: { line in
                    print(line)
                    fflush(nil)
                })
        }
    }
}
