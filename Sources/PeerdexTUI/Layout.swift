/// Where each part of the screen goes at a given terminal size; shared by `render` and mouse handling.
///
/// ```
/// row 0        tab bar: panes with counts
/// rows 1…h-3   list box, and a detail box beside it from 100 columns (or details only, when open)
/// row h-2      status bar
/// row h-1      bottom line: search input, prompts, messages
/// ```
public struct Layout: Hashable, Sendable {
    /// Smallest width that lays out well.
    public static let minWidth = 60
    /// Smallest height that lays out well.
    public static let minHeight = 12
    /// From this width on, details show beside the list.
    public static let splitWidth = 100

    /// Terminal width.
    public let width: Int
    /// Terminal height.
    public let height: Int
    /// Whether the terminal is below the minimum size.
    public let tooSmall: Bool
    /// The tab bar.
    public let tabBar: Rect
    /// Everything between the tab bar and the status bar.
    public let main: Rect
    /// The list box, border included; nil when details fill the main area.
    public let list: Rect?
    /// The detail box, border included; nil when the list fills the main area.
    public let detail: Rect?
    /// The status bar.
    public let status: Rect
    /// The bottom line.
    public let bottom: Rect

    /// The layout of a terminal of the given size.
    public init(width: Int, height: Int, detailOpen: Bool) {
        self.width = width
        self.height = height
        tooSmall = width < Self.minWidth || height < Self.minHeight
        tabBar = Rect(x: 0, y: 0, width: width, height: 1)
        main = Rect(x: 0, y: 1, width: width, height: height - 3)
        status = Rect(x: 0, y: height - 2, width: width, height: 1)
        bottom = Rect(x: 0, y: height - 1, width: width, height: 1)
        if detailOpen {
            list = nil
            detail = main
        } else if width >= Self.splitWidth {
            let listWidth = width * 11 / 20
            list = Rect(x: 0, y: main.y, width: listWidth, height: main.height)
            detail = Rect(x: listWidth, y: main.y, width: width - listWidth, height: main.height)
        } else {
            list = main
            detail = nil
        }
    }

    /// The rows of contacts inside the list box (below its border and column header).
    public var listRows: Rect {
        guard let list else { return Rect(x: 0, y: main.y, width: 0, height: main.height - 3) }
        return Rect(x: list.x + 1, y: list.y + 2, width: list.width - 2, height: list.height - 3)
    }

    /// How many contacts one screen shows; what PgUp/PgDn move by.
    public var visibleRows: Int { max(1, listRows.height) }
}
