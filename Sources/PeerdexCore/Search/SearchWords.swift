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
        // Whole blocks of letters (and marks) need no look-up of the general category.
        for range in letterRanges where range.contains(value) { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark:
            return true
        default:
            return false
        }
    }

    /// Ranges whose every scalar is a letter or a mark (Cyrillic, Greek, Arabic, kana, CJK,
    /// Hangul): the scripts of most non-Latin names. `SearchWordsTests` checks each against the
    /// general category.
    static let letterRanges: [ClosedRange<UInt32>] = [
        0x0391...0x03A1, 0x03A3...0x03A9, 0x03B1...0x03C9, 0x0400...0x0481, 0x048A...0x04FF, 0x0620...0x065F,
        0x3041...0x3096, 0x30A1...0x30FA, 0x30FC...0x30FE, 0x3400...0x4DBF, 0x4E00...0x9FEF, 0xAC00...0xD7A3,
    ]

    /// Scalars that are each a whole character (no mark, joiner or jamo can extend them) in the
    /// unspaced scripts: kana without the combining voicing marks, CJK ideographs, Hangul syllables.
    static let singleScalarCharacters: [ClosedRange<UInt32>] = [
        0x3041...0x3096, 0x30A1...0x30FA, 0x30FC...0x30FE, 0x3400...0x4DBF, 0x4E00...0x9FEF, 0xAC00...0xD7A3,
    ]

    /// The two-character windows and the last character of a word with letters of unspaced
    /// scripts, so that a two-character query finds them anywhere; nothing for other words.
    static func bigrams(of word: Substring) -> [String] {
        // Scalars first: splitting into characters costs more, and most words need not.
        guard word.unicodeScalars.contains(where: isUnspacedScalar) else { return [] }
        // A word of single-scalar characters (most CJK and kana) needs no character splitting.
        let scalars = Array(word.unicodeScalars)
        if scalars.allSatisfy(isSingleScalarCharacter) {
            guard scalars.count > 1 else { return [] }
            var bigrams = (0..<(scalars.count - 1)).map { index in
                var pair = String.UnicodeScalarView()
                pair.append(scalars[index])
                pair.append(scalars[index + 1])
                return String(pair)
            }
            bigrams.append(String(scalars[scalars.count - 1]))
            return bigrams
        }
        return bigramsByCharacter(of: word)
    }

    /// `bigrams(of:)` by whole characters: the definition, and the path for words with marks.
    static func bigramsByCharacter(of word: Substring) -> [String] {
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

    /// Whether a scalar is a whole character of an unspaced script whatever follows it.
    private static func isSingleScalarCharacter(_ scalar: Unicode.Scalar) -> Bool {
        singleScalarCharacters.contains { $0.contains(scalar.value) }
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
