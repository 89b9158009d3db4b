/// The folded text of a contact that search looks at, field by field.
public struct SearchDocument: Hashable, Sendable {
    /// Folded display name.
    public var name: String
    /// Folded alias.
    public var alias: String
    /// Folded note.
    public var note: String
    /// Folded interests, one per line.
    public var interests: String
    /// Folded general location.
    public var location: String

    /// A document from already-folded fields, as the index stores them.
    public init(name: String, alias: String, note: String, interests: String, location: String) {
        self.name = name
        self.alias = alias
        self.note = note
        self.interests = interests
        self.location = location
    }

    /// Folds the searchable fields of a contact.
    public init(contact: Contact) {
        self.init(
            name: TextFolder.fold(contact.name),
            alias: TextFolder.fold(contact.alias),
            note: TextFolder.fold(contact.note),
            interests: contact.interests.map(TextFolder.fold).joined(separator: "\n"),
            location: TextFolder.fold(contact.location)
        )
    }

    /// The folded form of `contact.displayName`, taken from the fields already folded here.
    public func displayName(of contact: Contact) -> String {
        if !contact.alias.isEmpty { return alias }
        if !contact.name.isEmpty { return name }
        return contact.peerID.shortText
    }

    /// Every field, in the order they are indexed.
    public var fields: [String] { [name, alias, note, interests, location] }

    /// The space-separated tokens of the word index: words plus CJK bigrams.
    public var indexTokens: String { indexEntries().tokens }

    /// What the index stores for this document, in one pass over its words: the word index's
    /// tokens (each word, then its CJK bigrams), and the words that typo matching may find (four
    /// or more characters, at most `SearchQuery.maximumFuzzyBytes` bytes, spaced scripts), in order
    /// and with repeats: the store skips the words it already has, so a set here would only hash
    /// them twice.
    public func indexEntries() -> (tokens: String, vocabulary: [String]) {
        let minimumLength = SearchQuery.minimumFuzzyLength - 1
        var tokens = ""
        tokens.reserveCapacity(name.utf8.count + alias.utf8.count + note.utf8.count + interests.utf8.count + location.utf8.count)
        var vocabulary = [String]()
        for field in fields {
            if field.utf8.allSatisfy({ $0 < 0x80 }) {
                Self.appendASCIIEntries(of: field, tokens: &tokens, vocabulary: &vocabulary)
                continue
            }
            for word in SearchWords.words(in: field) {
                if !tokens.isEmpty { tokens.append(" ") }
                tokens.append(contentsOf: word)
                // Scalars first: splitting a word into characters costs more than the rest of
                // this loop, and only words with unspaced-script letters or many bytes need it.
                let isUnspaced = word.unicodeScalars.contains(where: SearchWords.isUnspacedScalar)
                if isUnspaced {
                    for bigram in SearchWords.bigrams(of: word) {
                        tokens.append(" ")
                        tokens.append(bigram)
                    }
                }
                guard word.utf8.count >= minimumLength, word.utf8.count <= SearchQuery.maximumFuzzyBytes else { continue }
                if word.utf8.allSatisfy({ $0 < 0x80 })
                    || (word.count >= minimumLength && !(isUnspaced && word.contains(where: SearchWords.isUnspacedScript)))
                {
                    vocabulary.append(String(word))
                }
            }
        }
        return (tokens, vocabulary)
    }

    /// `indexEntries()` for an ASCII field, byte by byte: words are runs of letters and digits,
    /// none has bigrams, and every one long enough is vocabulary. Most fields are ASCII once folded.
    private static func appendASCIIEntries(of field: String, tokens: inout String, vocabulary: inout [String]) {
        let minimumLength = SearchQuery.minimumFuzzyLength - 1
        let bytes = field.utf8
        var wordStart: String.Index?
        var index = bytes.startIndex
        while true {
            let isWordByte = index != bytes.endIndex && SearchWords.isWordScalar(Unicode.Scalar(bytes[index]))
            if isWordByte {
                if wordStart == nil { wordStart = index }
            } else if let start = wordStart {
                let word = field[start..<index]
                if !tokens.isEmpty { tokens.append(" ") }
                tokens.append(contentsOf: word)
                let length = bytes.distance(from: start, to: index)
                if length >= minimumLength, length <= SearchQuery.maximumFuzzyBytes { vocabulary.append(String(word)) }
                wordStart = nil
            }
            guard index != bytes.endIndex else { return }
            bytes.formIndex(after: &index)
        }
    }
}
