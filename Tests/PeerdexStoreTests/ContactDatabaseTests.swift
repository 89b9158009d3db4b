import Foundation
import PeerdexCore
import PeerdexTestSupport
import Testing

@testable import PeerdexStore

@Suite struct ContactDatabaseTests {
    let database = try! ContactDatabase.inMemory()

    @Test func addsAndReadsBackEveryField() throws {
        // Given a contact with every field set
        var contact = Fixtures.contact(1, name: "Zoë", alias: "Z", note: "line 1\nline 2", interests: ["jazz", "go"])
        contact.location = "Berlin"
        contact.privacy = .friends
        contact.isFriend = true
        contact.favoritedAt = Fixtures.now
        contact.lastSeen = Fixtures.now.addingTimeInterval(-60)
        contact.lastInteraction = Fixtures.now
        // When it is added
        try database.add(contact)
        // Then it reads back unchanged
        #expect(try database.contact(contact.peerID) == contact)
    }

    @Test func refusesDuplicatesAndUnknownIDs() throws {
        try database.add(Fixtures.contact(1))
        #expect(throws: ContactStoreError.contactExists(Fixtures.peerID(1))) { try database.add(Fixtures.contact(1)) }
        #expect(throws: ContactStoreError.contactNotFound(Fixtures.peerID(2))) {
            try database.setFavorite(Fixtures.peerID(2), true, at: Fixtures.now)
        }
        #expect(throws: ContactStoreError.contactNotFound(Fixtures.peerID(2))) { try database.remove(Fixtures.peerID(2)) }
    }

    @Test func listsHideBlockedContactsExceptTheBlockedList() throws {
        try database.add(Fixtures.contact(1, name: "Anna"))
        try database.add(Fixtures.contact(2, name: "Bert"))
        try database.setFavorite(Fixtures.peerID(2), true, at: Fixtures.now)
        try database.setBlocked(Fixtures.peerID(2), true, at: Fixtures.now)
        #expect(try database.contacts(in: .all).map(\.name) == ["Anna"])
        #expect(try database.contacts(in: .favorites).isEmpty)
        #expect(try database.contacts(in: .blocked).map(\.name) == ["Bert"])
        #expect(try database.search(SearchQuery("bert")).isEmpty)
        try database.setBlocked(Fixtures.peerID(2), false, at: Fixtures.now)
        #expect(try database.contacts(in: .favorites).map(\.name) == ["Bert"])
        #expect(try database.count(in: .all) == 2)
    }

    @Test func recentHoldsTheHundredMostRecentInteractions() throws {
        for index in 0..<120 {
            try database.add(
                Fixtures.contact(index, name: "C\(index)", lastInteraction: Fixtures.now.addingTimeInterval(Double(index))))
        }
        let recent = try database.contacts(in: .recent)
        #expect(recent.count == 100)
        #expect(recent.first?.name == "C119")
        #expect(recent.last?.name == "C20")
        #expect(try database.count(in: .recent) == 100)
        #expect(try database.contacts(in: .recent, offset: 90, limit: 50).count == 10)
    }

    @Test func pagesAreInNameOrder() throws {
        for (index, name) in ["delta", "Alpha", "charlie", "Bravo"].enumerated() {
            try database.add(Fixtures.contact(index, name: name))
        }
        #expect(try database.contacts(in: .all, offset: 1, limit: 2).map(\.name) == ["Bravo", "charlie"])
    }

    @Test func removeDeletesHistoryAndIndexEntries() throws {
        try database.add(Fixtures.contact(1, name: "Anna"))
        try database.recordConnection(
            Fixtures.peerID(1), ConnectionEvent(time: Fixtures.now, address: "127.0.0.1:4001", outcome: .connected))
        #expect(try database.details(of: Fixtures.peerID(1))?.history.count == 1)
        #expect(try database.contact(Fixtures.peerID(1))?.lastSeen == Fixtures.now)
        #expect(try database.contacts(in: .recent).map(\.peerID) == [Fixtures.peerID(1)])
        try database.remove(Fixtures.peerID(1))
        #expect(try database.contact(Fixtures.peerID(1)) == nil)
        #expect(try database.search(SearchQuery("anna")).isEmpty)
        try database.add(Fixtures.contact(1, name: "Bert"))
        #expect(try database.details(of: Fixtures.peerID(1))?.history.isEmpty == true)
    }

    @Test func importMergesWithoutTakingAnythingAway() throws {
        try database.add(Fixtures.contact(1, name: "Anna", interests: ["jazz"], favorite: true))
        var incoming = Fixtures.contact(1, name: "", note: "new note", interests: ["go"])
        incoming.privacy = .public
        let actions = try database.importContacts([
            (incoming, []), (Fixtures.contact(2, name: "Bert"), []), (Fixtures.contact(2, name: "Bert"), []),
        ])
        #expect(actions == [.updated, .imported, .unchanged])
        let merged = try #require(try database.contact(Fixtures.peerID(1)))
        #expect(merged.name == "Anna")
        #expect(merged.note == "new note")
        #expect(merged.interests == ["jazz", "go"])
        #expect(merged.isFavorite)
        #expect(merged.privacy == .private)
    }

    @Test func repeatsInOneImportAreStoredAndIndexedAsMerged() throws {
        // Given a file in which a new contact appears twice, the second time with more to say
        var repeated = Fixtures.contact(2, name: "Bert", note: "keeps zebras", interests: ["chess"])
        repeated.favoritedAt = Fixtures.now
        let actions = try database.importContacts([
            (Fixtures.contact(2, name: "Bert"), []), (Fixtures.contact(3, name: "Cleo"), []), (repeated, []),
        ])
        // Then it is one contact, whose row and search entries both hold the merged fields
        #expect(actions == [.imported, .imported, .updated])
        let stored = try #require(try database.contact(Fixtures.peerID(2)))
        #expect(stored.note == "keeps zebras")
        #expect(stored.interests == ["chess"])
        #expect(stored.isFavorite)
        #expect(try database.search(SearchQuery("zebras")).map(\.contact.peerID) == [Fixtures.peerID(2)])
        #expect(try database.search(SearchQuery("chess")).map(\.contact.peerID) == [Fixtures.peerID(2)])
        #expect(try database.contacts(in: .favorites).map(\.peerID) == [Fixtures.peerID(2)])
    }

    @Test func updateReindexesSearch() throws {
        try database.add(Fixtures.contact(1, name: "Anna"))
        try database.update(Fixtures.peerID(1)) { $0.alias = "Nightingale" }
        #expect(try database.search(SearchQuery("nightingale")).map(\.contact.name) == ["Anna"])
    }
}

/// Each user action and each read a screen needs is one method and one transaction.
@Suite struct ContactDatabaseTransactionTests {
    let database = try! ContactDatabase.inMemory()

    @Test func removeReturnsWhomItRemoved() throws {
        try database.add(Fixtures.contact(1, name: "Anna"))
        let removed = try database.remove(Fixtures.peerID(1))
        #expect(removed.name == "Anna")
        #expect(try database.contact(Fixtures.peerID(1)) == nil)
        #expect(try database.search(SearchQuery("anna")).isEmpty)
    }

    @Test func aWindowComesWithItsTotalAndCountsComeTogether() throws {
        for index in 1...5 { try database.add(Fixtures.contact(index, name: "C\(index)")) }
        try database.setFavorite(Fixtures.peerID(2), true, at: Fixtures.now)
        try database.setBlocked(Fixtures.peerID(5), true, at: Fixtures.now)
        let window = try database.window(of: .all, offset: 1, limit: 2)
        #expect(window.rows.map(\.name) == ["C2", "C3"])
        #expect(window.total == 4)
        #expect(try database.counts() == [.all: 4, .favorites: 1, .blocked: 1, .recent: 1])
    }

    @Test func detailsAreTheContactWithItsHistory() throws {
        try database.add(Fixtures.contact(1, name: "Anna"))
        try database.recordConnection(Fixtures.peerID(1), ConnectionEvent(time: Fixtures.now, address: "127.0.0.1:4001", outcome: .connected))
        let details = try #require(try database.details(of: Fixtures.peerID(1)))
        #expect(details.contact.name == "Anna")
        #expect(details.history.map(\.address) == ["127.0.0.1:4001"])
        #expect(try database.details(of: Fixtures.peerID(2)) == nil)
    }
}
