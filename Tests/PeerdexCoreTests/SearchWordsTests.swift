import Testing

@testable import PeerdexCore

@Suite struct SearchWordsTests {
    @Test func letterRangesHoldOnlyLettersAndMarks() {
        let wordCategories: Set<Unicode.GeneralCategory> = [
            .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark,
        ]
        for range in SearchWords.letterRanges {
            for value in range {
                let scalar = Unicode.Scalar(value)!
                #expect(wordCategories.contains(scalar.properties.generalCategory), "U+\(String(value, radix: 16))")
            }
        }
    }

    @Test func singleScalarCharactersNeverJoinTheirNeighbours() {
        // Each scalar stays its own character next to itself and next to the others of the set.
        let neighbours: [Unicode.Scalar] = ["あ", "ア", "ー", "京", "가", "힣"]
        for range in SearchWords.singleScalarCharacters {
            for value in range {
                let scalar = Unicode.Scalar(value)!
                for neighbour in neighbours + [scalar] {
                    var pair = String.UnicodeScalarView()
                    pair.append(scalar)
                    pair.append(neighbour)
                    #expect(String(pair).count == 2, "U+\(String(value, radix: 16)) before U+\(String(neighbour.value, radix: 16))")
                }
            }
        }
    }

    @Test(arguments: ["東京タワー", "がくせい", "か\u{3099}き", "한국어", "ﾊﾟﾝ", "東京tower", "京", "ab", "", "タワー\u{200D}京"])
    func bigramsByScalarMatchTheDefinitionByCharacter(word: String) {
        #expect(SearchWords.bigrams(of: word[...]) == SearchWords.bigramsByCharacter(of: word[...]))
    }
}
