import GRDB
import PeerdexCore

// MARK: - Search

extension ContactDatabase {
    /// How many results a search returns unless told otherwise.
    public static let defaultSearchLimit = 50
    /// At most this many typo candidates are looked up per term.
    static let maximumFuzzyWords = 64

    /// The best `limit` unblocked contacts for a query, ranked by `SearchRanker`.
    ///
    /// The indexes are asked tier by tier (exact words, word prefixes, substrings, typos), each
    /// query already ordered by the ranker's tie-breakers; the search stops at the first tier that
    /// fills `limit`, so a common prefix never makes it rank the whole book.
    public func search(_ query: SearchQuery, limit: Int = defaultSearchLimit) throws(ContactStoreError)
        -> [RankedContact]
    {
        guard !query.isEmpty, limit > 0 else { return [] }
        return try perform { writer in
            try writer.read { db in
                var candidates = [(contact: Contact, document: SearchDocument)]()
                var seen = Set<Int64>()
                var previousConditions: [TermCondition]?
                var ranked = [RankedContact]()
                for tier in MatchTier.allCases {
                    let conditions = try query.terms.map { try TermCondition(term: $0, tier: tier, db: db) }
                    guard conditions != previousConditions else { continue }
                    previousConditions = conditions
                    guard !conditions.contains(where: \.isImpossible) else { continue }
                    for (id, candidate) in try fetchCandidates(conditions, limit: limit + seen.count, db: db)
                    where seen.insert(id).inserted {
                        candidates.append(candidate)
                    }
                    ranked = SearchRanker.rank(candidates, for: query, limit: limit)
                    if ranked.count >= limit, let last = ranked.last, last.tier <= tier { break }
                }
                return ranked
            }
        }
    }

    private func fetchCandidates(_ conditions: [TermCondition], limit: Int, db: Database) throws
        -> [(Int64, (contact: Contact, document: SearchDocument))]
    {
        var arguments = StatementArguments()
        var clauses = ["c.blockedAt IS NULL"]
        for condition in conditions {
            let (sql, values) = condition.sql
            clauses.append("c.id IN (\(sql))")
            arguments += StatementArguments(values)
        }
        arguments += [limit]
        let sql = """
            SELECT \(ContactRow.columns(qualifiedBy: "c")), t.name, t.alias, t.note, t.interests, t.location
            FROM contact c JOIN contactText t ON t.rowid = c.id
            WHERE \(clauses.joined(separator: " AND "))
            ORDER BY c.favoritedAt IS NULL, c.lastInteraction IS NULL, c.lastInteraction DESC, c.id
            LIMIT ?
            """
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            let document = SearchDocument(name: row[14], alias: row[15], note: row[16], interests: row[17], location: row[18])
            return (row[0], (try ContactRow.contact(from: row), document))
        }
    }
}

/// Which rows may match one term at one tier, as FTS5 match expressions.
struct TermCondition: Equatable {
    /// An FTS5 expression for `contactWords`, if the tier asks the word index.
    var words: String?
    /// An FTS5 expression for `contactText` (trigrams), if the tier asks for substrings.
    var trigram: String?

    /// Whether no row can match (the term has nothing either index can look for).
    var isImpossible: Bool { words == nil && trigram == nil }

    /// The subquery selecting matching contact ids, and its arguments.
    var sql: (String, [String]) {
        var parts = [String]()
        var values = [String]()
        if let words {
            parts.append("SELECT rowid FROM contactWords WHERE contactWords MATCH ?")
            values.append(words)
        }
        if let trigram {
            parts.append("SELECT rowid FROM contactText WHERE contactText MATCH ?")
            values.append(trigram)
        }
        return (parts.joined(separator: " UNION "), values)
    }

    init(term: SearchTerm, tier: MatchTier, db: Database) throws {
        let words = SearchWords.words(in: term.text).map(String.init)
        guard !words.isEmpty || tier >= .substring else { return }
        switch tier {
        case .exact:
            self.words = words.map(Self.quoted).joined(separator: " AND ")
        case .prefix:
            self.words = Self.prefixExpression(words)
        case .substring, .fuzzy:
            if term.text.unicodeScalars.count >= SearchQuery.minimumSubstringLength {
                trigram = Self.quoted(term.text)
            } else if !words.isEmpty {
                self.words = Self.prefixExpression(words)
            }
            if tier == .fuzzy, term.allowsFuzzy {
                let typos = try Self.typoWords(for: term.text, db: db)
                if !typos.isEmpty {
                    let alternatives = typos.map(Self.quoted).joined(separator: " OR ")
                    self.words = self.words.map { "(\($0)) OR \(alternatives)" } ?? alternatives
                }
            }
        }
    }

    /// All words but the last must be whole; the last may be a prefix.
    private static func prefixExpression(_ words: [String]) -> String? {
        guard let last = words.last else { return nil }
        return (words.dropLast().map(quoted) + [quoted(last) + "*"]).joined(separator: " AND ")
    }

    /// An FTS5 string literal.
    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Indexed words one edit away from `word`, found through their shared deletion keys.
    private static func typoWords(for word: String, db: Database) throws -> [String] {
        let keys = Array(EditDistance.deletionKeys(of: word))
        let placeholders = keys.map { _ in "?" }.joined(separator: ",")
        let target = Array(word)
        return try String.fetchAll(
            db, sql: "SELECT DISTINCT word FROM searchFuzzyKey WHERE key IN (\(placeholders))",
            arguments: StatementArguments(keys)
        )
        .filter { $0 != word && EditDistance.isWithinOne(Array($0), target) }
        .prefix(ContactDatabase.maximumFuzzyWords).map { $0 }
    }
}
