import Foundation
import PeerdexCore
import PeerdexStore

/// An opened data directory: its contact database and this installation's identity.
///
/// Commands open one, act through `database`, and let it go; every write they make is committed
/// before they print that it is done.
public struct ContactBook: Sendable {
    /// Where the files live.
    public let dataDirectory: DataDirectory
    /// The contact database.
    public let database: ContactDatabase
    /// This installation's identity.
    public let identity: Identity

    /// Opens (creating on first use) the data directory, identity and database; a write waits up
    /// to `busyTimeout` for another process's.
    public static func open(
        _ dataDirectory: DataDirectory, busyTimeout: TimeInterval = ContactDatabase.busyTimeout
    ) throws(AppError) -> ContactBook {
        try dataDirectory.prepare()
        let identity = try Identity.loadOrCreate(at: dataDirectory.identityPath)
        do {
            let database = try ContactDatabase.open(at: dataDirectory.databasePath, busyTimeout: busyTimeout)
            return ContactBook(dataDirectory: dataDirectory, database: database, identity: identity)
        } catch {
            throw .store(error)
        }
    }

    /// The current time, cut to whole milliseconds: the precision every stored time keeps.
    public static func now() -> Date {
        ISO8601.date(milliseconds: ISO8601.milliseconds(Date()))
    }

    /// Parses a peer ID or invite given on the command line.
    public static func parsePeer(_ text: String) throws(AppError) -> Invite {
        do { return try Invite(parsing: text) } catch { throw .invalidPeer(text, error) }
    }

    /// Adds a contact; refuses our own ID and IDs already in the book.
    @discardableResult
    public func add(_ contact: Contact) throws(AppError) -> Contact {
        guard contact.peerID != identity.peerID else { throw .ownPeerID }
        do { return try database.add(contact) } catch { throw .store(error) }
    }

    /// Runs a store operation, wrapping its error.
    public func store<T>(_ body: (ContactDatabase) throws -> T) throws(AppError) -> T {
        do {
            return try body(database)
        } catch let error as ContactStoreError {
            throw .store(error)
        } catch {
            throw .store(.database("\(error)"))
        }
    }
}
