import Testing

@testable import PeerdexCore

@Suite struct InterestTagTests {
    // MARK: - Normalization

    @Test(arguments: [
        ("Rust", "rust"), ("  Rust  ", "rust"), ("Machine   Learning", "machine learning"),
        ("machine\nlearning", "machine learning"), ("\tRock\u{00A0}Climbing ", "rock climbing"), ("Café", "cafe"),
        ("CAFÉ", "cafe"), ("Straße", "strasse"), ("Ｒｕｓｔ", "rust"), ("machine-learning", "machine-learning"),
        ("東京", "東京"),
    ])
    func normalizesLikeSearchFolding(raw: String, normalized: String) throws {
        #expect(try InterestTag(raw).text == normalized)
        #expect(InterestTag.normalized(raw) == normalized)
    }

    @Test func refusesEmptyTooLongAndControlCharacters() {
        #expect(throws: InterestTagError.empty) { try InterestTag(" \n\t ") }
        #expect(throws: InterestTagError.controlCharacter) { try InterestTag("rust\u{1B}[31m") }
        let long = String(repeating: "a", count: InterestTag.maximumBytes + 1)
        #expect(throws: InterestTagError.tooLong(bytes: long.utf8.count, limit: InterestTag.maximumBytes)) {
            try InterestTag(long)
        }
        #expect((try? InterestTag(String(repeating: "a", count: InterestTag.maximumBytes))) != nil)
        #expect(InterestTag.normalized(String(repeating: "x", count: 1_000_000)) == nil)
    }

    @Test func tagsOfAListSkipInvalidOnesAndDuplicates() {
        let tags = InterestTag.tags(of: ["Rust", "rust ", "", "Café", "cafe", "go\u{0}"])
        #expect(tags.map(\.text).sorted() == ["cafe", "rust"])
    }

    @Test func tagsOfAListReadOnlyTheFirstEntriesOfAHugeList() {
        let tags = InterestTag.tags(of: (0..<10_000).map { "tag\($0)" })
        #expect(tags.count == InterestTag.maximumTagsPerPeer)
    }

    // MARK: - Info-hash

    @Test(arguments: [
        // printf 'peerdex:interest:<tag>' | sha1sum
        ("rust", "45998221ec4a925924117c087cfab9a1b53866a3"),
        ("cafe", "30a0f1b6ab2e1e5278ac15969079ed76c47b4e36"),
        ("machine learning", "c50ad2ed4644df815b70369cda741ff061957424"),
    ])
    func infoHashIsSHA1OfThePrefixedTag(tag: String, hex: String) throws {
        #expect(try InterestTag(tag).infoHash.hex == hex)
    }

    @Test func spellingsOfOneTagShareTheInfoHash() throws {
        #expect(try InterestTag(" RUST ").infoHash == InterestTag("rust").infoHash)
        #expect(try InterestTag("Café").infoHash.hex == "30a0f1b6ab2e1e5278ac15969079ed76c47b4e36")
        #expect(try InterestTag("rust").infoHash != InterestTag("go").infoHash)
    }

    // MARK: - Jaccard

    @Test(arguments: [
        ([String](), [String](), 0.0),
        (["rust"], [], 0.0),
        ([], ["rust"], 0.0),
        (["rust"], ["rust"], 1.0),
        (["rust", "go"], ["go", "rust"], 1.0),
        (["rust", "go"], ["rust", "swift"], 1.0 / 3.0),
        (["a", "b", "c"], ["d", "e"], 0.0),
        (["Rust", "CAFÉ"], ["rust ", "cafe", "go"], 2.0 / 3.0),
    ])
    func jaccardIsSharedOverUnionOfNormalizedTags(lhs: [String], rhs: [String], expected: Double) {
        #expect(InterestTag.jaccard(lhs, rhs) == expected)
        #expect(InterestTag.jaccard(rhs, lhs) == expected)
    }

    @Test func duplicatesInOneListDoNotInflateTheUnion() {
        #expect(InterestTag.jaccard(["rust", "Rust", "RUST"], ["rust", "go"]) == 0.5)
    }
}
