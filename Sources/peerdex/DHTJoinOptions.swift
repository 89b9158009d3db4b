import ArgumentParser
import Foundation
import PeerdexApp
import PeerdexCore
import PeerdexNet

/// How a command joins the DHT: `--bootstrap` and `--rendezvous-server`, shared by `node` and
/// `lookup`; without them, the config file's `bootstrap` and `rendezvous` lists.
struct DHTJoinOptions: ParsableArguments {
    @Option(
        name: .customLong("bootstrap"),
        help: ArgumentHelp("A DHT node to join through (HOST:PORT or 'mainline'); repeatable.", valueName: "host:port"))
    var bootstrap: [String] = []
    @Option(
        name: .customLong("rendezvous-server"),
        help: ArgumentHelp(
            "A rendezvous server to ask for DHT nodes when no bootstrap node answers (HOST:PORT or an "
                + "invite); repeatable.",
            valueName: "host:port|invite"))
    var rendezvousServers: [String] = []

    func validate() throws {
        do { try BootstrapNodes.validate(bootstrap) } catch { throw ValidationError(error.description) }
        do { _ = try RendezvousClient.servers(rendezvousServers) } catch { throw ValidationError(error.description) }
    }

    /// The bootstrap endpoints (host names resolved; one that does not resolve is reported on
    /// stderr and skipped) and the rendezvous servers, from the options or else the config file.
    func resolve() throws -> (bootstrap: [DHTEndpoint], rendezvous: [PeerAddress]) {
        let entries = bootstrap.isEmpty ? try ConfigFile.bootstrapNodes() : bootstrap
        let endpoints = try BootstrapNodes.resolve(entries) { unresolved in
            FileHandle.standardError.write(Data("peerdex: cannot resolve bootstrap node \(unresolved)\n".utf8))
        }
        let servers = try RendezvousClient.servers(
            rendezvousServers.isEmpty ? try ConfigFile.rendezvousServers() : rendezvousServers)
        return (endpoints, servers)
    }
}
