import ArgumentParser

extension Peerdex {
    /// `peerdex contacts …`: the contact book from the command line.
    struct Contacts: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add, list, search, change and move contacts.",
            subcommands: [
                Add.self, List.self, Search.self, Show.self, Favorite.self, Unfavorite.self, Block.self, Unblock.self,
                Remove.self, Import.self, Export.self,
            ]
        )

        /// So that `peerdex contacts --data-dir DIR list` works too, and `contacts --help` shows it.
        @OptionGroup var global: GlobalOptions
    }
}
