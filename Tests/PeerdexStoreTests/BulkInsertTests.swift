import GRDB
import Testing

@testable import PeerdexStore

@Suite struct BulkInsertTests {
    @Test(arguments: [0, 1, 3, 4, 5, 11])
    func everyRowArrivesWithItsValues(count: Int) throws {
        // Given a table, and rows that fill whole groups of four and a partial one
        let queue = try DatabaseQueue()
        let stored = try queue.write { db -> [Row] in
            try db.execute(sql: "CREATE TABLE item (id INTEGER PRIMARY KEY, label TEXT NOT NULL, size INTEGER)")
            let insert = BulkInsert(db, table: "item", columns: ["id", "label", "size"], rowsPerStatement: 4)
            for id in 0..<count {
                // Empty text must stay '' (not NULL, which the table refuses), and NULL must stay NULL.
                let label = id % 3 == 0 ? "" : "item \(id) · ünïcode"
                try insert.insert(rowid: Int64(id), [label.databaseValue, id % 2 == 0 ? DatabaseValue.null : id.databaseValue])
            }
            try insert.finish()
            return try Row.fetchAll(db, sql: "SELECT id, label, size FROM item ORDER BY id")
        }
        // Then each one is stored exactly as given
        #expect(stored.count == count)
        for (id, row) in stored.enumerated() {
            #expect(row["id"] == Int64(id))
            #expect(row["label"] == (id % 3 == 0 ? "" : "item \(id) · ünïcode"))
            #expect(row["size"] as Int? == (id % 2 == 0 ? nil : id))
        }
    }

    @Test func aRefusedRowFailsTheInsertWithSQLitesReason() throws {
        // Given a table whose label may not be NULL
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE item (id INTEGER PRIMARY KEY, label TEXT NOT NULL)")
            let insert = BulkInsert(db, table: "item", columns: ["id", "label"], rowsPerStatement: 2)
            try insert.insert(rowid: 1, ["fine".databaseValue])
            // When a group holds a NULL label, then writing it fails and says why
            #expect {
                try insert.insert(rowid: 2, [DatabaseValue.null])
            } throws: { error in
                "\(error)".contains("NOT NULL")
            }
        }
    }
}
