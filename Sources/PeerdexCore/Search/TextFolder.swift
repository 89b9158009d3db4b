import Foundation

/// The one normalizer for search: both indexed text and queries pass through it.
///
/// Folding is compatibility decomposition (full-width forms, ligatures), lower-casing, removal of
/// Latin/Greek/Cyrillic diacritics, a table for letters that decomposition leaves alone (ø, ł,
/// ß, æ …), and canonical recomposition so that kana voicing and Hangul syllables stay whole.
/// SQLite's `remove_diacritics` is not enough (it keeps ø, ł, ß, æ), which is why folding lives
/// here and the index stores already-folded text.
public enum TextFolder {
    /// Letters that have no decomposition but that users type without their stroke or ligature.
    static let letterFolds: [Unicode.Scalar: String] = [
        "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th", "ħ": "h",
        "ı": "i", "ŀ": "l", "ŧ": "t", "ſ": "s", "ĸ": "k", "ƒ": "f", "ς": "σ", "ŉ": "n",
    ]

    /// Folds text for matching; white space runs become one space and the ends are trimmed.
    public static func fold(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return foldASCII(text) }
        return foldScalarByScalar(text) ?? foldInFull(text)
    }

    /// The general path: whole-string Unicode normalization around the per-scalar folding.
    static func foldInFull(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.decomposedStringWithCompatibilityMapping.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !output.isEmpty
                continue
            }
            if isFoldedMark(scalar) { continue }
            if pendingSpace {
                output.append(" ")
                pendingSpace = false
            }
            for lower in scalar.properties.lowercaseMapping.unicodeScalars {
                if let replacement = letterFolds[lower] {
                    output.append(contentsOf: replacement.unicodeScalars)
                } else {
                    output.append(lower)
                }
            }
        }
        return String(output).precomposedStringWithCanonicalMapping
    }

    /// The fast path for text made only of scalars that fold on their own (see `ScalarFolds`):
    /// the same result as `foldInFull` without normalizing whole strings; nil for other text.
    static func foldScalarByScalar(_ text: String) -> String? {
        // Names in scripts without case (CJK, kana, Arabic) are usually folded already; finding
        // that out is cheaper than building an equal copy.
        if isFoldedAlready(text) { return text }
        var output = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                if value == 0x20 || (0x09...0x0D).contains(value) {
                    pendingSpace = !output.isEmpty
                    continue
                }
                if pendingSpace {
                    output.append(" ")
                    pendingSpace = false
                }
                output.append(value >= 0x41 && value <= 0x5A ? Unicode.Scalar(UInt8(value + 0x20)) : scalar)
                continue
            }
            if pendingSpace {
                output.append(" ")
                pendingSpace = false
            }
            switch ScalarFolds.fold(of: scalar) {
            case .unchanged: output.append(scalar)
            case .replaced(let replacement): output.append(contentsOf: replacement)
            case .needsContext: return nil
            }
        }
        return String(output)
    }

    /// Whether folding would give `text` back unchanged: every scalar folds to itself, and white
    /// space is already single spaces between words.
    private static func isFoldedAlready(_ text: String) -> Bool {
        var previousIsSpace = true
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value == 0x20 {
                if previousIsSpace { return false }
                previousIsSpace = true
                continue
            }
            previousIsSpace = false
            if value < 0x80 {
                if (0x41...0x5A).contains(value) || (0x09...0x0D).contains(value) { return false }
            } else if case .unchanged = ScalarFolds.fold(of: scalar) {
                continue
            } else {
                return false
            }
        }
        return !previousIsSpace || text.isEmpty
    }

    /// The ASCII fast path: most names and nearly all queries take it.
    private static func foldASCII(_ text: String) -> String {
        if isFoldedAlready(text) { return text }
        var bytes = [UInt8]()
        bytes.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for byte in text.utf8 {
            switch byte {
            case 0x09...0x0D, 0x20:
                pendingSpace = !bytes.isEmpty
            default:
                if pendingSpace {
                    bytes.append(0x20)
                    pendingSpace = false
                }
                bytes.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Combining marks that count as diacritics: the blocks used by Latin, Greek and Cyrillic.
    ///
    /// Marks of other scripts (kana voicing, Indic vowel signs) change the letter, not its accent,
    /// so they are kept.
    static func isFoldedMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0300...0x036F, 0x0483...0x0489, 0x1AB0...0x1AFF, 0x1DC0...0x1DFF, 0x20D0...0x20FF, 0xFE20...0xFE2F:
            return true
        default:
            return false
        }
    }
}
