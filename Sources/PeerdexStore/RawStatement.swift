import GRDB
import GRDBSQLite

/// A prepared statement driven through SQLite's C API, for the import's hot loop only.
///
/// GRDB's per-execution bookkeeping (argument arrays, observation hooks) costs a few microseconds
/// per row; over the hundreds of thousands of rows of a bulk import that is most of its time.
/// Everything else in the store goes through GRDB.
final class RawStatement {
    private let handle: OpaquePointer
    private let connection: OpaquePointer
    /// Makes SQLite copy bound text, since Swift's temporary C strings die after the call.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// Prepares `sql` on the connection of `db` (which must stay open while this lives).
    init(_ db: Database, sql: String) throws {
        guard let connection = db.sqliteConnection else { throw ContactStoreError.database("database is closed") }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(connection, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw ContactStoreError.database(String(cString: sqlite3_errmsg(connection)))
        }
        self.connection = connection
        handle = statement
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds the values of one row (1-based in order) and runs the statement once.
    func run(_ values: [DatabaseValue]) throws {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value.storage {
            case .null: sqlite3_bind_null(handle, index)
            case .int64(let number): sqlite3_bind_int64(handle, index, number)
            case .double(let number): sqlite3_bind_double(handle, index, number)
            case .string(let text): sqlite3_bind_text(handle, index, text, -1, Self.transient)
            case .blob(let data):
                _ = data.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), Self.transient) }
            }
        }
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            throw ContactStoreError.database(String(cString: sqlite3_errmsg(connection)))
        }
    }
}
