/// A width × height grid of cells: what `render` produces and the terminal adapter draws.
///
/// Writing goes through `put`, which measures every grapheme cluster with `DisplayWidth`, keeps
/// wide clusters whole (a wide cluster that does not fit at a right edge becomes a blank), and
/// never lets control characters through: a name received from the network must not be able
/// to send escape sequences to the terminal.
public struct CellBuffer: Hashable, Sendable {
    /// Width in columns.
    public let width: Int
    /// Height in rows.
    public let height: Int
    /// Cells row by row.
    public private(set) var cells: [Cell]

    /// A blank buffer.
    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: fill, count: self.width * self.height)
    }

    /// The whole buffer as a rectangle.
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The cell at a column and row.
    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    // MARK: - Writing

    /// Writes text from (`x`, `y`) on one row, clipped to `maxWidth` columns and the buffer edge.
    ///
    /// Returns the number of columns written. Use `DisplayWidth.truncate` first for an ellipsis.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style, maxWidth: Int = .max) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = maxWidth >= width ? width : min(width, x + maxWidth)
        var column = x
        for character in text {
            guard column < limit else { break }
            var grapheme = String(character)
            var columns = DisplayWidth.of(character)
            if columns == 0 {
                guard let first = character.unicodeScalars.first, first.properties.generalCategory == .control
                else { continue }  // marks, joiners, bidi overrides: dropped, they cannot take a cell
                grapheme = first == "\t" ? " " : "\u{FFFD}"
                columns = 1
            }
            if column < 0 {
                column += columns
                continue
            }
            if column + columns > limit {
                setCell(Cell(grapheme: " ", style: style), at: column, y: y)
                column += 1
                break
            }
            setCell(Cell(grapheme: grapheme, style: style), at: column, y: y)
            if columns == 2 { setCell(Cell(grapheme: "", style: style), at: column + 1, y: y) }
            column += columns
        }
        return max(0, column - x)
    }

    /// Fills a rectangle with one grapheme (a blank by default) in a style.
    public mutating func fill(_ rect: Rect, style: Style, with grapheme: String = " ") {
        let clipped = rect.clipped(to: bounds)
        guard clipped.width > 0 else { return }
        for row in clipped.y..<(clipped.y + clipped.height) {
            for column in clipped.x..<(clipped.x + clipped.width) {
                setCell(Cell(grapheme: grapheme, style: style), at: column, y: row)
            }
        }
    }

    /// Changes the style of every cell of a rectangle, keeping the text.
    public mutating func restyle(_ rect: Rect, _ change: (inout Style) -> Void) {
        let clipped = rect.clipped(to: bounds)
        guard clipped.width > 0 else { return }
        for row in clipped.y..<(clipped.y + clipped.height) {
            for column in clipped.x..<(clipped.x + clipped.width) { change(&cells[row * width + column].style) }
        }
    }

    /// Draws a single-line box border, with an optional title on the top edge.
    public mutating func box(_ rect: Rect, style: Style, title: String = "", titleStyle: Style? = nil) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let right = rect.x + rect.width - 1
        let bottom = rect.y + rect.height - 1
        fill(Rect(x: rect.x + 1, y: rect.y, width: rect.width - 2, height: 1), style: style, with: "─")
        fill(Rect(x: rect.x + 1, y: bottom, width: rect.width - 2, height: 1), style: style, with: "─")
        fill(Rect(x: rect.x, y: rect.y + 1, width: 1, height: rect.height - 2), style: style, with: "│")
        fill(Rect(x: right, y: rect.y + 1, width: 1, height: rect.height - 2), style: style, with: "│")
        put("┌", x: rect.x, y: rect.y, style: style)
        put("┐", x: right, y: rect.y, style: style)
        put("└", x: rect.x, y: bottom, style: style)
        put("┘", x: right, y: bottom, style: style)
        if !title.isEmpty, rect.width > 6 {
            let shown = " " + DisplayWidth.truncate(title, to: rect.width - 6) + " "
            put(shown, x: rect.x + 2, y: rect.y, style: titleStyle ?? style)
        }
    }

    /// Stores a cell, first blanking any wide cluster it would cut in half.
    private mutating func setCell(_ cell: Cell, at x: Int, y: Int) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        let index = y * width + x
        let old = cells[index]
        if old.isContinuation, !cell.isContinuation, x > 0 { cells[index - 1].grapheme = " " }
        if !old.isContinuation, x + 1 < width, cells[index + 1].isContinuation { cells[index + 1].grapheme = " " }
        cells[index] = cell
    }

    // MARK: - Reading

    /// The rows as text, continuation cells skipped, trailing blanks trimmed: snapshot material.
    public func text() -> String {
        var lines: [String] = []
        lines.reserveCapacity(height)
        for row in 0..<height { lines.append(line(row)) }
        return lines.joined(separator: "\n")
    }

    /// One row as text, trailing blanks trimmed.
    public func line(_ row: Int) -> String {
        var text = ""
        for column in 0..<width { text += self[column, row].grapheme }
        while text.last == " " { text.removeLast() }
        return text
    }
}

extension Rect {
    /// The part of this rectangle inside `other`.
    func clipped(to other: Rect) -> Rect {
        let left = max(x, other.x)
        let top = max(y, other.y)
        let right = min(x + width, other.x + other.width)
        let bottom = min(y + height, other.y + other.height)
        return Rect(x: left, y: top, width: right - left, height: bottom - top)
    }
}
