/// A QR code's module grid, as an encoder produced it, and its drawing in terminal text.
///
/// A value only: PeerdexQR makes one with libqrencode, and the TUI and the command line draw it
/// with `halfBlockLines`, so the TUI needs no C library to show a code.
public struct QRCode: Hashable, Sendable {
    /// The margin of light modules scanners expect around a code (ISO/IEC 18004 asks for 4).
    public static let standardQuietZone = 4

    /// Modules per side.
    public let width: Int
    /// Whether each module is dark, row by row from the top left; `width * width` of them.
    public let modules: [Bool]

    /// A grid from its modules, row by row; nil unless there are `width * width` of them.
    public init?(width: Int, modules: [Bool]) {
        guard width > 0, modules.count == width * width else { return nil }
        self.width = width
        self.modules = modules
    }

    /// Whether the module at `row`, `column` is dark; anything outside the grid is light, as
    /// the quiet zone around it is.
    public func isDark(row: Int, column: Int) -> Bool {
        guard (0..<width).contains(row), (0..<width).contains(column) else { return false }
        return modules[row * width + column]
    }

    /// The size of `halfBlockLines(quietZone:)`: one column per module and one line per two
    /// module rows, the quiet zone included.
    public func textSize(quietZone: Int = standardQuietZone) -> (columns: Int, lines: Int) {
        let side = width + 2 * max(0, quietZone)
        return (side, (side + 1) / 2)
    }

    /// The code as lines of `▀`, `▄`, `█` and spaces: each character is one module wide and two
    /// module rows high, which makes the modules about square in a terminal's tall cells.
    ///
    /// `inverted` (the default) draws the light modules, the quiet zone included, as blocks and
    /// leaves the dark ones empty. Most terminals draw light text on a dark background, so the
    /// blocks show light and the empty cells dark: the code comes out dark on light, as printed
    /// codes are and as every scanner reads them, and the quiet zone is the light margin it must
    /// be. Pass `false` for a terminal that draws dark text on a light background.
    public func halfBlockLines(quietZone: Int = standardQuietZone, inverted: Bool = true) -> [String] {
        let margin = max(0, quietZone)
        let side = width + 2 * margin
        func inked(_ row: Int, _ column: Int) -> Bool {
            // The half row below an odd-sized code is no module at all: never inked.
            guard row < side else { return false }
            return isDark(row: row - margin, column: column - margin) != inverted
        }
        return stride(from: 0, to: side, by: 2).map { top in
            String((0..<side).map { column -> Character in
                switch (inked(top, column), inked(top + 1, column)) {
                case (true, true): return "█"
                case (true, false): return "▀"
                case (false, true): return "▄"
                case (false, false): return " "
                }
            })
        }
    }
}
