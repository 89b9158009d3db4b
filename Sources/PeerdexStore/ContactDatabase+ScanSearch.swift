import GRDB
import PeerdexCore

// MARK: - Naive search (benchmark baseline)

extension ContactDatabase {
    /// The naive baseline for search benchmarks: a plain `LIKE '%text%'` scan, no index, no ranking.
    ///
    /// Looks for `text` as typed (SQLite's LIKE folds ASCII case only, no diacritics) inside the
    /// name, alias, note and interests of unblocked contacts, and returns the first `limit` hits in
    /// table order, or every hit when `limit` is nil (what ranking them would need). `%`, `_` and `\`
    /// in `text` match themselves (`ESCAPE '\'`). This is what an app
    /// without a search index would do; `make bench` compares `search(_:limit:)` against it, and
    /// nothing else should call it.
    ///
    /// `NOT INDEXED` keeps the baseline honest: left alone, SQLite walks the partial index
    /// `contact_visible_by_sortKey` for `blockedAt IS NULL` and fetches every row through it,
    /// which is ~4× slower than reading the table in order and would flatter the indexed search.
    public func scanSearch(_ text: String, limit: Int? = defaultSearchLimit) throws(ContactStoreError) -> [Contact] {
        guard !text.isEmpty, (limit ?? 1) > 0 else { return [] }
        let pattern = "%" + Self.likeEscaped(text) + "%"
        let sql = """
            SELECT \(ContactRow.columns) FROM contact NOT INDEXED
            WHERE blockedAt IS NULL
              AND (name LIKE ?1 ESCAPE '\\' OR alias LIKE ?1 ESCAPE '\\'
                   OR note LIKE ?1 ESCAPE '\\' OR interests LIKE ?1 ESCAPE '\\')
            LIMIT ?2
            """
        let rowLimit = limit ?? -1  // SQLite reads a negative LIMIT as none
        return try perform { writer in
            try writer.read { db in
                try Row.fetchAll(db, sql: sql, arguments: [pattern, rowLimit]).map { try ContactRow.contact(from: $0) }
            }
        }
    }

    /// `text` with LIKE's wildcards and the escape character itself escaped by a backslash.
    static func likeEscaped(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
