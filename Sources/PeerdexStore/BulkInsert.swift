import GRDB

/// Inserts many rows into one table through multi-row `INSERT … VALUES (…), (…), …` statements.
///
/// Each execution of a statement opens a cursor and seeks from the root of the table; for one
/// row at a time that costs more than the insert itself. Binding `rowsPerStatement` rows to one
/// execution pays it once per group. For the bulk import only: the rows go in no faster than
/// SQLite can take them, but with none of its per-statement overhead.
final class BulkInsert {
    /// Rows per execution; SQLite allows 32,766 parameters in all.
    let rowsPerStatement: Int
    private let columnCount: Int
    private let sql: (Int) -> String
    private lazy var groupStatement = Result { try RawStatement(database, sql: sql(rowsPerStatement)) }
    private let database: Database
    private var pending = [DatabaseValue]()

    /// An inserter into `table` whose first column is the rowid (or `INTEGER PRIMARY KEY`),
    /// followed by `columns`.
    init(_ db: Database, table: String, rowid: String, columns: [String], rowsPerStatement: Int = 32) {
        database = db
        self.rowsPerStatement = rowsPerStatement
        columnCount = columns.count + 1
        let row = "(" + Array(repeating: "?", count: columns.count + 1).joined(separator: ",") + ")"
        // OR FAIL rather than the default ABORT: a statement that may abort halfway through
        // several rows needs a statement journal, written for every execution. The caller's
        // transaction is rolled back on any error, so no half-written group survives either way.
        let head = "INSERT OR FAIL INTO \(table) (\(([rowid] + columns).joined(separator: ", "))) VALUES "
        sql = { rows in head + Array(repeating: row, count: rows).joined(separator: ",") }
        pending.reserveCapacity(columnCount * rowsPerStatement)
    }

    /// Queues a row (its rowid, then one value per column), writing a group once it is full.
    func insert(rowid: Int64, _ values: [DatabaseValue]) throws {
        precondition(values.count == columnCount - 1, "a row of \(values.count) values for \(columnCount - 1) columns")
        pending.append(rowid.databaseValue)
        pending.append(contentsOf: values)
        if pending.count == columnCount * rowsPerStatement {
            try groupStatement.get().run(pending)
            pending.removeAll(keepingCapacity: true)
        }
    }

    /// Writes the rows still queued. Call it before anything reads the table.
    func finish() throws {
        guard !pending.isEmpty else { return }
        try RawStatement(database, sql: sql(pending.count / columnCount)).run(pending)
        pending.removeAll(keepingCapacity: true)
    }
}
