import ArgumentParser
import PeerdexApp
import PeerdexCore

extension Peerdex.Contacts {
    /// `peerdex contacts list`: one of the named lists.
    struct List: GlobalOptionsCommand {
        static let configuration = CommandConfiguration(abstract: "List contacts (blocked ones only with --blocked).")

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Favorites only.") var favorites = false
        @Flag(help: "Blocked contacts only.") var blocked = false
        @Flag(help: "The \(ContactList.recentCapacity) most recently interacted with, newest first.") var recent = false
        @Flag(help: "Print a JSON array.") var json = false

        func validate() throws {
            if [favorites, blocked, recent].filter({ $0 }).count > 1 {
                throw ValidationError("choose one of --favorites, --blocked and --recent")
            }
        }

        func run() throws {
            let list: ContactList = favorites ? .favorites : blocked ? .blocked : recent ? .recent : .all
            let book = try global.openBook()
            let contacts = try book.store { try $0.contacts(in: list) }
            if json {
                try Output.json(contacts.map { ContactJSON($0) })
            } else if contacts.isEmpty {
                Output.warn(Self.emptyMessage(list))
            } else {
                contacts.forEach { print(Output.line(for: $0)) }
            }
        }

        static func emptyMessage(_ list: ContactList) -> String {
            switch list {
            case .all: "no contacts yet: add one with 'peerdex contacts add <peer-id|invite>'; share yours with 'peerdex id'"
            case .favorites: "no favorites yet: mark one with 'peerdex contacts favorite <peer-id>'"
            case .blocked: "nobody is blocked"
            case .recent: "no recent contacts"
            }
        }
    }

    /// `peerdex contacts search`: ranked local search.
    struct Search: GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Search names, aliases, notes, interests and locations.",
            discussion: """
                Case and accents are ignored (muller finds Müller); a term of three or more characters \
                matches anywhere inside a word, a shorter one matches word beginnings, and a word of five \
                or more letters also finds words one typo away. All terms must match. Results come \
                exact matches first, then prefixes, substrings and typos; favorites and recent contacts \
                first among equals. Blocked contacts are never shown.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "What to look for.") var query: [String]
        @Option(help: "At most this many results.") var limit = 50
        @Flag(help: "Print a JSON array.") var json = false

        func validate() throws {
            guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
            guard !SearchQuery(query.joined(separator: " ")).isEmpty else {
                throw ValidationError("give something to search for, e.g. peerdex contacts search anna")
            }
        }

        func run() throws {
            let book = try global.openBook()
            let results = try book.store { try $0.search(SearchQuery(query.joined(separator: " ")), limit: limit) }
            if json {
                try Output.json(results.map { ContactJSON($0.contact, match: $0.tier) })
            } else if results.isEmpty {
                Output.warn("no matches")
            } else {
                results.forEach { print(Output.line(for: $0.contact)) }
            }
        }
    }
}
