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

    /// Binds an integer to the parameter at `index` (1-based) for the next `run`.
    func bind(_ value: Int64, at index: Int32) {
        sqlite3_bind_int64(handle, index, value)
    }

    /// Binds `values` to the parameters from `first` on (1-based, in order) and runs the statement once.
    func run(_ values: [DatabaseValue], from first: Int32 = 1) throws {
        var index = first
        for value in values {
            switch value.storage {
            case .null: sqlite3_bind_null(handle, index)
            case .int64(let number): sqlite3_bind_int64(handle, index, number)
            case .double(let number): sqlite3_bind_double(handle, index, number)
            case .string(var text):
                // By bytes and length: no C-string copy and no strlen. An empty buffer may have no
                // address, and a null pointer would bind NULL rather than ''.
                text.withUTF8 { bytes in
                    let start = UnsafeRawPointer(bytes.baseAddress) ?? Self.emptyBytes
                    sqlite3_bind_text(handle, index, start.assumingMemoryBound(to: CChar.self), Int32(bytes.count), Self.transient)
                }
            case .blob(let data):
                data.withUnsafeBytes { bytes in
                    _ = sqlite3_bind_blob(handle, index, bytes.baseAddress ?? Self.emptyBytes, Int32(bytes.count), Self.transient)
                }
            }
            index += 1
        }
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            throw ContactStoreError.database(String(cString: sqlite3_errmsg(connection)))
        }
    }

    /// Makes SQLite copy bound bytes, which Swift lends only for the duration of a call.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    /// Static bytes to point at for empty text or blobs.
    private static var emptyBytes: UnsafeRawPointer { UnsafeRawPointer(("" as StaticString).utf8Start) }
}
