import Testing

@testable import PeerdexCore

@Suite struct SearchDocumentTests {
    /// The plain definitions that `indexEntries()` computes in one pass.
    func reference(_ document: SearchDocument) -> (tokens: String, vocabulary: Set<String>) {
        let tokens = document.fields.flatMap { field in
            SearchWords.words(in: field).flatMap { [String($0)] + SearchWords.bigrams(of: $0) }
        }.joined(separator: " ")
        var vocabulary = Set<String>()
        for field in document.fields {
            for word in SearchWords.words(in: field)
            where word.count >= SearchQuery.minimumFuzzyLength - 1 && word.utf8.count <= SearchQuery.maximumFuzzyBytes
                && !word.contains(where: SearchWords.isUnspacedScript)
            {
                vocabulary.insert(String(word))
            }
        }
        return (tokens, vocabulary)
    }

    @Test(arguments: [
        SearchDocument(name: "zoe muller", alias: "z", note: "likes 東京タワー and jazz", interests: "go\nпрограммирование", location: ""),
        SearchDocument(name: "東京", alias: "", note: "", interests: "", location: "大阪 市"),
        SearchDocument(name: "e\u{3099}\u{0301}abc", alias: "tokyo", note: "한국어 텍스트", interests: "محمد علي", location: "x"),
        SearchDocument(name: "", alias: "", note: "", interests: "", location: ""),
        SearchDocument(
            name: String(repeating: "x", count: 64), alias: String(repeating: "y", count: 65),
            note: String(repeating: "ж", count: 33) + " " + String(repeating: "ж", count: 32), interests: "", location: ""),
    ])
    func onePassMatchesTheDefinitions(document: SearchDocument) {
        let entries = document.indexEntries()
        let expected = reference(document)
        #expect(entries.tokens == expected.tokens)
        #expect(Set(entries.vocabulary) == expected.vocabulary)
    }

    @Test func aHugeWordHasNoTypoKeys() {
        // A 30,000-letter word once took 24 s to add: its deletion keys alone were 900 MB.
        let document = SearchDocument(name: "", alias: "", note: String(repeating: "x", count: 30_000), interests: "", location: "")
        #expect(document.indexEntries().vocabulary.isEmpty)
        #expect(!SearchTerm(folded: String(repeating: "x", count: 65)).allowsFuzzy)
        #expect(SearchTerm(folded: String(repeating: "x", count: 64)).allowsFuzzy)
    }
}
