import PeerdexTestSupport
import Testing

@testable import PeerdexCore

@Suite struct ScalarFoldsTests {
    /// Scalars, not `String ==`: Swift compares strings up to canonical equivalence, but the
    /// index stores exact scalars, so "か\u{3099}" and "が" must count as different here.
    func scalars(_ text: String) -> [UInt32] { text.unicodeScalars.map(\.value) }

    @Test func everyUnchangedScalarFoldsToItself() {
        for range in ScalarFolds.unchangedRanges {
            for value in range {
                let text = String(Unicode.Scalar(value)!)
                #expect(scalars(TextFolder.foldInFull(text)) == scalars(text), "U+\(String(value, radix: 16, uppercase: true))")
            }
        }
    }

    @Test func everyTabledScalarFoldsAsTheFullPathDoes() {
        for value in ScalarFolds.tabledRanges.joined() {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let expected = TextFolder.foldInFull(String(scalar))
            switch ScalarFolds.fold(of: scalar) {
            case .unchanged: #expect(scalars(expected) == [value], "U+\(String(value, radix: 16))")
            case .replaced(let folded): #expect(scalars(expected) == folded.map(\.value), "U+\(String(value, radix: 16))")
            case .needsContext: break
            }
        }
        // The table must actually cover the letters that names are made of.
        for letter in "éüøłßæœçñåžšıёйΆάΣς" {
            #expect(ScalarFolds.fold(of: letter.unicodeScalars.first!) != .needsContext, "\(letter)")
        }
    }

    @Test func bothPathsAgreeOnMixedText() {
        // Scalars that fold alone, next to ones that compose, reorder or vanish in context.
        let pool: [Unicode.Scalar] = [
            "a", "Z", " ", "\t", "é", "Ø", "ß", "İ", "Σ", "ς", "ά", "Ё", "й", "Ж", "ĳ", "ŉ", "ǅ", "\u{00A0}", "\u{00A8}",
            "\u{0301}", "\u{0308}", "\u{0327}", "\u{3099}", "\u{309A}", "か", "ハ", "ー", "東", "한", "가", "\u{1100}",
            "\u{1161}", "\u{11A8}", "ا", "\u{0653}", "ש", "\u{05BC}", "ｔ", "ﬁ", "①", "\u{2002}", "\u{3000}", "\u{200D}",
        ]
        var random = SeededRandom(defaultSeed: 4)
        for _ in 0..<5_000 {
            let length = Int.random(in: 1...8, using: &random)
            let text = String(String.UnicodeScalarView((0..<length).map { _ in pool.randomElement(using: &random)! }))
            #expect(scalars(TextFolder.fold(text)) == scalars(TextFolder.foldInFull(text)), "\(scalars(text)), \(random)")
        }
    }

    @Test func namesTakeTheFastPath() {
        for name in ["Zoë Müller", "Søren Kowalski", "Ἀθηνᾶ", "Ёлка Иванова", "東京タワー", "김민준", "محمد", "Straße", "Nguyễn"] {
            #expect(TextFolder.foldScalarByScalar(name) != nil, "\(name)")
        }
        #expect(TextFolder.foldScalarByScalar("Zoe\u{0308}") == nil)
    }
}
