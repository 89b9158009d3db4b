import ArgumentParser
import PeerdexApp

/// The `peerdex` command: a thin dispatcher over PeerdexApp.
@main
struct Peerdex: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peerdex",
        abstract: "Keep and find your peer-to-peer messenger contacts, with no central server.",
        discussion: """
            Data lives in --data-dir, else $PEERDEX_HOME, else $XDG_DATA_HOME/peerdex \
            (~/.local/share/peerdex). Global options go before or after the subcommand: \
            'peerdex --data-dir DIR contacts list' and 'peerdex contacts list --data-dir DIR' are \
            the same. Errors go to stderr with a non-zero exit status; --json prints one JSON \
            document on stdout.
            """,
        version: "0.1.0",
        subcommands: [Tui.self, Id.self, Contacts.self, Profile.self, Node.self, Ping.self, Lookup.self, Search.self, Nearby.self, InviteCommand.self, Demo.self],
        defaultSubcommand: Tui.self
    )

    /// Declared here as well as on every subcommand, so that global options may come first.
    ///
    /// ArgumentParser hands an option group decoded by a parent command to a subcommand that
    /// declares the same group, so `peerdex --data-dir DIR id` reaches `Id.global`; without this
    /// declaration the options were parsed as the default `tui` command's and the subcommand name
    /// became an unexpected argument.
    @OptionGroup var global: GlobalOptions
}

/// Options every command shares, accepted before or after the subcommand name.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Data directory.", valueName: "dir"))
    var dataDirectory: String?
}

extension GlobalOptions {
    /// The data directory chosen (option, environment, default), with this process's logging
    /// sent to its log file.
    func chosenDirectory() -> DataDirectory {
        let directory = DataDirectory(explicit: dataDirectory)
        AppLogging.bootstrap(directory)
        return directory
    }

    /// Opens the contact book of the chosen data directory.
    func openBook() throws -> ContactBook {
        try ContactBook.open(chosenDirectory())
    }
}

/// A command that takes the global options; every subcommand is one.
protocol GlobalOptionsCommand: ParsableCommand {
    /// The global options as parsed, wherever on the line they were given.
    var global: GlobalOptions { get }
}
