/// One of the eight ANSI colors (plus bright variants), or the terminal's own default.
public enum Color: String, CaseIterable, Hashable, Sendable {
    /// The terminal's default foreground or background.
    case `default`
    /// ANSI black.
    case black
    /// ANSI red.
    case red
    /// ANSI green.
    case green
    /// ANSI yellow.
    case yellow
    /// ANSI blue.
    case blue
    /// ANSI magenta.
    case magenta
    /// ANSI cyan.
    case cyan
    /// ANSI white (light grey on most terminals).
    case white
    /// Bright black: the usual dark grey.
    case brightBlack
}

/// How a cell is drawn: colors and attributes, nothing else.
public struct Style: Hashable, Sendable {
    /// Foreground color.
    public var fg: Color
    /// Background color.
    public var bg: Color
    /// Bold (bright) text.
    public var bold: Bool
    /// Swapped foreground and background: how monochrome terminals show a selection.
    public var reverse: Bool
    /// Underlined text.
    public var underline: Bool
    /// Dimmed text, for secondary information.
    public var dim: Bool

    /// A style from its parts; everything off by default.
    public init(
        fg: Color = .default,
        bg: Color = .default,
        bold: Bool = false,
        reverse: Bool = false,
        underline: Bool = false,
        dim: Bool = false
    ) {
        self.fg = fg
        self.bg = bg
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
        self.dim = dim
    }

    /// The terminal's default look.
    public static let plain = Style()

    /// This style with bold added.
    public var bolded: Style {
        var copy = self
        copy.bold = true
        return copy
    }

    /// This style with the foreground replaced.
    public func with(fg: Color) -> Style {
        var copy = self
        copy.fg = fg
        return copy
    }
}
