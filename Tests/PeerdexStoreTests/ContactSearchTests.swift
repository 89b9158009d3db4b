import Foundation
import PeerdexCore
import PeerdexTestSupport
import Testing

@testable import PeerdexStore

@Suite struct ContactSearchTests {
    let database = try! ContactDatabase.inMemory()
    let contacts = [
        Fixtures.contact(1, name: "Zoë Martin", interests: ["climbing"]),
        Fixtures.contact(2, name: "Jürgen Müller", note: "met in München"),
        Fixtures.contact(3, name: "東京タワー", alias: "Tower"),
        Fixtures.contact(4, name: "Jonathan Swift", interests: ["satire", "travel"]),
        Fixtures.contact(5, name: "Øystein Ødegård", location: "Bergen"),
        Fixtures.contact(6, name: "Joanna Anna", favorite: true),
        Fixtures.contact(7, name: "Anna Karenina", lastInteraction: Fixtures.now),
        Fixtures.contact(8, name: "Hanna Łukasiewicz"),
        Fixtures.contact(9, name: "Αθηνά Παππά"),
        Fixtures.contact(10, name: "Ирина Шевченко"),
        Fixtures.contact(11, name: "محمد علي"),
        Fixtures.contact(12, name: "Secret Anna", blocked: true),
    ]

    init() throws {
        _ = try database.importContacts(contacts.map { ($0, []) })
    }

    func search(_ text: String) throws -> [String] {
        try database.search(SearchQuery(text)).map(\.contact.name)
    }

    @Test(arguments: [
        ("zoe", ["Zoë Martin"]), ("muller", ["Jürgen Müller"]), ("MUNCHEN", ["Jürgen Müller"]),
        ("東京", ["東京タワー"]), ("タワ", ["東京タワー"]), ("jonathn", ["Jonathan Swift"]), ("oystein", ["Øystein Ødegård"]),
        ("lukasiewicz", ["Hanna Łukasiewicz"]), ("αθηνα", ["Αθηνά Παππά"]), ("ирина", ["Ирина Шевченко"]),
        ("محمد", ["محمد علي"]), ("climb", ["Zoë Martin"]), ("bergen", ["Øystein Ødegård"]), ("tower", ["東京タワー"]),
        ("secret", []), ("zz", []), ("satire travel", ["Jonathan Swift"]), ("jonathn swift", ["Jonathan Swift"]),
        ("swift jonahtan", ["Jonathan Swift"]), ("jo satre", ["Jonathan Swift"]),
    ])
    func findsWhatPeopleType(query: String, expected: [String]) throws {
        #expect(try search(query) == expected)
    }

    @Test func ranksLikeTheReferenceRanker() throws {
        for query in ["anna", "an", "jo", "nna", "ann", "a", "J", "jonathan", "tow", "er"] {
            let expected = SearchRanker.search(contacts, for: SearchQuery(query), limit: 50).map(\.contact.name)
            #expect(try search(query) == expected, "query \(query)")
        }
        #expect(try search("anna").first == "Joanna Anna")  // exact word + favorite beats exact + recent
    }

    @Test func respectsTheLimitAndStillRanksBestFirst() throws {
        let many = (100..<400).map { Fixtures.contact($0, name: "Annette \($0)") }
        _ = try database.importContacts(many.map { ($0, []) })
        let results = try database.search(SearchQuery("anna"), limit: 3)
        #expect(results.map(\.contact.name) == ["Joanna Anna", "Anna Karenina", "Hanna Łukasiewicz"])
    }

    @Test func aLargeImportSearchesLikeTheReference() throws {
        // Enough rows for the bulk path (indexes rebuilt, search keys written in order).
        let firstNames = ["Anna", "Zoë", "Jürgen", "Øystein", "Maria", "Łukasz", "Jonathan", "东京", "Ирина"]
        let lastNames = ["Müller", "Berg", "Kowalski", "Annand", "Swift", "タワー", "Шевченко"]
        let many = (1_000..<3_000).map { index in
            Fixtures.contact(
                index, name: "\(firstNames[index % firstNames.count]) \(lastNames[index % lastNames.count])",
                favorite: index % 17 == 0, blocked: index % 23 == 0,
                lastInteraction: index % 3 == 0 ? Fixtures.now.addingTimeInterval(Double(index)) : nil)
        }
        _ = try database.importContacts(many.map { ($0, []) })
        let everyone = contacts + many
        for query in ["anna", "an", "muller", "jonathn", "東京", "タワ", "berg anna", "ирина", "z"] {
            let expected = SearchRanker.search(everyone, for: SearchQuery(query), limit: 20)
            let found = try database.search(SearchQuery(query), limit: 20)
            // Ties in every key but the name may be cut differently at the limit; compare ranks.
            #expect(found.map(\.tier) == expected.map(\.tier), "query \(query)")
            #expect(found.map(\.contact.isFavorite) == expected.map(\.contact.isFavorite), "query \(query)")
            #expect(found.allSatisfy { !$0.contact.isBlocked })
        }
        #expect(try database.count(in: .all) == 11 + many.filter { !$0.isBlocked }.count)
    }

    @Test func hostileQueriesAreHarmless() throws {
        for query in ["\"", "\"\"*", "AND OR NOT", "*", "a\"b", "(((", "NEAR(a b)", "---", "'; DROP TABLE contact; --"] {
            _ = try search(query)
        }
        #expect(try database.count(in: .all) == 11)
    }
}
