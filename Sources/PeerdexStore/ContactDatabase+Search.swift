import GRDB
import PeerdexCore

// MARK: - Search

extension ContactDatabase {
    /// How many results a search returns unless told otherwise.
    public static let defaultSearchLimit = 50
    /// At most this many rows per side, best-ranked first, when a query must intersect the two
    /// indexes: enough for any real answer, small enough to keep a typo query of several words fast.
    static let maximumIntersectionRows = 5_000
    /// At most this many typo candidates are looked up per term.
    static let maximumFuzzyWords = 64

    /// The best `limit` unblocked contacts for a query, ranked by `SearchRanker`.
    ///
    /// The indexes are asked tier by tier (exact words, word prefixes, substrings, typos). Each
    /// index walks its matches best-ranked first (see `SearchIndex`) and stops after what is
    /// needed, and the search stops at the first tier that fills `limit`: a one-letter prefix in a
    /// book of 100,000 reads about `limit` rows, not every match.
    public func search(_ query: SearchQuery, limit: Int = defaultSearchLimit) throws(ContactStoreError)
        -> [RankedContact]
    {
        guard !query.isEmpty, limit > 0 else { return [] }
        return try perform { writer in
            try writer.read { db in
                var matches = [(contact: Contact, tier: MatchTier, document: SearchDocument)]()
                var seen = Set<Int64>()
                var previousConditions: [TermCondition]?
                var matchesSoFar = 0
                for tier in MatchTier.allCases {
                    let conditions = try query.terms.map { try TermCondition(term: $0, tier: tier, db: db) }
                    guard conditions != previousConditions else { continue }
                    previousConditions = conditions
                    guard !conditions.contains(where: \.isImpossible) else { continue }
                    for key in try matchingKeys(conditions, limit: limit + seen.count, db: db)
                    where seen.insert(key).inserted {
                        // An index may over-approximate (a tier's query is a superset): the ranker decides.
                        guard let candidate = try candidate(key: key, db: db),
                            let found = SearchRanker.tier(of: query, in: candidate.document)
                        else { continue }
                        matches.append((candidate.contact, found, candidate.document))
                        if found <= tier { matchesSoFar += 1 }
                    }
                    if matchesSoFar >= limit { break }
                }
                return SearchRanker.rank(matches, limit: limit)
            }
        }
    }

    /// The search keys of rows matching every condition, best-ranked first, at most `limit`.
    private func matchingKeys(_ conditions: [TermCondition], limit: Int, db: Database) throws -> [Int64] {
        // Conditions on one table are ANDed inside one FTS5 expression, which FTS5 evaluates while
        // walking rowids in order; only conditions spanning both tables need a join.
        var words = [String]()
        var trigrams = [String]()
        var subqueries = [(sql: String, arguments: [String])]()
        for condition in conditions {
            switch (condition.words, condition.trigram) {
            case (let expression?, nil): words.append("(\(expression))")
            case (nil, let expression?): trigrams.append("(\(expression))")
            default: subqueries.append(condition.sql)
            }
        }
        if !words.isEmpty {
            subqueries.insert(("SELECT rowid FROM contactWords WHERE contactWords MATCH ?", [words.joined(separator: " AND ")]), at: 0)
        }
        if !trigrams.isEmpty {
            subqueries.insert(("SELECT rowid FROM contactText WHERE contactText MATCH ?", [trigrams.joined(separator: " AND ")]), at: 0)
        }
        do {
            if subqueries.count == 1, let only = subqueries.first {
                return try Int64.fetchAll(
                    db, sql: "\(only.sql) ORDER BY rowid DESC LIMIT \(limit)", arguments: StatementArguments(only.arguments))
            }
            // Across both tables SQLite would materialize every side in a temporary b-tree, slowly;
            // intersecting bounded key sets here is faster and rare (typo tiers of several terms).
            var keys: Set<Int64>?
            for subquery in subqueries {
                let found = try Int64.fetchSet(
                    db, sql: "\(subquery.sql) ORDER BY rowid DESC LIMIT \(Self.maximumIntersectionRows)",
                    arguments: StatementArguments(subquery.arguments))
                keys = keys.map { $0.intersection(found) } ?? found
            }
            return Array((keys ?? []).sorted(by: >).prefix(limit))
        } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
            // An expression FTS5 cannot parse (hostile punctuation) matches nothing at this tier.
            return []
        }
    }

    /// The contact and its folded text for a search key; nil if it vanished meanwhile.
    private func candidate(key: Int64, db: Database) throws -> (contact: Contact, document: SearchDocument)? {
        let statement = try db.cachedStatement(
            sql: """
                SELECT \(ContactRow.columnsOfC), t.name, t.alias, t.note, t.interests, t.location
                FROM contact c, contactText t WHERE c.id = ? AND t.rowid = ?
                """)
        let rows = try Row.fetchCursor(statement, arguments: [SearchIndex.contactID(fromKey: key), key])
        guard let row = try rows.next() else { return nil }
        let document = SearchDocument(name: row[14], alias: row[15], note: row[16], interests: row[17], location: row[18])
        return (try ContactRow.contact(from: row), document)
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
