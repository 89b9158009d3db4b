import Foundation
import GRDB
import PeerdexCore

/// The contact book on disk: the one owner of the SQLite schema, its migrations and all queries.
///
/// Every write runs in one transaction and returns only after SQLite committed it (WAL,
/// `synchronous = FULL`), so a caller may report it done. Several processes may open the same
/// file: WAL lets readers and one writer work at once, and writers wait up to `busyTimeout`.
public struct ContactDatabase: Sendable {
    /// How long a write waits for another process's write to finish.
    public static let busyTimeout: TimeInterval = 5

    /// The page size of new database files, in bytes.
    static let pageSize = 16 << 10
    /// SQLite's page cache per connection, in KiB.
    static let cacheKiB = 32 << 10
    /// The writer's page cache during an import, in KiB.
    static let importCacheKiB = 256 << 10

    let writer: any DatabaseWriter
    /// The file path, or ":memory:" for tests; used in error messages.
    public let path: String

    /// Opens (creating if needed) the database file at `path` and brings its schema up to date.
    ///
    /// Several processes may open a new or old file at once: opening runs under a lock file
    /// (`<path>-lock`), so one process creates and migrates the file while the others wait, then
    /// find nothing to do. Without it, SQLite answered a second process's `journal_mode = WAL`
    /// on a new file with an immediate SQLITE_BUSY (no busy handler runs there), and GRDB's
    /// migrator, which checks what is applied before it applies each migration in a transaction
    /// of its own, failed on "UNIQUE constraint failed: grdb_migrations.identifier".
    public static func open(at path: String, busyTimeout: TimeInterval = busyTimeout) throws(ContactStoreError)
        -> ContactDatabase
    {
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Only a new file takes it (an existing one keeps its page size). Larger pages mean a
            // quarter of the WAL frames and write calls when a bulk import commits (about 0.15 s
            // less for 100,000 contacts); a single-contact change writes a few more bytes.
            try db.execute(sql: "PRAGMA page_size = \(pageSize)")
            // Searches touch pages all over the indexes: map the file rather than copy each page
            // through read(2), and keep more of it cached than SQLite's 2 MB default.
            try db.execute(sql: "PRAGMA mmap_size = \(256 << 20)")
            try db.execute(sql: "PRAGMA cache_size = -\(cacheKiB)")
        }
        do {
            return try FileLock.holding(path + "-lock", purpose: "open or upgrade the contact book") {
                try ContactDatabase(writer: DatabasePool(path: path, configuration: configuration), path: path)
            }
        } catch let error as ContactStoreError {
            throw error
        } catch {
            throw ContactDatabase.storeError(error, path: path)
        }
    }

    /// An empty database in memory, for tests and benchmarks.
    public static func inMemory() throws(ContactStoreError) -> ContactDatabase {
        do {
            return try ContactDatabase(writer: DatabaseQueue(), path: ":memory:")
        } catch let error as ContactStoreError {
            throw error
        } catch {
            throw ContactDatabase.storeError(error, path: ":memory:")
        }
    }

    private init(writer: any DatabaseWriter, path: String) throws {
        self.writer = writer
        self.path = path
        let migrator = Self.migrator
        let unknown = try writer.read { db -> [String] in
            let applied = try migrator.appliedIdentifiers(db)
            return applied.subtracting(migrator.migrations).sorted()
        }
        guard unknown.isEmpty else { throw ContactStoreError.newerSchema(path: path, unknownMigrations: unknown) }
        try migrator.migrate(writer)
    }

    /// Runs SQLite's own consistency check; "ok" when the file is sound.
    public func integrityCheck() throws(ContactStoreError) -> String {
        try perform { try $0.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ") } }
    }

    /// Runs a database operation, turning GRDB and SQLite errors into `ContactStoreError`.
    func perform<T>(_ body: (any DatabaseWriter) throws -> T) throws(ContactStoreError) -> T {
        do {
            return try body(writer)
        } catch let error as ContactStoreError {
            throw error
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    /// Maps an error from GRDB to the store's vocabulary.
    static func storeError(_ error: any Error, path: String) -> ContactStoreError {
        guard let error = error as? DatabaseError else { return .database("\(error)") }
        let reason = error.message ?? "\(error.resultCode)"
        switch error.resultCode.primaryResultCode {
        case .SQLITE_NOTADB: return .notADatabase(path: path)
        case .SQLITE_CORRUPT: return .corrupt(path: path, reason: reason)
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy(path: path)
        case .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_IOERR, .SQLITE_FULL:
            return .cannotOpen(path: path, reason: reason)
        default: return .database(reason)
        }
    }
}
