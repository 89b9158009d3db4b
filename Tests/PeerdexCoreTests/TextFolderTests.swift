import Testing

@testable import PeerdexCore

@Suite struct TextFolderTests {
    @Test(arguments: [
        ("Zoë", "zoe"), ("Müller", "muller"), ("MÜLLER", "muller"), ("Øystein", "oystein"), ("Łukasz", "lukasz"),
        ("Straße", "strasse"), ("Ærø", "aero"), ("Œuvre", "oeuvre"), ("Đorđe", "dorde"), ("Ἀθηνᾶ", "αθηνα"),
        ("ΟΔΥΣΣΕΥΣ", "οδυσσευσ"), ("Ёлка", "елка"), ("ｔｏｋｙｏ", "tokyo"), ("  Anna \t  Maria\n", "anna maria"),
        ("ﬁle", "file"), ("İstanbul", "istanbul"),
    ])
    func foldsCaseAndDiacritics(input: String, folded: String) {
        #expect(TextFolder.fold(input) == folded)
    }

    @Test func keepsLettersThatAreNotAccents() {
        #expect(TextFolder.fold("がくせい") == "がくせい")
        #expect(TextFolder.fold("한국어") == "한국어")
        #expect(TextFolder.fold("東京タワー") == "東京タワー")
        #expect(TextFolder.fold("हिन्दी") == "हिन्दी")
    }

    @Test func asciiAndUnicodePathsAgree() {
        #expect(TextFolder.fold("Hello  World") == TextFolder.fold("Hello  World\u{00A0}"))
    }

    @Test(arguments: [
        "東京 タワー", " 東京", "東京 ", "東京  タワー", "東京\tタワー", "علي الشامي", "anna maria", "anna ", " anna",
        "Anna", "a\u{0301}", "か\u{3099}き", "", " ", "ab\u{00A0}cd", "ελένη", "ёлка", "straße", "line\u{0001}feed",
    ])
    func textAlreadyFoldedComesBackAsTheFullPathWouldGiveIt(text: String) {
        // Scalars, not String ==, which would call canonically equivalent text equal.
        #expect(Array(TextFolder.fold(text).unicodeScalars) == Array(TextFolder.foldInFull(text).unicodeScalars))
    }
}
