import ArgumentParser
import PeerdexApp
import PeerdexCore

extension Peerdex {
    /// `peerdex` / `peerdex tui`: the full-screen interface.
    struct Tui: GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open the full-screen contact book (the default command).",
            discussion: """
                Press ? inside for the keys. NO_COLOR turns colors off; see README for config.toml. \
                The TUI runs its own node, as 'peerdex node' does (on port \(NodeLauncher.defaultPort) unless \
                --listen says otherwise; on a port the system picks when that one is taken), so that Search \
                finds people on the network too; --offline keeps it off the network. With --nearby (or \
                'nearby = true' in config.toml) the Nearby pane lists the peerdex nodes on the LAN, each \
                verified by a handshake; 'a' adds one.
                """)

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Stay off the network: no node, local search only.") var offline = false
        @Option(help: ArgumentHelp("Address and port the in-process node listens on.", valueName: "host:port"))
        var listen = "0.0.0.0:\(NodeLauncher.defaultPort)"
        @OptionGroup var join: DHTJoinOptions
        @OptionGroup var lan: NearbyOptions

        func validate() throws {
            _ = try address()
        }

        private func address() throws -> HostPort {
            do { return try HostPort(parsing: listen, allowingPortZero: true) } catch {
                throw ValidationError("--listen: \(error)")
            }
        }

        func run() throws {
            let settings = try ConfigFile.tuiSettings()
            let book = try global.openBook()
            var network = TUINetworkSettings(listen: try address(), offline: offline)
            if !offline {
                (network.bootstrap, network.rendezvous) = try join.resolve()
                network.nearby = try lan.enabledSettings()
            }
            // The runner restores the terminal on every way out; an error is printed after it.
            try TUIRunner(book: book, settings: settings, network: network).run().endProcess()
        }
    }
}
