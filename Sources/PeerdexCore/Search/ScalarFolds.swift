/// How single scalars fold, for `TextFolder`'s fast path.
///
/// Folding a string normalizes it whole (compatibility decomposition, then canonical
/// recomposition), which costs microseconds per name. For most scalars the result does not
/// depend on their neighbours: a letter with no combining marks around it folds the same alone as
/// in any word. Those scalars fold by table; a string holding any other scalar (a combining mark,
/// a Hangul jamo, a non-ASCII space…) takes the full path. Tests check every scalar of every
/// range here against the full path, and random strings of them.
enum ScalarFolds {
    /// The fold of one scalar, as far as it can be known without its neighbours.
    enum Fold: Equatable {
        /// It folds to itself.
        case unchanged
        /// It folds to these scalars, whatever surrounds it.
        case replaced([Unicode.Scalar])
        /// Its fold depends on what surrounds it, or could change it: fold the whole string.
        case needsContext
    }

    /// Scripts whose letters fold to themselves: no case, no decomposition that survives
    /// recomposition. Checked scalar by scalar in the tests.
    static let unchangedRanges: [ClosedRange<UInt32>] = [
        0x05D0...0x05EA,  // Hebrew letters
        0x0621...0x063A, 0x0641...0x064A,  // Arabic letters
        0x3041...0x3096, 0x30A1...0x30FA, 0x30FC...0x30FC,  // kana, and the long-vowel mark
        0x3400...0x4DBF, 0x4E00...0x9FFF,  // CJK unified ideographs
        0xAC00...0xD7A3,  // Hangul syllables
    ]

    /// Latin, Greek and Cyrillic with their accents (Vietnamese and polytonic Greek included):
    /// folded by the full path once, on first use.
    static let tabledRanges: [ClosedRange<UInt32>] = [0x0080...0x04FF, 0x1E00...0x1FFF]

    /// The folds of `tabledRanges`, one table per range.
    static let tables: [[Fold]] = tabledRanges.map { range in
        range.map { value in Unicode.Scalar(value).map(foldAlone) ?? .needsContext }
    }

    /// The fold of `scalar` for the fast path.
    static func fold(of scalar: Unicode.Scalar) -> Fold {
        let value = scalar.value
        for (range, table) in zip(tabledRanges, tables) where range.contains(value) {
            return table[Int(value - range.lowerBound)]
        }
        for range in unchangedRanges where range.contains(value) { return .unchanged }
        return .needsContext
    }

    /// Folds a scalar with the full path and decides whether that result holds in any context:
    /// the scalar and every scalar of its fold must be a non-space starter (combining class 0,
    /// not a mark), so that nothing can reorder, drop or compose across its edges.
    static func foldAlone(_ scalar: Unicode.Scalar) -> Fold {
        guard isContextFree(scalar) else { return .needsContext }
        let folded = Array(TextFolder.foldInFull(String(scalar)).unicodeScalars)
        guard !folded.isEmpty, folded.allSatisfy(isContextFree) else { return .needsContext }
        return folded == [scalar] ? .unchanged : .replaced(folded)
    }

    /// A scalar that neither composes with nor reorders against its neighbours, and is no space.
    private static func isContextFree(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        guard properties.canonicalCombiningClass == .notReordered, !properties.isWhitespace else { return false }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .control, .format, .unassigned, .surrogate:
            return false
        default:
            return true
        }
    }
}
