import Foundation
import PeerdexTUI
import Testing

@testable import PeerdexTerminal

/// Every grapheme reaches the terminal in a form that takes exactly the columns the layout gave
/// it, as libc (and so the terminal) measures them; a substitute carries none of the cluster's
/// other scalars.
@Suite struct TerminalGlyphTests {
    init() { setlocale(LC_CTYPE, "C.UTF-8") }

    /// Clusters that terminals and layouts disagree about, and some they agree about.
    static let graphemes: [String] = [
        "👩\u{200D}👩\u{200D}👧", "👨\u{200D}👩\u{200D}👧\u{200D}👦", "👩\u{200D}❤\u{FE0F}\u{200D}👨", "🏳\u{FE0F}\u{200D}🌈",
        "🇯🇵", "🇫🇷", "❤\u{FE0F}", "☺\u{FE0E}", "1\u{FE0F}\u{20E3}", "👍🏽", "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
        "e\u{0301}", "Z\u{0351}\u{0352}\u{0353}\u{0354}\u{0355}\u{0356}", "東", "한", "\u{1100}\u{1161}\u{11A8}", "कि",
        "🌸", "a", "ب\u{064E}", "\u{05E9}\u{05C1}",
    ]

    static let forbidden: Set<UInt32> = [0x200D, 0xFE0F, 0xFE0E, 0x1F3FD, 0xE0067, 0xE007F]

    @Test(arguments: graphemes)
    func eachPieceTakesTheColumnsTheLayoutGave(grapheme: String) throws {
        let character = try #require(grapheme.first)
        let width = DisplayWidth.of(character)
        let pieces = TerminalGlyph.pieces(of: grapheme, width: width, wcwidth: Terminal.libcWidth)
        #expect(pieces.map { max(0, Terminal.libcWidth($0[0])) }.reduce(0, +) == width, "\(pieces)")
        for piece in pieces {
            #expect(piece.count <= TerminalGlyph.maximumScalars)
            for mark in piece.dropFirst() {
                #expect(Terminal.libcWidth(mark) == 0 && TerminalGlyph.isCombiningMark(mark), "U+\(String(mark, radix: 16))")
            }
        }
        #expect(pieces.joined().allSatisfy { !Self.forbidden.contains($0) }, "\(pieces)")
    }

    @Test func aFamilyIsDrawnAsItsFirstEmojiAlone() {
        let pieces = TerminalGlyph.pieces(of: "👩\u{200D}👩\u{200D}👧", width: 2, wcwidth: { $0 == 0x200D ? 0 : 2 })
        #expect(pieces == [[0x1F469]])
    }

    @Test func substitutesKeepTheWidth() {
        let narrow: (UInt32) -> Int = { $0 < 0x1100 || (0x1F1E6...0x1F1FF).contains($0) || $0 == 0x2764 ? 1 : 2 }
        #expect(TerminalGlyph.pieces(of: "🇯🇵", width: 2, wcwidth: narrow) == [[0x4A], [0x50]])
        #expect(TerminalGlyph.pieces(of: "❤\u{FE0F}", width: 2, wcwidth: narrow) == [[0x2764], [0x20]])
        #expect(TerminalGlyph.pieces(of: "東", width: 1, wcwidth: narrow) == [[0xFFFD]])
        #expect(TerminalGlyph.pieces(of: "\u{1FAE0}", width: 2, wcwidth: { _ in -1 }) == [[0xFFFD], [0x20]])
    }

    @Test func combiningMarksStayWithTheirLetterUpToWhatACellHolds() {
        let zalgo = "Z" + String(String.UnicodeScalarView((0x0351...0x0357).compactMap(Unicode.Scalar.init)))
        let pieces = TerminalGlyph.pieces(of: zalgo, width: 1, wcwidth: Terminal.libcWidth)
        #expect(pieces.count == 1 && pieces[0].count == TerminalGlyph.maximumScalars && pieces[0][0] == 0x5A)
    }
}
