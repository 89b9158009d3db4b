import ArgumentParser
import PeerdexApp

extension Peerdex {
    /// `peerdex` / `peerdex tui`: the full-screen interface.
    struct Tui: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open the full-screen contact book (the default command).",
            discussion: "Press ? inside for the keys. NO_COLOR turns colors off; see README for config.toml.")

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let settings = try ConfigFile.tuiSettings()
            let book = try ContactBook.open(DataDirectory(explicit: global.dataDirectory))
            try TUIRunner(book: book, settings: settings).run()
        }
    }
}
