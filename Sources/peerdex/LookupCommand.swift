import ArgumentParser
import Foundation
import PeerdexApp
import PeerdexCore

extension Peerdex {
    /// `peerdex lookup`: find a peer's profile in the DHT.
    struct Lookup: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find a peer's profile in the DHT from its peer ID.",
            discussion: """
                Joins the DHT through the bootstrap nodes (--bootstrap, repeatable, else \
                'bootstrap = [...]' in config.toml; with --nearby, the peerdex nodes on the LAN too) or, when none answers, through the nodes a \
                rendezvous server hands out (--rendezvous-server, repeatable, else 'rendezvous = \
                [...]'), reads the peer's signed profile record (BEP 44, salt 'peerdex/profile') from \
                the closest nodes, checks its signature and prints it with \
                the nodes it came from and how long it took. The lookup node is read-only and uses a \
                random node ID, so nobody learns who asked. A sealed profile (visible to contacts or \
                friends) is opened with the key its owner handed us ('peerdex node' asks contacts for \
                theirs); when none opens it and the owner is a contact, the lookup asks the owner \
                (--ask-timeout seconds per address), which tells the owner who asked. '--bootstrap \
                mainline' uses the public BitTorrent DHT's routers. Exits non-zero when no profile is \
                found.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The peer's ID or invite.", valueName: "peer-id|invite")) var peer: String
        @OptionGroup var join: DHTJoinOptions
        @Flag(help: "Join the DHT through the peerdex nodes found on the LAN (multicast DNS, a few seconds at most), as well.")
        var nearby = false
        @Option(help: ArgumentHelp("Seconds to wait for an answer.", valueName: "seconds")) var timeout = 10.0
        @Option(help: ArgumentHelp("Seconds to wait for a contact's keys, per address tried.", valueName: "seconds"))
        var askTimeout = 2.0
        @Flag(
            help: """
                Print one JSON object: peerId, name, interests, location, sealed, opened, unopenedReason, \
                keyRequest, seq, port, addresses, capabilities, foundAt, elapsedMs, queries.
                """)
        var json = false

        func validate() throws {
            _ = try peerID()
            guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
            guard askTimeout > 0 else { throw ValidationError("--ask-timeout must be positive") }
        }

        private func peerID() throws -> PeerID {
            do { return try Invite(parsing: peer).peerID } catch { throw ValidationError("'\(peer)': \(error)") }
        }

        func run() async throws {
            let directory = global.chosenDirectory()  // logs go to the data directory's log, not the screen
            var (endpoints, servers) = try join.resolve()
            if nearby {
                let found = try await NearbySession.dhtEndpoints(book: try global.openBook(), within: .seconds(3))
                guard !found.isEmpty || !endpoints.isEmpty || !servers.isEmpty else {
                    throw AppError.network("no peerdex node verified on the local network within 3 s, and no bootstrap node")
                }
                endpoints = found + endpoints
            }
            let report = try await LookupSession.run(
                peer: try peerID(), bootstrap: endpoints, rendezvous: servers,
                timeout: .milliseconds(Int64(timeout * 1_000)), book: try LookupSession.existingBook(in: directory),
                askTimeout: .milliseconds(Int64(askTimeout * 1_000)))
            if json {
                try Output.json(report)
                return
            }
            print("peer       \(report.peerId)")
            if report.sealed {
                let state = report.opened ? "opened with a key this peer handed us" : report.unopenedReason ?? ""
                print("profile    sealed, \(state)")
            }
            if let keyRequest = report.keyRequest { print("keys       \(keyRequest)") }
            if !report.sealed || report.opened {
                print("name       \(Output.oneLine(report.name ?? ""))")
                print("interests  \(Output.oneLine((report.interests ?? []).joined(separator: ", ")))")
                print("location   \(Output.oneLine(report.location ?? ""))")
            }
            if let port = report.port { print("port       \(port)") }
            if !report.addresses.isEmpty { print("addresses  \(report.addresses.joined(separator: ", "))") }
            if !report.capabilities.isEmpty { print("can        \(Output.oneLine(report.capabilities.joined(separator: ", ")))") }
            print("seq        \(report.seq)")
            print(String(format: "found at   %@ in %.1f ms (%d queries)", report.foundAt.joined(separator: ", "), report.elapsedMs, report.queries))
        }
    }
}
