import GRDB

/// Inserts many rows into one table through multi-row `INSERT … VALUES (…), (…), …` statements.
///
/// Each execution of a statement opens a cursor and seeks from the root of the table; for one
/// row at a time that costs more than the insert itself. Binding `rowsPerStatement` rows to one
/// execution pays it once per group. For the bulk import only: the rows go in no faster than
/// SQLite can take them, but with none of its per-statement overhead. (Not for FTS5 tables, into
/// which a multi-row `INSERT` runs several times slower than one row per execution.)
final class BulkInsert {
    /// What to do with a row that breaks a uniqueness or other constraint.
    enum Conflict: String {
        /// Fail the statement, keeping the rows before it. Not the default ABORT: a statement
        /// that may abort halfway through several rows needs a statement journal, written for
        /// every execution, and the caller's transaction is rolled back on any error anyway.
        case fail = "OR FAIL"
        /// Skip the row (for tables of facts that may be known already).
        case ignore = "OR IGNORE"
    }

    /// Rows per execution; SQLite allows 32,766 parameters in all.
    let rowsPerStatement: Int
    private let columnCount: Int
    private let sql: (Int) -> String
    private lazy var groupStatement = Result { try RawStatement(database, sql: sql(rowsPerStatement)) }
    private let database: Database
    private var pending = [DatabaseValue]()

    /// An inserter of rows of `columns` into `table`.
    init(_ db: Database, table: String, columns: [String], onConflict conflict: Conflict = .fail, rowsPerStatement: Int = 32) {
        database = db
        self.rowsPerStatement = rowsPerStatement
        columnCount = columns.count
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
        let head = "INSERT \(conflict.rawValue) INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        sql = { rows in head + Array(repeating: row, count: rows).joined(separator: ",") }
        pending.reserveCapacity(columnCount * rowsPerStatement)
    }

    /// Queues a row, one value per column, writing a group once it is full.
    func insert(_ values: [DatabaseValue]) throws {
        precondition(values.count == columnCount, "a row of \(values.count) values for \(columnCount) columns")
        pending.append(contentsOf: values)
        try writeIfFull()
    }

    /// Queues a row whose first column is the rowid (or `INTEGER PRIMARY KEY`), then the others.
    func insert(rowid: Int64, _ values: [DatabaseValue]) throws {
        precondition(values.count == columnCount - 1, "a row of \(values.count + 1) values for \(columnCount) columns")
        pending.append(rowid.databaseValue)
        pending.append(contentsOf: values)
        try writeIfFull()
    }

    /// Writes the rows still queued. Call it before anything reads the table.
    func finish() throws {
        guard !pending.isEmpty else { return }
        try RawStatement(database, sql: sql(pending.count / columnCount)).run(pending)
        pending.removeAll(keepingCapacity: true)
    }

    private func writeIfFull() throws {
        guard pending.count == columnCount * rowsPerStatement else { return }
        try groupStatement.get().run(pending)
        pending.removeAll(keepingCapacity: true)
    }
}
