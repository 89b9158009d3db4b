import Testing

@testable import PeerdexTUI

/// Width per grapheme cluster, truncation that never splits a cluster, wrapping.
@Suite struct DisplayWidthTests {
    @Test(arguments: [
        ("a", 1), ("é", 1), ("e\u{301}", 1), ("ñ", 1), ("Ж", 1), ("א", 1), ("ب", 1), ("بِ", 1),
        ("★", 1), ("…", 1), ("☺", 1), ("❤", 1),
        ("漢", 2), ("あ", 2), ("カ", 2), ("한", 2), ("Ａ", 2), ("　", 2),
        ("😀", 2), ("❤️", 2), ("👍🏽", 2), ("👨‍👩‍👧‍👦", 2),
        ("🏳️‍🌈", 2), ("🇯🇵", 2), ("1️⃣", 2), ("🌸", 2),
        ("\u{301}", 0), ("\u{200D}", 0), ("\u{200B}", 0), ("\u{202E}", 0), ("\u{7}", 0),
    ] as [(String, Int)])
    func clusterWidth(text: String, width: Int) {
        #expect(text.count <= 1)
        let scalars = text.unicodeScalars.map { String($0.value, radix: 16) }
        #expect(DisplayWidth.of(text) == width, "\(scalars)")
    }

    @Test func textPresentationSelectorKeepsOneColumn() {
        #expect(DisplayWidth.of("☺\u{FE0E}") == 1)
        #expect(DisplayWidth.of("❤\u{FE0E}") == 1)
    }

    @Test func stringsSumTheirClusters() {
        #expect(DisplayWidth.of("Alice") == 5)
        #expect(DisplayWidth.of("李小龍") == 6)
        #expect(DisplayWidth.of("👨‍👩‍👧 family") == 9)
        #expect(DisplayWidth.of("🇯🇵🇫🇷") == 4)
        #expect(DisplayWidth.of("Jose\u{301}") == 4)
        #expect(DisplayWidth.of("שלום עליכם") == 10)
    }

    @Test func truncationNeverSplitsAClusterAndEndsWithEllipsis() {
        #expect(DisplayWidth.truncate("Alice Zhang", to: 20) == "Alice Zhang")
        #expect(DisplayWidth.truncate("Alice Zhang", to: 6) == "Alice…")
        // 4 + 1 columns: a wide cluster does not straddle the edge.
        #expect(DisplayWidth.truncate("李小龍李小龍", to: 6) == "李小…")
        #expect(DisplayWidth.truncate("👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦", to: 4) == "👨‍👩‍👧‍👦…")
        #expect(DisplayWidth.truncate("🇯🇵🇫🇷🇩🇪", to: 5) == "🇯🇵🇫🇷…")
        #expect(DisplayWidth.truncate("Jose\u{301}phine", to: 5) == "Jose\u{301}…")
        #expect(DisplayWidth.truncate("abc", to: 0) == "")
        #expect(DisplayWidth.truncate("abc", to: 1) == "…")
        for width in 1...12 {
            #expect(DisplayWidth.of(DisplayWidth.truncate("漢字👨‍👩‍👧a❤️bc🇯🇵", to: width)) <= width)
        }
    }

    @Test func padFillsToExactWidth() {
        #expect(DisplayWidth.pad("李", to: 4) == "李  ")
        #expect(DisplayWidth.of(DisplayWidth.pad("李小龍李小龍", to: 7)) == 7)
    }

    @Test func wrapBreaksAtSpacesAndInsideLongWords() {
        #expect(DisplayWidth.wrap("one two three", to: 7) == ["one two", "three"])
        #expect(DisplayWidth.wrap("abcdefghij", to: 4) == ["abcd", "efgh", "ij"])
        #expect(DisplayWidth.wrap("漢字漢字漢", to: 5) == ["漢字", "漢字", "漢"])
        #expect(DisplayWidth.wrap("a\nb", to: 5) == ["a", "b"])
    }
}
