/// Optimal-string-alignment distance (Levenshtein plus adjacent swaps), bounded for speed.
public enum EditDistance {
    /// Whether `a` and `b` are at most one edit apart: a substitution, insertion, deletion or swap.
    public static func isWithinOne<C: Collection>(_ a: C, _ b: C) -> Bool where C.Element: Equatable {
        let a = Array(a)
        let b = Array(b)
        if a.count == b.count {
            var mismatches = [Int]()
            for index in a.indices where a[index] != b[index] {
                mismatches.append(index)
                if mismatches.count > 2 { return false }
            }
            switch mismatches.count {
            case 0, 1: return true
            default:
                let (first, second) = (mismatches[0], mismatches[1])
                return second == first + 1 && a[first] == b[second] && a[second] == b[first]
            }
        }
        let (short, long) = a.count < b.count ? (a, b) : (b, a)
        guard long.count - short.count == 1 else { return false }
        var skipped = false
        var shortIndex = 0
        for element in long {
            if shortIndex < short.count, short[shortIndex] == element {
                shortIndex += 1
            } else if skipped {
                return false
            } else {
                skipped = true
            }
        }
        return true
    }

    /// The one-deletion neighbourhood of a word, itself included: the SymSpell keys of distance 1.
    ///
    /// Two words are within one edit only if their neighbourhoods share a key, so an index of
    /// these keys finds typo candidates without scanning the vocabulary.
    public static func deletionKeys(of word: String) -> Set<String> {
        let characters = Array(word)
        var keys: Set<String> = [word]
        for index in characters.indices {
            var shorter = characters
            shorter.remove(at: index)
            keys.insert(String(shorter))
        }
        return keys
    }
}
