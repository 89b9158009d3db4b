import ArgumentParser

/// The `peerdex` command: a thin dispatcher over PeerdexApp.
@main
struct Peerdex: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peerdex",
        abstract: "Keep and find your peer-to-peer messenger contacts, with no central server.",
        discussion: """
            Data lives in --data-dir, else $PEERDEX_HOME, else $XDG_DATA_HOME/peerdex \
            (~/.local/share/peerdex). Errors go to stderr with a non-zero exit status; --json \
            prints one JSON document on stdout.
            """,
        version: "0.1.0",
        subcommands: [Tui.self, Id.self, Contacts.self],
        defaultSubcommand: Tui.self
    )
}

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Data directory.", valueName: "dir"))
    var dataDirectory: String?
}
