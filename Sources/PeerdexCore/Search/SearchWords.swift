/// Splits folded text into the words that search matches whole or by prefix.
///
/// A word is a run of letters, digits and marks. Scripts written without spaces (Han, kana,
/// Hangul) also yield every two-character window and their last character, so that a
/// two-character query such as `東京` finds `京` pairs anywhere inside `東京タワー`.
public enum SearchWords {
    /// The words of already-folded text, in order, with repeats.
    ///
    /// Works on scalars, with an ASCII fast path: this runs for every search candidate.
    public static func words(in folded: String) -> [Substring] {
        var words = [Substring]()
        var start: String.Index?
        let scalars = folded.unicodeScalars
        var index = scalars.startIndex
        while index != scalars.endIndex {
            let isWord = isWordScalar(scalars[index])
            if isWord, start == nil {
                start = index
            } else if !isWord, let wordStart = start {
                words.append(folded[wordStart..<index])
                start = nil
            }
            scalars.formIndex(after: &index)
        }
        if let wordStart = start { words.append(folded[wordStart...]) }
        return words
    }

    /// Whether a scalar belongs to a word (letter, number or mark).
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 {
            return (value >= 0x30 && value <= 0x39) || (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A)
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark:
            return true
        default:
            return false
        }
    }

    /// The two-character windows and the last character of a word with letters of unspaced
    /// scripts, so that a two-character query finds them anywhere; nothing for other words.
    static func bigrams(of word: Substring) -> [String] {
        // Scalars first: splitting into characters costs more, and most words need not.
        guard word.unicodeScalars.contains(where: isUnspacedScalar) else { return [] }
        let characters = Array(word)
        guard characters.count > 1, characters.contains(where: isUnspacedScript) else { return [] }
        var bigrams = (0..<(characters.count - 1)).map { String(characters[$0...$0 + 1]) }
        bigrams.append(String(characters[characters.count - 1]))
        return bigrams
    }

    /// Whether a character belongs to a word (letter, number or mark).
    public static func isWordCharacter(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first else { return false }
        return isWordScalar(scalar)
    }

    /// Whether a character is from a script written without spaces between words.
    public static func isUnspacedScript(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first else { return false }
        return isUnspacedScalar(scalar)
    }

    /// Whether a scalar is from a script written without spaces between words.
    static func isUnspacedScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x31F0...0x31FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF,
            0xAC00...0xD7AF, 0x1100...0x11FF, 0x3130...0x318F, 0x20000...0x3134F, 0xFF66...0xFF9F:
            return true
        default:
            return false
        }
    }
}
