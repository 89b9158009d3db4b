import ArgumentParser
import PeerdexApp

extension Peerdex {
    /// `peerdex` / `peerdex tui`: the full-screen interface.
    struct Tui: GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open the full-screen contact book (the default command).",
            discussion: "Press ? inside for the keys. NO_COLOR turns colors off; see README for config.toml.")

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let settings = try ConfigFile.tuiSettings()
            // The runner restores the terminal on every way out; an error is printed after it.
            try TUIRunner(book: try global.openBook(), settings: settings).run().endProcess()
        }
    }
}
