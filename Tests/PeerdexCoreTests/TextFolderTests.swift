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
}
