import ArgumentParser
import Foundation
import PeerdexApp
import PeerdexCore

extension Peerdex {
    /// `peerdex demo`: a local network of generated people, and the TUI on it.
    struct Demo: GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a local network of generated people and open the TUI on it.",
            discussion: """
                Starts --nodes real peerdex nodes on 127.0.0.1 in this process, each with its own \
                identity and book: people with names in several scripts, interests that overlap, every \
                visibility level; some of them are already your demo contacts, favorites and friends, \
                some listen on their own loopback addresses where the nearby probe finds them. A \
                throwaway user joins that network and the TUI opens on it: search your contacts and \
                the network, see nearby peers, look profiles up. Nothing leaves this machine and your \
                own contact book is never opened. Everything lives in a new temporary directory, \
                removed on exit unless --keep (then <dir>/demo.json lists every node, and \
                'peerdex --data-dir <dir>/user' opens the demo user's book). Quitting the TUI, or \
                Ctrl-C, stops every node. --no-tui runs the network alone and prints where it is.
                """)

        /// Declared so that `--data-dir` anywhere on the line is refused with a reason rather
        /// than ignored: the demo never opens a data directory.
        @OptionGroup var global: GlobalOptions
        @Option(help: "How many people (nodes) to start, \(DemoPopulation.minimumSize) to \(DemoPopulation.maximumSize).")
        var nodes = DemoPopulation.defaultSize
        @Option(help: "Seed of the generated people: the same seed, the same people.") var seed: UInt64 = 1
        @Flag(help: "Keep the demo directory on exit.") var keep = false
        @Option(help: ArgumentHelp("Where the demo lives (new or empty; kept on exit).", valueName: "dir"))
        var directory: String?
        @Flag(name: .customLong("no-tui"), help: "Run the network without the TUI, until SIGINT or SIGTERM.")
        var headless = false

        func validate() throws {
            guard global.dataDirectory == nil else {
                throw ValidationError(
                    "peerdex demo never opens a data directory (your book stays untouched); "
                        + "--directory DIR says where the demo lives")
            }
            guard (DemoPopulation.minimumSize...DemoPopulation.maximumSize).contains(nodes) else {
                throw ValidationError(
                    "--nodes must be \(DemoPopulation.minimumSize) to \(DemoPopulation.maximumSize) (got \(nodes))")
            }
        }

        func run() throws {
            var options = DemoLauncher.Options()
            options.nodes = nodes
            options.seed = seed
            options.keep = keep
            options.directory = directory
            options.opensTUI = !headless
            let settings = try ConfigFile.tuiSettings()
            let (outcome, root) = try DemoLauncher.run(options, settings: settings) { [headless] root, manifest in
                guard headless else { return }
                print("demo network of \(manifest.people.count) nodes up in \(root)")
                print("bootstrap \(manifest.bootstrap.joined(separator: " "))")
                print("open it: peerdex --data-dir \(manifest.user.dataDirectory) --listen 127.0.0.1:0 --bootstrap \(manifest.bootstrap[0])")
                fflush(nil)
            }
            if keep || directory != nil {
                FileHandle.standardError.write(Data("peerdex: demo stopped; \(root) kept (demo.json lists its nodes)\n".utf8))
            }
            outcome.endProcess()
        }
    }
}
