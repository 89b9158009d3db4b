/// One terminal cell: a grapheme cluster and its style.
///
/// A wide cluster (CJK, emoji) occupies its cell and the next one; the next one holds the empty
/// string, meaning "covered by the cell to my left", so the adapter skips it.
public struct Cell: Hashable, Sendable {
    /// The grapheme cluster shown, `" "` for blank, `""` for the trailing half of a wide cluster.
    public var grapheme: String
    /// How the cell is drawn.
    public var style: Style

    /// A cell from its parts.
    public init(grapheme: String = " ", style: Style = .plain) {
        self.grapheme = grapheme
        self.style = style
    }

    /// A blank cell in the default style.
    public static let blank = Cell()

    /// Whether the cell is the trailing half of a wide cluster.
    public var isContinuation: Bool { grapheme.isEmpty }
}
