import Foundation
import PeerdexTestSupport
import Testing

@testable import PeerdexCore

@Suite struct SearchRankerTests {
    func names(_ results: [RankedContact]) -> [String] { results.map(\.contact.displayName) }

    @Test func ranksExactThenPrefixThenSubstringThenTypo() {
        let contacts = [
            Fixtures.contact(1, name: "Joanna Berg"),  // substring of "anna"
            Fixtures.contact(2, name: "Annabel Lee"),  // prefix
            Fixtures.contact(3, name: "Anna Schmidt"),  // exact word
            Fixtures.contact(4, name: "Hanna Ek"),  // substring
        ]
        let results = SearchRanker.search(contacts, for: SearchQuery("anna"), limit: 10)
        #expect(names(results) == ["Anna Schmidt", "Annabel Lee", "Hanna Ek", "Joanna Berg"])
        #expect(results.map(\.tier) == [.exact, .prefix, .substring, .substring])
    }

    @Test func favoritesThenRecencyBreakTies() {
        let old = Fixtures.now.addingTimeInterval(-3600)
        let contacts = [
            Fixtures.contact(1, name: "Anna A"),
            Fixtures.contact(2, name: "Anna B", lastInteraction: old),
            Fixtures.contact(3, name: "Anna C", lastInteraction: Fixtures.now),
            Fixtures.contact(4, name: "Anna D", favorite: true),
        ]
        #expect(names(SearchRanker.search(contacts, for: SearchQuery("anna"), limit: 10)) == ["Anna D", "Anna C", "Anna B", "Anna A"])
    }

    @Test func foldsDiacriticsBothWays() {
        let contacts = [Fixtures.contact(1, name: "Zoë Müller"), Fixtures.contact(2, name: "Zoe Muller")]
        #expect(SearchRanker.search(contacts, for: SearchQuery("zoe"), limit: 10).count == 2)
        #expect(SearchRanker.search(contacts, for: SearchQuery("MÜLLER"), limit: 10).count == 2)
    }

    @Test func findsCJKInsideWords() {
        let contacts = [Fixtures.contact(1, name: "東京タワー"), Fixtures.contact(2, name: "京都")]
        #expect(names(SearchRanker.search(contacts, for: SearchQuery("東京"), limit: 10)) == ["東京タワー"])
        #expect(names(SearchRanker.search(contacts, for: SearchQuery("タワ"), limit: 10)) == ["東京タワー"])
        #expect(SearchRanker.search(contacts, for: SearchQuery("京"), limit: 10).count == 2)
    }

    @Test func toleratesOneTypoInLongWordsOnly() {
        let contacts = [Fixtures.contact(1, name: "Jonathan Swift"), Fixtures.contact(2, name: "Mark Twain")]
        for typo in ["jonathn", "jonahtan", "jonathaan", "jomathan"] {
            let results = SearchRanker.search(contacts, for: SearchQuery(typo), limit: 10)
            #expect(names(results) == ["Jonathan Swift"], "\(typo)")
            #expect(results.first?.tier == .fuzzy)
        }
        #expect(SearchRanker.search(contacts, for: SearchQuery("jonxthxn"), limit: 10).isEmpty)
        #expect(SearchRanker.search(contacts, for: SearchQuery("twian"), limit: 10).map(\.tier) == [.fuzzy])
        #expect(SearchRanker.search(contacts, for: SearchQuery("mrak"), limit: 10).isEmpty)  // 4 letters: no typos
    }

    @Test func shortLatinTermsMatchWordPrefixesOnly() {
        let contacts = [Fixtures.contact(1, name: "Maria Lopez"), Fixtures.contact(2, name: "Omar Said")]
        #expect(names(SearchRanker.search(contacts, for: SearchQuery("ma"), limit: 10)) == ["Maria Lopez"])
    }

    @Test func everyTermMustMatchSomewhere() {
        let contacts = [
            Fixtures.contact(1, name: "Anna", interests: ["climbing", "jazz"]),
            Fixtures.contact(2, name: "Anna", note: "met at the jazz bar"),
            Fixtures.contact(3, name: "Anna"),
        ]
        let results = SearchRanker.search(contacts, for: SearchQuery("anna jazz"), limit: 10)
        #expect(Set(results.map(\.contact.peerID)) == [Fixtures.peerID(1), Fixtures.peerID(2)])
    }

    @Test func blockedContactsNeverMatch() {
        let contacts = [Fixtures.contact(1, name: "Anna", blocked: true)]
        #expect(SearchRanker.search(contacts, for: SearchQuery("anna"), limit: 10).isEmpty)
    }

    @Test func editDistanceOfOne() {
        #expect(EditDistance.isWithinOne(Array("jonathan"), Array("jonathn")))
        #expect(EditDistance.isWithinOne(Array("jonathan"), Array("jonahtan")))
        #expect(!EditDistance.isWithinOne(Array("jonathan"), Array("jnoahtan")))
        #expect(!EditDistance.isWithinOne(Array("abc"), Array("abcde")))
        #expect(EditDistance.deletionKeys(of: "abc") == ["abc", "bc", "ac", "ab"])
    }
}
