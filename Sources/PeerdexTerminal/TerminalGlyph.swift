/// What to send the terminal for one grapheme cluster so that it takes exactly the columns our
/// layout gave it.
///
/// Terminals measure text with libc's `wcwidth`, one code point at a time: a scalar of width 0
/// joins the cell before it, anything else takes new columns. Our layout measures whole clusters
/// (`DisplayWidth`). Where the two agree the cluster is sent as it is; where they cannot (a ZWJ
/// family, a flag, `❤️`, a skin tone), a substitute of the same width is sent instead, and none
/// of the cluster's other scalars: a lone U+200D after `👩` once moved a row's border by a column.
public enum TerminalGlyph {
    /// The most scalars one curses cell holds (`CCHARW_MAX`): a spacing character and four marks.
    static let maximumScalars = 5

    /// The pieces to put at successive columns: each piece is one spacing scalar, possibly with
    /// combining marks, and the pieces' libc widths add up to `width`.
    ///
    /// `wcwidth` is libc's width of one scalar (injected, so tests can pin it).
    public static func pieces(of grapheme: String, width: Int, wcwidth: (UInt32) -> Int) -> [[UInt32]] {
        let scalars = grapheme.unicodeScalars.map(\.value)
        guard width > 0, let base = scalars.first else { return [] }
        let baseWidth = wcwidth(base)
        if baseWidth == width {
            let marks = scalars.dropFirst()
            if marks.allSatisfy({ isCombiningMark($0) && wcwidth($0) == 0 }) {
                return [[base] + marks.prefix(maximumScalars - 1)]
            }
            return [[base]]  // a sequence the terminal would take apart: its first scalar alone
        }
        // The terminal would give the base another width than the layout does.
        let regional: ClosedRange<UInt32> = 0x1F1E6...0x1F1FF
        if width == 2, scalars.count == 2, scalars.allSatisfy(regional.contains) {
            return scalars.map { [$0 - regional.lowerBound + 0x41] }  // 🇯🇵 → "JP"
        }
        let first: UInt32 = (1...width).contains(baseWidth) ? base : 0xFFFD
        let firstWidth = first == base ? baseWidth : 1
        return [[first]] + Array(repeating: [0x20], count: width - firstWidth)
    }

    /// Whether a scalar is a combining mark a terminal attaches to the character before it, and
    /// nothing that asks for another presentation or joins characters (variation selectors,
    /// ZWJ, emoji modifiers and tags are excluded: terminals disagree about them).
    static func isCombiningMark(_ value: UInt32) -> Bool {
        switch value {
        case 0xFE00...0xFE0F, 0xE0100...0xE01EF, 0x200C, 0x200D, 0x1F3FB...0x1F3FF, 0xE0000...0xE007F: return false
        default: break
        }
        guard let scalar = Unicode.Scalar(value) else { return false }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .spacingMark: return true
        default: return false
        }
    }
}
