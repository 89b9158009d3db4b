import PeerdexTestSupport
import Testing

@testable import PeerdexCore

@Suite struct ContactTests {
    /// The slow, obviously right normalization of one interest that the fast test must agree with.
    func normalizedSlowly(_ interest: String) -> String {
        String(interest.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingWhitespace())
    }

    @Test func interestsBecomeOneTrimmedLineWithoutDuplicates() {
        #expect(Contact.normalizedInterests([" Jazz ", "jazz", "go\nlang", "", "  ", "Café"]) == ["Jazz", "go lang", "Café"])
    }

    @Test func theCleanLineShortcutAgreesWithFullNormalization() {
        let pieces = [
            "a", "Z", " ", "\t", "\n", "\r\n", "\u{85}", "\u{2028}", "\u{A0}", "\u{3000}", "\u{0301}", "é", "東", "—", "\u{7F}",
        ]
        var random = SeededRandom(defaultSeed: 1)
        for _ in 0..<5_000 {
            let text = (0..<Int.random(in: 1...6, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            if Contact.isOneTrimmedLine(text) {
                #expect(normalizedSlowly(text).unicodeScalars.elementsEqual(text.unicodeScalars), "\(text.unicodeScalars.map(\.value)), \(random)")
            }
        }
        #expect(Contact.isOneTrimmedLine("photography"))
        #expect(Contact.isOneTrimmedLine("東京 タワー"))
        #expect(!Contact.isOneTrimmedLine("two\nlines"))
    }
}
