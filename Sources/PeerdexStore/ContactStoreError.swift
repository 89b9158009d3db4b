import PeerdexCore

/// Why the contact store refused or failed an operation; each case reads as one line.
public enum ContactStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file exists but is not an SQLite database.
    case notADatabase(path: String)
    /// The database was written by a newer peerdex whose schema this one does not know.
    case newerSchema(path: String, unknownMigrations: [String])
    /// The database could not be opened or written, with SQLite's reason.
    case cannotOpen(path: String, reason: String)
    /// No contact has this peer ID.
    case contactNotFound(PeerID)
    /// A contact with this peer ID is already in the book.
    case contactExists(PeerID)
    /// Another process held the database's write lock for longer than the busy timeout.
    case busy(path: String)
    /// The database is damaged.
    case corrupt(path: String, reason: String)
    /// Another error from SQLite, with its message.
    case database(String)

    /// Whether trying again later may succeed (nothing is wrong but another process's lock).
    public var isTransient: Bool {
        if case .busy = self { return true }
        return false
    }

    /// One line that explains the problem to a person.
    public var description: String {
        switch self {
        case .notADatabase(let path):
            return "\(path) is not a peerdex database (the file is not SQLite); move it aside to start afresh"
        case .newerSchema(let path, let unknown):
            return "\(path) was written by a newer peerdex (unknown migrations: "
                + "\(unknown.joined(separator: ", "))); upgrade peerdex to open it"
        case .cannotOpen(let path, let reason):
            return "cannot open the contact database \(path): \(reason)"
        case .contactNotFound(let id):
            return "no contact with peer ID \(id)"
        case .contactExists(let id):
            return "\(id) is already in your contacts"
        case .busy(let path):
            return "the contact database \(path) is busy: another program kept it locked for writing; try again"
        case .corrupt(let path, let reason):
            return "the contact database \(path) is damaged: \(reason)"
        case .database(let message):
            return "database error: \(message)"
        }
    }
}
