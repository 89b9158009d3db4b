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
            let dataDirectory = DataDirectory(explicit: global.dataDirectory)
            let book = try ContactBook.open(dataDirectory)
            let log = EventLog(dataDirectory: dataDirectory)
            log.record("info", "tui started")
            do {
                let outcome = try TUIRunner(book: book, settings: settings).run()
                if case .signalled(let number) = outcome {
                    log.record("info", "tui ended by signal \(number)")
                } else {
                    log.record("info", "tui quit")
                }
                outcome.endProcess()
            } catch {
                // The runner restored the terminal on its way out; the error is printed after it.
                log.record("error", "tui stopped: \(error)")
                throw error
            }
        }
    }
}
