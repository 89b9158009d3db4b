/// A search as typed, folded and split into terms that must all match.
public struct SearchQuery: Hashable, Sendable {
    /// Terms shorter than this match words by prefix only (a trigram index needs three).
    public static let minimumSubstringLength = 3
    /// Terms at least this long also match words one typo away.
    public static let minimumFuzzyLength = 5
    /// Terms and words longer than this (in UTF-8 bytes) have no typo matching: a word's typo keys
    /// grow with the square of its length, and a 30,000-letter "word" in a note took 24 s to add.
    public static let maximumFuzzyBytes = 64

    /// The text as the user typed it.
    public let raw: String
    /// The folded, de-duplicated terms, in typed order.
    public let terms: [SearchTerm]

    /// Folds and splits `raw`.
    public init(_ raw: String) {
        self.raw = raw
        var seen = Set<String>()
        terms = TextFolder.fold(raw).split(separator: " ").compactMap { piece in
            let text = String(piece)
            return seen.insert(text).inserted ? SearchTerm(folded: text) : nil
        }
    }

    /// Whether there is nothing to search for.
    public var isEmpty: Bool { terms.isEmpty }
}

/// One folded query term and the kinds of match its length allows.
public struct SearchTerm: Hashable, Sendable {
    /// The folded text of the term.
    public let text: String
    /// Whether the term may match inside a word (three or more characters, or CJK).
    public let allowsSubstring: Bool
    /// Whether the term may match a word one typo away (five or more letters of a spaced script).
    public let allowsFuzzy: Bool
    /// Whether the term contains anything the word index can match.
    public let hasWordCharacters: Bool

    /// Classifies an already-folded term.
    public init(folded text: String) {
        self.text = text
        let characters = Array(text)
        let isUnspaced = characters.contains(where: SearchWords.isUnspacedScript)
        allowsSubstring = text.unicodeScalars.count >= SearchQuery.minimumSubstringLength || isUnspaced
        allowsFuzzy = characters.count >= SearchQuery.minimumFuzzyLength && !isUnspaced
            && text.utf8.count <= SearchQuery.maximumFuzzyBytes
            && characters.allSatisfy(SearchWords.isWordCharacter)
        hasWordCharacters = characters.contains(where: SearchWords.isWordCharacter)
    }
}
