import PeerdexCore

/// One benchmark query and the kind of search it exercises.
struct BenchQuery {
    /// What a query tests; each kind gets its own p99 so a regression points at one path.
    enum Kind: String, CaseIterable {
        /// The first 2–4 letters of a name word, as typed while searching incrementally.
        case prefix
        /// 3–5 characters from inside a name word (trigram path).
        case substring
        /// The ASCII spelling of an accented name word ("muller" for Müller).
        case folded
        /// Two consecutive characters of a Chinese or Japanese name (bigram path).
        case cjk
        /// A name word of five or more letters with one edit (typo path).
        case typo
        /// Two words: a whole name word and the start of another.
        case multiword
    }

    /// The kind.
    let kind: Kind
    /// The text as a user would type it.
    let text: String
}

/// A deterministic mix of queries drawn from the generated contacts' names.
///
/// Queries come from real names of the book, so nearly all of them have hits, as a user's do.
enum QueryMix {
    /// How many queries of each kind a mix of 1,000 has.
    static let shares: [(BenchQuery.Kind, Int)] = [
        (.prefix, 260), (.substring, 200), (.folded, 160), (.cjk, 160), (.typo, 160), (.multiword, 60),
    ]

    /// `count` queries (in the proportions of `shares`), shuffled, from `contacts`.
    static func queries(count: Int, from contacts: [Contact], seed: UInt64) -> [BenchQuery] {
        var random = SplitMix64(seed: seed)
        let pools = Pools(contacts)
        var queries = [BenchQuery]()
        for (kind, share) in shares {
            for _ in 0..<(count * share / 1000) {
                queries.append(BenchQuery(kind: kind, text: pools.query(kind, random: &random)))
            }
        }
        while queries.count < count {
            queries.append(BenchQuery(kind: .prefix, text: pools.query(.prefix, random: &random)))
        }
        // Fisher–Yates with our generator, so that kinds interleave as in real use.
        for index in stride(from: queries.count - 1, to: 0, by: -1) {
            queries.swapAt(index, random.below(index + 1))
        }
        return queries
    }

    /// The name words of the book, sorted into what each kind of query needs.
    private struct Pools {
        /// Words of names in spaced scripts (Latin, Cyrillic, Greek, Arabic).
        var words: [[Character]] = []
        /// Spaced-script words of five or more characters.
        var longWords: [[Character]] = []
        /// Latin words whose folded form differs (they carry diacritics or ø, ł, ß).
        var accented: [String] = []
        /// Names containing CJK characters, as arrays of their CJK runs.
        var cjkRuns: [[Character]] = []
        /// Names of two or more words.
        var multiword: [[String]] = []

        init(_ contacts: [Contact]) {
            for contact in contacts.prefix(20_000) {
                let parts = contact.name.split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "・" }).map(String.init)
                if parts.count >= 2 { multiword.append(parts) }
                for part in parts {
                    let characters = Array(part)
                    if characters.contains(where: SearchWords.isUnspacedScript) {
                        let run = characters.filter(SearchWords.isUnspacedScript)
                        if run.count >= 2 { cjkRuns.append(run) }
                        continue
                    }
                    words.append(characters)
                    if characters.count >= 5 { longWords.append(characters) }
                    let folded = TextFolder.fold(part)
                    if folded != part.lowercased(), folded.allSatisfy(\.isASCII) { accented.append(folded) }
                }
            }
        }

        func query(_ kind: BenchQuery.Kind, random: inout SplitMix64) -> String {
            switch kind {
            case .prefix:
                let word = random.pick(words)
                let text = String(word.prefix(random.between(2...4)))
                return random.chance(0.5) ? text.lowercased() : text
            case .substring:
                let word = random.pick(longWords)
                let length = min(random.between(3...5), word.count - 1)
                let start = random.between(1...(word.count - length))
                return String(word[start..<(start + length)]).lowercased()
            case .folded:
                return random.pick(accented)
            case .cjk:
                let run = random.pick(cjkRuns)
                let start = random.below(run.count - 1)
                return String(run[start...(start + 1)])
            case .typo:
                return Self.typo(in: Array(TextFolder.fold(String(random.pick(longWords)))), random: &random)
            case .multiword:
                let parts = random.pick(multiword)
                return parts[0] + " " + String(parts[1].prefix(random.between(2...parts[1].count)))
            }
        }

        /// One substitution, deletion, insertion or transposition, never at the first letter; five letters or more.
        static func typo(in word: [Character], random: inout SplitMix64) -> String {
            var letters = word
            let position = random.between(1...(letters.count - 2))
            let replacement = random.pick(word.filter { $0 != letters[position] } + ["a"])
            var edit = random.below(4)
            if edit == 1, letters.count < 6 { edit = 0 }  // a deletion must leave five letters, or no typo search runs
            switch edit {
            case 0: letters[position] = replacement
            case 1: letters.remove(at: position)
            case 2: letters.insert(replacement, at: position)
            default: letters.swapAt(position, position + 1)
            }
            if letters == word { letters[position] = replacement }  // swapped two equal letters
            return String(letters)
        }
    }
}
