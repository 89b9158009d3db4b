import PeerdexCore
import Testing

/// Half-block drawing of hand-made grids: which half of each cell is inked, and the quiet zone.
@Suite struct QRCodeTests {
    /// D L D / L D L / D D L (D dark, L light).
    let grid = QRCode(width: 3, modules: [true, false, true, false, true, false, true, true, false])!

    @Test func refusesAGridOfTheWrongSize() {
        #expect(QRCode(width: 3, modules: [true, false]) == nil)
        #expect(QRCode(width: 0, modules: []) == nil)
    }

    @Test func outsideTheGridIsLight() {
        #expect(grid.isDark(row: 0, column: 0))
        #expect(!grid.isDark(row: 0, column: 1))
        #expect(!grid.isDark(row: -1, column: 0))
        #expect(!grid.isDark(row: 0, column: 3))
    }

    @Test func darkModulesAsBlocksTwoRowsPerLine() {
        // Rows 0 and 1 share the first line; row 2 has no partner below, which is never inked.
        #expect(grid.halfBlockLines(quietZone: 0, inverted: false) == ["▀▄▀", "▀▀ "])
    }

    @Test func invertedDrawsTheLightModulesAndTheQuietZoneAsBlocks() {
        // A 1-module quiet zone: 5×5 modules, the margin light and so inked when inverted.
        #expect(grid.halfBlockLines(quietZone: 1, inverted: true) == ["█▀█▀█", "█▀ ██", "▀▀▀▀▀"])
    }

    @Test func standardQuietZoneIsFourLightModulesOnEverySide() {
        let lines = grid.halfBlockLines()
        #expect(lines.count == 6)  // (3 + 8) rows, two a line, rounded up
        #expect(lines.allSatisfy { $0.count == 11 })
        #expect(lines[0] == String(repeating: "█", count: 11))
        #expect(lines[1] == String(repeating: "█", count: 11))
        // The code starts on the third line, four columns in: rows 0 and 1 (D L D over L D L),
        // where a light module is an inked half.
        #expect(lines[2] == "████▄▀▄████")
        #expect(lines[5] == String(repeating: "▀", count: 11))
        #expect(grid.textSize() == (columns: 11, lines: 6))
    }

    @Test func everyModuleSurvivesTheDrawing() {
        // A 7×7 grid of a known pattern drawn and read back, half by half, equals itself.
        let width = 7
        let modules = (0..<(width * width)).map { ($0 * 5 + $0 / 3) % 3 == 0 }
        let code = QRCode(width: width, modules: modules)!
        let lines = code.halfBlockLines(quietZone: 2, inverted: false).map(Array.init)
        for row in 0..<width {
            for column in 0..<width {
                let character = lines[(row + 2) / 2][column + 2]
                let upperHalf = (row + 2) % 2 == 0
                let inked = upperHalf ? "█▀".contains(character) : "█▄".contains(character)
                #expect(inked == code.isDark(row: row, column: column), "row \(row) column \(column)")
            }
        }
    }
}
