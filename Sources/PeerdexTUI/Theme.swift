/// The look of every part of the screen; `render` takes styles only from here.
///
/// A monochrome variant uses attributes alone (bold, reverse, underline, dim), for terminals
/// without color and for users who set `NO_COLOR`. The pure module reads no environment: the
/// app passes `noColor` to `Theme.resolve`.
public struct Theme: Hashable, Sendable {
    /// Name used in the config file (`theme = "…"`).
    public var name: String
    /// Default text.
    public var text: Style
    /// Secondary text: hints, headers, peer IDs, times.
    public var secondary: Style
    /// Borders of unfocused boxes.
    public var border: Style
    /// Borders and titles of the focused box.
    public var focusedBorder: Style
    /// The current tab.
    public var activeTab: Style
    /// Other tabs.
    public var tab: Style
    /// The selected row.
    public var selection: Style
    /// Favorite star.
    public var favorite: Style
    /// Blocked mark and blocked-contact warnings.
    public var blocked: Style
    /// Field labels in the detail view.
    public var label: Style
    /// The status bar.
    public var status: Style
    /// Key names in help and hints.
    public var key: Style
    /// Error messages.
    public var error: Style
    /// Success messages.
    public var success: Style
    /// The scroll bar thumb.
    public var scrollThumb: Style

    /// The default color theme, readable on dark and light backgrounds.
    public static let standard = Theme(
        name: "default",
        text: .plain,
        secondary: Style(dim: true),
        border: Style(fg: .brightBlack),
        focusedBorder: Style(fg: .cyan),
        activeTab: Style(fg: .black, bg: .cyan, bold: true),
        tab: Style(fg: .default),
        selection: Style(fg: .black, bg: .cyan),
        favorite: Style(fg: .yellow, bold: true),
        blocked: Style(fg: .red, bold: true),
        label: Style(fg: .cyan),
        status: Style(fg: .black, bg: .white),
        key: Style(fg: .yellow, bold: true),
        error: Style(fg: .red, bold: true),
        success: Style(fg: .green),
        scrollThumb: Style(fg: .cyan)
    )

    /// A theme with green accents, for those who like the classic terminal look.
    public static let forest = Theme(
        name: "forest",
        text: .plain,
        secondary: Style(dim: true),
        border: Style(fg: .green, dim: true),
        focusedBorder: Style(fg: .green, bold: true),
        activeTab: Style(fg: .black, bg: .green, bold: true),
        tab: Style(fg: .green),
        selection: Style(fg: .black, bg: .green),
        favorite: Style(fg: .yellow, bold: true),
        blocked: Style(fg: .red, bold: true),
        label: Style(fg: .green),
        status: Style(fg: .black, bg: .green),
        key: Style(fg: .yellow, bold: true),
        error: Style(fg: .red, bold: true),
        success: Style(fg: .green, bold: true),
        scrollThumb: Style(fg: .green, bold: true)
    )

    /// Attributes only: no color at all.
    public static let monochrome = Theme(
        name: "monochrome",
        text: .plain,
        secondary: Style(dim: true),
        border: .plain,
        focusedBorder: Style(bold: true),
        activeTab: Style(reverse: true, bold: true),
        tab: .plain,
        selection: Style(reverse: true),
        favorite: Style(bold: true),
        blocked: Style(bold: true),
        label: Style(bold: true),
        status: Style(reverse: true),
        key: Style(bold: true),
        error: Style(bold: true, underline: true),
        success: Style(bold: true),
        scrollThumb: Style(bold: true)
    )

    /// Every built-in theme.
    public static let all: [Theme] = [.standard, .forest, .monochrome]

    /// The theme to use: monochrome when `noColor` (NO_COLOR set, or no color support),
    /// else the named theme, else the default. Returns an error message for an unknown name.
    public static func resolve(name: String?, noColor: Bool) -> (theme: Theme, warning: String?) {
        if noColor { return (.monochrome, nil) }
        guard let name, !name.isEmpty else { return (.standard, nil) }
        if let theme = all.first(where: { $0.name == name }) { return (theme, nil) }
        let known = all.map(\.name).joined(separator: ", ")
        return (.standard, "unknown theme '\(name)' (known: \(known)); using the default")
    }
}

extension Style {
    /// The style with `bold` explicitly set, without changing anything else.
    init(fg: Color = .default, bg: Color = .default, reverse: Bool, bold: Bool) {
        self.init(fg: fg, bg: bg, bold: bold, reverse: reverse)
    }
}
