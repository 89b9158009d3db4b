import PeerdexCore
import PeerdexTestSupport
import Testing

@testable import PeerdexStore

/// The naive LIKE baseline that `make bench` compares the indexed search against.
@Suite struct ContactDatabaseScanSearchTests {
    let database = try! ContactDatabase.inMemory()

    init() throws {
        _ = try database.importContacts(
            [
                Fixtures.contact(1, name: "Zoë Martin", interests: ["climbing"]),
                Fixtures.contact(2, name: "Jürgen Müller", note: "met in München"),
                Fixtures.contact(3, name: "東京タワー", alias: "Tower"),
                Fixtures.contact(4, name: "Percent 100% sure"),
                Fixtures.contact(5, name: "Under_score"),
                Fixtures.contact(6, name: "Back\\slash"),
                Fixtures.contact(7, name: "Secret Martin", blocked: true),
            ].map { ($0, []) })
    }

    func names(_ text: String, limit: Int = 50) throws -> [String] {
        try database.scanSearch(text, limit: limit).map(\.name)
    }

    @Test func findsSubstringsInEveryTextField() throws {
        // Given a book with text in names, notes, aliases and interests
        // When scanning, Then each field is looked at, case-insensitively for ASCII
        #expect(try names("MART") == ["Zoë Martin"])
        #expect(try names("münch") == ["Jürgen Müller"])
        #expect(try names("tow") == ["東京タワー"])
        #expect(try names("京タ") == ["東京タワー"])
        #expect(try names("limb") == ["Zoë Martin"])
    }

    @Test func isNaiveAboutDiacritics() throws {
        // The baseline does no folding: that is the indexed search's job.
        #expect(try names("zoe").isEmpty)
        #expect(try names("Zoë") == ["Zoë Martin"])
    }

    @Test func wildcardsMatchThemselves() throws {
        #expect(try names("%") == ["Percent 100% sure"])
        #expect(try names("_") == ["Under_score"])
        #expect(try names("Zo_").isEmpty)  // as a wildcard, _ would match "Zoë"
        #expect(try names("1%0").isEmpty)  // as a wildcard, % would match "100"
        #expect(try names("\\") == ["Back\\slash"])
    }

    @Test func skipsBlockedContactsAndRespectsTheLimit() throws {
        #expect(try names("secret").isEmpty)
        #expect(try names("e", limit: 2).count == 2)
        #expect(try names("e", limit: 0).isEmpty)
        #expect(try names("").isEmpty)
    }
}
