/// Terminal column widths measured per grapheme cluster (`Character`), never per byte or scalar.
///
/// Pure Swift on purpose: libc's `wcwidth` measures single code points, so it gets ZWJ sequences,
/// flags and VS16 emoji wrong, and it depends on the process locale. The rules:
/// - 2 for East Asian Wide/Fullwidth and for emoji presentation (ZWJ sequences, flags, `❤️`);
/// - 0 for a cluster made only of combining marks, joiners, format or control characters;
/// - 1 otherwise (Latin, Cyrillic, Hebrew, Arabic with its marks, ambiguous-width symbols).
public enum DisplayWidth {
    /// The ellipsis that marks truncated text; one column wide.
    public static let ellipsis: Character = "…"

    /// Columns taken by one grapheme cluster: 0, 1 or 2.
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if first.value < 0x7F {
            // ASCII fast path; a keycap sequence ("1️⃣") starts with ASCII but is an emoji.
            if first.value < 0x20 { return 0 }
            return scalars.count > 1 && scalars.contains(where: { $0.value == 0xFE0F }) ? 2 : 1
        }
        if isZeroWidth(first) {
            // A cluster that starts with a mark or joiner only happens at the start of a string.
            return scalars.contains(where: { !isZeroWidth($0) }) ? 1 : 0
        }
        if scalars.count > 1 {
            for scalar in scalars.dropFirst() {
                switch scalar.value {
                case 0xFE0F: return 2  // VS16: emoji presentation requested
                case 0xFE0E: return 1  // VS15: text presentation requested
                case 0x200D: if first.properties.isEmoji { return 2 }  // ZWJ emoji sequence
                case 0x1F3FB...0x1F3FF: if first.properties.isEmoji { return 2 }  // skin tone modifier
                default: break
                }
            }
        }
        if first.properties.isEmojiPresentation { return 2 }  // includes regional-indicator flags
        return isWide(first.value) ? 2 : 1
    }

    /// Columns taken by a whole string.
    public static func of<S: StringProtocol>(_ text: S) -> Int {
        var total = 0
        for character in text { total += of(character) }
        return total
    }

    /// Whether a scalar takes no column on its own: marks, joiners, format and control characters.
    public static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control: return true
        case .spacingMark: return scalar.value >= 0x0900  // Indic vowel signs combine visually
        default: return scalar.value >= 0x1160 && scalar.value <= 0x11FF  // Hangul medial/final jamo
        }
    }

    /// The prefix of `text` that fits in `width` columns, ending in `…` when something was cut.
    ///
    /// Cuts only between grapheme clusters, so a wide character or an emoji sequence is either
    /// whole or gone; the result may be one column narrower than `width` when a wide cluster
    /// would straddle the edge.
    public static func truncate<S: StringProtocol>(_ text: S, to width: Int) -> String {
        guard width > 0 else { return "" }
        let full = of(text)
        if full <= width { return String(text) }
        var result = ""
        var used = 0
        for character in text {
            let columns = of(character)
            if used + columns > width - 1 { break }
            result.append(character)
            used += columns
        }
        result.append(ellipsis)
        return result
    }

    /// `text` truncated to `width` columns, then padded with spaces to exactly `width` columns.
    public static func pad<S: StringProtocol>(_ text: S, to width: Int) -> String {
        let cut = truncate(text, to: width)
        let missing = width - of(cut)
        return missing > 0 ? cut + String(repeating: " ", count: missing) : cut
    }

    /// Splits text into lines of at most `width` columns, at spaces when possible.
    ///
    /// A word longer than a line (a peer ID, a URL) is broken between clusters.
    public static func wrap(_ text: String, to width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                var word = Substring(word)
                var wordWidth = of(word)
                let gap = line.isEmpty ? 0 : 1
                if lineWidth + gap + wordWidth <= width {
                    line += (gap == 1 ? " " : "") + word
                    lineWidth += gap + wordWidth
                    continue
                }
                if !line.isEmpty { lines.append(line) }
                line = ""
                lineWidth = 0
                while wordWidth > width {
                    var piece = ""
                    var pieceWidth = 0
                    var index = word.startIndex
                    while index < word.endIndex, pieceWidth + of(word[index]) <= width {
                        piece.append(word[index])
                        pieceWidth += of(word[index])
                        index = word.index(after: index)
                    }
                    if index == word.startIndex { index = word.index(after: index) }  // width 1, wide char
                    lines.append(piece)
                    word = word[index...]
                    wordWidth = of(word)
                }
                line = String(word)
                lineWidth = wordWidth
            }
            lines.append(line)
        }
        return lines
    }

    // MARK: - East Asian Wide and Fullwidth

    /// Ranges of East Asian Wide (W) and Fullwidth (F) code points (Unicode 15 EastAsianWidth.txt,
    /// merged; emoji are handled through `isEmojiPresentation` instead).
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
        0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF,
        0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4,
        0x17000...0x18CFF, 0x1AFF0...0x1B2FF, 0x1F200...0x1F2FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    /// Whether a code point is East Asian Wide or Fullwidth (binary search over `wideRanges`).
    static func isWide(_ value: UInt32) -> Bool {
        if value < 0x1100 { return false }
        var low = 0
        var high = wideRanges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            let range = wideRanges[mid]
            if value < range.lowerBound {
                high = mid - 1
            } else if value > range.upperBound {
                low = mid + 1
            } else {
                return true
            }
        }
        return false
    }
}
