import GRDB
import PeerdexCore

extension SearchIndex {
    /// The typo vocabulary of a bulk import, prepared away from the writer: the distinct words
    /// and every one-deletion key of each, both sorted the way their tables store them.
    ///
    /// A book of varied names has tens of thousands of distinct words and ten keys each; written
    /// one by one at random places of the key table, they took longer than the rest of an import.
    /// Sorted, they are appended.
    struct BulkVocabulary: Sendable {
        /// Distinct words, sorted.
        var words: [String]
        /// (deletion key, word) for every word, sorted and distinct.
        var keys: [(key: String, word: String)]

        /// Prepares the vocabulary of many documents (each a list of words, repeats allowed).
        init(_ vocabularies: [[String]]) {
            var distinct = Set<String>()
            for vocabulary in vocabularies { distinct.formUnion(vocabulary) }
            words = distinct.sorted()
            // Typed in steps: as one expression it sits near the type checker's limit, and each
            // new `<` overload anywhere in the modules it sees can push it over.
            var pairs: [(key: String, word: String)] = []
            for word in words {
                for key in EditDistance.deletionKeys(of: word) { pairs.append((key: key, word: word)) }
            }
            pairs.sort { (lhs: (key: String, word: String), rhs: (key: String, word: String)) -> Bool in
                lhs.key == rhs.key ? lhs.word < rhs.word : lhs.key < rhs.key
            }
            keys = pairs
        }
    }

    /// Adds a prepared vocabulary: the same rows as `insertVocabulary(_:in:knownWords:)` would
    /// write, in far fewer statements. Words and keys already stored are skipped (a stored word
    /// has its keys already).
    static func insert(_ vocabulary: BulkVocabulary, in db: Database) throws {
        let insertWord = BulkInsert(db, table: "searchVocabulary", columns: ["word"], onConflict: .ignore)
        for word in vocabulary.words { try insertWord.insert([word.databaseValue]) }
        try insertWord.finish()
        let insertKey = BulkInsert(db, table: "searchFuzzyKey", columns: ["key", "word"], onConflict: .ignore)
        for (key, word) in vocabulary.keys { try insertKey.insert([key.databaseValue, word.databaseValue]) }
        try insertKey.finish()
    }
}
