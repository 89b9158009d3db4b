import Testing

@testable import PeerdexTUI

/// Writing into the grid: wide clusters, clipping, control characters, boxes.
@Suite struct CellBufferTests {
    @Test func wideClustersTakeTwoCells() {
        var buffer = CellBuffer(width: 10, height: 1)
        let written = buffer.put("李a👨‍👩‍👧b", x: 0, y: 0, style: .plain)
        #expect(written == 6)
        #expect(buffer[0, 0].grapheme == "李" && buffer[1, 0].isContinuation)
        #expect(buffer[3, 0].grapheme == "👨‍👩‍👧" && buffer[4, 0].isContinuation)
        #expect(buffer.text() == "李a👨‍👩‍👧b")
    }

    @Test func aWideClusterThatDoesNotFitBecomesABlank() {
        var buffer = CellBuffer(width: 4, height: 1)
        buffer.put("ab漢", x: 0, y: 0, style: .plain, maxWidth: 3)
        #expect(buffer.text() == "ab")
        #expect(!buffer[3, 0].isContinuation)
        buffer.put("xyz漢", x: 1, y: 0, style: .plain)
        #expect(buffer.text() == "axyz")
    }

    @Test func overwritingHalfAWideClusterBlanksTheOtherHalf() {
        var buffer = CellBuffer(width: 4, height: 1)
        buffer.put("漢字", x: 0, y: 0, style: .plain)
        buffer.put("x", x: 1, y: 0, style: .plain)
        #expect(buffer.text() == " x字")
        buffer.put("y", x: 2, y: 0, style: .plain)
        #expect(buffer.text() == " xy")
        #expect(!buffer[3, 0].isContinuation)
    }

    @Test func controlCharactersNeverReachTheTerminal() {
        var buffer = CellBuffer(width: 12, height: 1)
        buffer.put("a\u{1B}[2Jb\u{202E}c\td", x: 0, y: 0, style: .plain)
        #expect(buffer.text() == "a\u{FFFD}[2Jbc d")
        #expect(!buffer.cells.contains { $0.grapheme.unicodeScalars.contains { $0.value == 0x1B } })
    }

    @Test func combiningMarksStayInTheirCluster() {
        var buffer = CellBuffer(width: 5, height: 1)
        buffer.put("e\u{301}\u{302}x", x: 0, y: 0, style: .plain)
        #expect(buffer[0, 0].grapheme == "e\u{301}\u{302}")
        #expect(buffer[1, 0].grapheme == "x")
    }

    @Test func boxesDrawBordersAndTitles() {
        var buffer = CellBuffer(width: 12, height: 3)
        buffer.box(buffer.bounds, style: .plain, title: "漢字 title")
        #expect(buffer.text() == "┌─ 漢字 … ─┐\n│          │\n└──────────┘")
    }

    @Test func stylesAreKeptPerCell() {
        var buffer = CellBuffer(width: 4, height: 1)
        let red = Style(fg: .red)
        buffer.put("ab", x: 1, y: 0, style: red)
        #expect(buffer[0, 0].style == .plain && buffer[1, 0].style == red && buffer[2, 0].style == red)
        buffer.restyle(Rect(x: 0, y: 0, width: 4, height: 1)) { $0.bold = true }
        #expect(buffer[3, 0].style.bold && buffer[1, 0].style.fg == .red)
    }

    @Test func negativeStartClipsOnTheLeft() {
        var buffer = CellBuffer(width: 3, height: 1)
        buffer.put("abcd", x: -2, y: 0, style: .plain)
        #expect(buffer.text() == "cd")
    }
}
