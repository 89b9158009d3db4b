import Foundation
import Testing

@testable import PeerdexCore

@Suite struct ContactVCardMappingTests {
    let alice = try! PeerID(publicKey: (0..<32).map { UInt8($0) })
    let bob = try! PeerID(publicKey: (0..<32).map { UInt8(255 - $0) })
    let importTime = Self.date(ms: 1_790_000_000_000)

    /// How the store builds dates: whole milliseconds since 1970.
    static func date(ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }

    /// A contact with every field set to something awkward.
    var fullContact: Contact {
        let longNote = "Première ligne, avec; des \\ barres.\nSecond line: 東京タワーで会いましょう😀👩‍👩‍👧 "
            + String(repeating: "é東😀x", count: 40) + "\n\nend\\n not a newline "
        return Contact(
            peerID: alice,
            name: "Zoë \"Z\" Ødegaard, Jr.; PhD",
            alias: "zo\\ë,1",
            note: longNote,
            interests: ["rock, paper", "sci;fi", "back\\slash", "日本語", "multi\nline"],
            location: "Saint-Étienne, Loire; FR",
            privacy: .friends,
            isFriend: true,
            favoritedAt: Self.date(ms: 1_795_000_000_123),
            blockedAt: Self.date(ms: 1_795_100_000_001),
            addedAt: Self.date(ms: 1_764_126_648_123),
            lastSeen: Self.date(ms: 1_795_200_000_999),
            lastInteraction: Self.date(ms: -86_400_001)
        )
    }

    func importAll(_ text: String) -> [VCardImportEntry] {
        Contact.importVCardText(text, defaultAddedAt: importTime)
    }

    // MARK: - Round trip

    @Test func everyFieldSurvivesExportAndImport() throws {
        let minimal = Contact(peerID: bob, addedAt: Self.date(ms: 0))
        let contacts = [fullContact, minimal]
        let text = Contact.vCardText(for: contacts)
        for line in VCardPrinterTests.physicalLines(text) {
            #expect(line.count <= 75)
            #expect(String(validating: line, as: UTF8.self) != nil)
        }
        let entries = importAll(text)
        #expect(entries.map(\.index) == [1, 2])
        #expect(entries.compactMap(\.contact) == contacts)
    }

    @Test func exportUsesStandardPropertiesAndMillisecondTimes() {
        let text = Contact.vCardText(for: [fullContact])
        #expect(text.hasPrefix("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Zoë \"Z\" Ødegaard\\, Jr.\\; PhD\r\n"))
        #expect(text.contains("\r\nIMPP:peerdex:\(alice.text)\r\n"))
        #expect(text.contains("\r\nCATEGORIES:rock\\, paper,sci\\;fi,back\\\\slash,日本語,multi line\r\n"))
        #expect(text.contains("\r\nX-PEERDEX-PRIVACY:friends\r\nX-PEERDEX-FRIEND:true\r\n"))
        #expect(text.contains("\r\nX-PEERDEX-ADDED:2025-11-26T03:10:48.123Z\r\n"))
        #expect(text.contains("\r\nX-PEERDEX-LAST-INTERACTION:1969-12-30T23:59:59.999Z\r\n"))
    }

    @Test func emptyNameTravelsAsThePeerID() throws {
        let text = Contact.vCardText(for: [Contact(peerID: bob, addedAt: importTime)])
        #expect(text.contains("\r\nFN:\(bob.text)\r\n"))
        #expect(!text.contains("NICKNAME") && !text.contains("NOTE") && !text.contains("CATEGORIES"))
        #expect(try #require(importAll(text).first?.contact).name == "")
    }

    @Test func aPeerChosenNameCannotForgeProperties() throws {
        let name = "Mallory\r\nIMPP;PREF=1:peerdex:\(bob.text)\rEND:VCARD\nBEGIN:VCARD"
        let text = Contact.vCardText(for: [Contact(peerID: alice, name: name, addedAt: importTime)])
        let lines = VCardPrinterTests.physicalLines(text).map { String(decoding: $0, as: UTF8.self) }
        #expect(lines.filter { $0.hasPrefix("BEGIN") || $0.hasPrefix("END") || $0.hasPrefix("IMPP") }.count == 3)
        let contacts = importAll(text).compactMap(\.contact)
        #expect(contacts.map(\.peerID) == [alice])
        // Carriage returns cannot travel in vCard text; they come back as newlines.
        #expect(contacts.first?.name == "Mallory\nIMPP;PREF=1:peerdex:\(bob.text)\nEND:VCARD\nBEGIN:VCARD")
    }

    // MARK: - Import from elsewhere

    @Test func foreignCardUsesFallbacksAndDefaultAddedAt() throws {
        let text = """
            BEGIN:VCARD
            VERSION:3.0
            N:Perreault;Simon;;;ing. jr,M.Sc.
            ADR;TYPE=work:;Suite D2-630;2875 Laurier;Quebec;QC;G1V 2M2;Canada
            IMPP;TYPE=personal:xmpp:simon@example.org
            IMPP;PREF=2:peerdex:\(bob.text)
            item1.IMPP;PREF=1:PEERDEX:\(alice.text)
            X-PEERDEX-LAST-SEEN:20261126T031048Z
            END:VCARD
            """
        let contact = try #require(importAll(text).first?.contact)
        #expect(contact.peerID == alice)
        #expect(contact.name == "Simon Perreault ing. jr M.Sc.")
        #expect(contact.location == "Quebec")
        #expect(contact.addedAt == importTime)
        #expect(contact.privacy == .private)
        #expect(contact.lastSeen == ISO8601.date("2026-11-26T03:10:48.000Z"))
    }

    @Test func badCardsAreSkippedWithReasonsAndOthersImported() {
        let good = Contact.vCardText(for: [Contact(peerID: alice, name: "Alice", addedAt: importTime)])
        let text = good
            + "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:No Address\r\nEMAIL:x@example.org\r\nEND:VCARD\r\n"
            + "BEGIN:VCARD\r\nFN:Typo\r\nIMPP:peerdex:\(alice.text.dropLast())\r\nEND:VCARD\r\n"
            + "BEGIN:VCARD\r\nIMPP:peerdex:\(bob.text)\r\nX-PEERDEX-PRIVACY:secret\r\nEND:VCARD\r\n"
            + "BEGIN:VCARD\r\nIMPP:peerdex:\(bob.text)\r\nX-PEERDEX-ADDED:yesterday\r\nEND:VCARD\r\n"
            + "BEGIN:VCARD\r\nIMPP:peerdex:\(bob.text)\r\nno colon\r\nEND:VCARD\r\n"
            + "BEGIN:VCARD\r\nIMPP:peerdex:\(bob.text)\r\nX-PEERDEX-ADDED:2026-02-31T00:00:00Z\r\nEND:VCARD\r\n"
            + good
        let entries = importAll(text)
        #expect(entries.map(\.index) == Array(1...8))
        #expect(entries.map(\.line) == [1, 8, 13, 17, 21, 25, 29, 33])
        let reasons = entries.map { entry -> String? in
            if case .skipped(let reason) = entry.result { return reason }
            return nil
        }
        #expect(
            reasons == [
                nil,
                "no peerdex address (IMPP:peerdex:…)",
                "invalid peer ID in IMPP: \(PeerIDError.wrongLength(55))",
                "X-PEERDEX-PRIVACY 'secret' is not one of public, contacts, friends, private",
                "X-PEERDEX-ADDED 'yesterday' is not an ISO 8601 time like 2026-11-26T03:10:48.123Z",
                "line 27: no ':' between the property name and its value",
                "X-PEERDEX-ADDED '2026-02-31T00:00:00Z': day 31 is impossible (01-28 in February 2026)",
                nil,
            ]
        )
    }
}
