import Foundation
import GRDB

/// Notices commits to the contact database made by any other connection: another process, or
/// another thread of this one writing through the same `ContactDatabase`.
///
/// It has a read-only connection of its own and compares SQLite's `data_version`, which changes
/// on a connection whenever another connection commits. Asking costs a read of the WAL index in
/// shared memory: no lock, and never the writer connection, which an import may be holding.
public final class StoreChangeObserver: @unchecked Sendable {
    private let connection: DatabaseQueue
    private let path: String
    private var lastVersion: Int

    init(path: String) throws(ContactStoreError) {
        self.path = path
        var configuration = Configuration()
        configuration.readonly = true
        do {
            connection = try DatabaseQueue(path: path, configuration: configuration)
            lastVersion = try connection.read { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
        } catch {
            throw ContactDatabase.storeError(error, path: path)
        }
    }

    /// Whether anything was committed since the last call (or since the observer was made).
    /// Call from one thread at a time.
    public func hasChanged() throws(ContactStoreError) -> Bool {
        let version: Int
        do {
            version = try connection.read { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
        } catch {
            throw ContactDatabase.storeError(error, path: path)
        }
        defer { lastVersion = version }
        return version != lastVersion
    }
}

extension ContactDatabase {
    /// An observer of commits to this database by any other connection; nil for an in-memory
    /// database, which nothing else can write.
    public func changeObserver() throws(ContactStoreError) -> StoreChangeObserver? {
        path == ":memory:" ? nil : try StoreChangeObserver(path: path)
    }

    /// The files whose changes may mean a commit: the database and its write-ahead log.
    public var fileNames: [String] {
        let name = (path as NSString).lastPathComponent
        return [name, name + "-wal"]
    }
}
