import Foundation
import PeerdexCore
import Testing

@testable import PeerdexTUI

/// The Nearby pane: rows fed by discovery events in the order they first appeared, a cursor that
/// never jumps when peers come and go, `a` adding the selected peer, and how it all looks.
@Suite struct NearbyTests {
    static let offHint = "Nearby discovery is off. Start with --nearby, or set nearby = true in config.toml."

    /// A verified nearby peer, heard `secondsAgo` before the fixtures' now.
    static func row(
        _ seed: Int, _ name: String?, host: Int = 2, rtt: Double = 0.0012, secondsAgo: Double = 2,
        contact: Bool = false
    ) -> NearbyRow {
        NearbyRow(
            peerID: Fixtures.peerID(seed), name: name, address: "10.213.0.\(host):7447", rtt: rtt,
            lastHeard: Fixtures.now.addingTimeInterval(-secondsAgo), isContact: contact)
    }

    let grace = Self.row(40, "Grace Hopper", host: 2, rtt: 0.0012, secondsAgo: 1)
    let hidden = Self.row(41, nil, host: 3, rtt: 0.0004, secondsAgo: 4)
    let alice = Self.row(1, "Alice Zhang", host: 4, rtt: 0.0257, secondsAgo: 0, contact: true)
    let ivan = Self.row(42, "Ivan Sutherland", host: 5, rtt: 0.25, secondsAgo: 7)

    /// A model on the Nearby pane with discovery browsing and `rows` heard in order.
    func nearby(_ rows: [NearbyRow], width: Int = 80, height: Int = 24, advertising: Bool = true) -> AppModel {
        var model = Fixtures.model(width: width, height: height)
        _ = model.update(.key(.char("3")))
        _ = model.update(.nearbyAvailability(.browsing(advertising: advertising)))
        for row in rows { _ = model.update(.nearbyPeer(row)) }
        return model
    }

    /// The peer IDs of the rows, in list order.
    func order(_ model: AppModel) -> [PeerID] { model.nearbyRows.map(\.peerID) }

    // MARK: - Rows come and go

    @Test func peersAppearInTheOrderFirstHeardAndAreCountedOnTheTab() {
        var model = nearby([])
        #expect(model.update(.nearbyPeer(grace)) == [])
        _ = model.update(.nearbyPeer(hidden))
        _ = model.update(.nearbyPeer(alice))
        #expect(order(model) == [grace.peerID, hidden.peerID, alice.peerID])
        #expect(model.current.total == 3 && model.current.selection == 0)
        #expect(model.selectedNearbyPeer == grace)
        #expect(model.render().line(0).contains("3 Nearby 3"))
    }

    @Test func anUpdatedPeerStaysInPlaceAndKeepsTheCursor() {
        var model = nearby([grace, hidden, alice])
        _ = model.update(.key(.char("j")))
        var quicker = hidden
        quicker.rtt = 0.0002
        quicker.lastHeard = Fixtures.now
        quicker.name = "Hedy"
        #expect(model.update(.nearbyPeer(quicker)) == [])
        #expect(order(model) == [grace.peerID, hidden.peerID, alice.peerID])
        #expect(model.nearbyRows[1] == quicker)
        #expect(model.current.total == 3 && model.current.selection == 1)
    }

    @Test func aPeerLeavingBeforeTheCursorKeepsTheCursorOnItsPeer() {
        var model = nearby([grace, hidden, alice, ivan])
        _ = model.update(.key(.char("G")))
        _ = model.update(.key(.char("k")))
        #expect(model.selectedNearbyPeer == alice)
        #expect(model.update(.nearbyPeerGone(grace.peerID)) == [])
        #expect(model.current.selection == 1 && model.selectedNearbyPeer == alice)
        #expect(model.current.total == 3 && order(model) == [hidden.peerID, alice.peerID, ivan.peerID])
    }

    @Test func theSelectedPeerLeavingKeepsTheIndexClamped() {
        var model = nearby([grace, hidden, alice])
        _ = model.update(.key(.char("j")))
        _ = model.update(.nearbyPeerGone(hidden.peerID))
        #expect(model.current.selection == 1 && model.selectedNearbyPeer == alice)
        // The last row leaving moves the cursor up to the new last row.
        _ = model.update(.nearbyPeerGone(alice.peerID))
        #expect(model.current.selection == 0 && model.selectedNearbyPeer == grace)
        _ = model.update(.nearbyPeerGone(grace.peerID))
        #expect(model.current.selection == 0 && model.current.total == 0 && model.selectedNearbyPeer == nil)
    }

    @Test func aPeerLeavingAfterTheCursorChangesNothingAboveIt() {
        var model = nearby([grace, hidden, alice])
        _ = model.update(.key(.char("j")))
        _ = model.update(.nearbyPeerGone(alice.peerID))
        #expect(model.current.selection == 1 && model.selectedNearbyPeer == hidden)
        // A peer the list never had changes nothing.
        let before = model
        #expect(model.update(.nearbyPeerGone(Fixtures.peerID(77))) == [])
        #expect(model == before)
    }

    @Test func aPeerLeavingAboveTheViewportDoesNotScrollIt() {
        // 15 rows high: 9 list rows; 20 peers, cursor on the 15th, so the first rows are scrolled off.
        let rows = (0..<20).map { Self.row(100 + $0, "Peer \($0)", host: 10 + $0) }
        var model = nearby(rows, height: 15)
        #expect(model.layout.visibleRows == 9)
        _ = model.update(.key(.char("G")))
        for _ in 0..<5 { _ = model.update(.key(.char("k"))) }
        #expect(model.current.selection == 14 && model.current.top == 11)
        let firstVisible = model.nearbyRows[model.current.top].peerID
        _ = model.update(.nearbyPeerGone(rows[0].peerID))
        #expect(model.current.selection == 13 && model.current.top == 10)
        #expect(model.nearbyRows[model.current.top].peerID == firstVisible)
        #expect(model.selectedNearbyPeer == rows[14])
        // A newcomer is appended below; the viewport and cursor stay.
        _ = model.update(.nearbyPeer(Self.row(200, "Newcomer", host: 99)))
        #expect(model.current.selection == 13 && model.current.top == 10 && model.nearbyRows.last?.name == "Newcomer")
    }

    @Test func leavingBrowsingClearsTheRows() {
        var model = nearby([grace, hidden])
        _ = model.update(.key(.char("j")))
        _ = model.update(.key(.enter))
        #expect(model.detailOpen)
        _ = model.update(.nearbyAvailability(.failed("no multicast interface")))
        #expect(model.nearbyRows.isEmpty && model.current.total == 0 && model.current.selection == 0)
        #expect(!model.detailOpen)
        #expect(model.render().line(0).contains("3 Nearby 0"))
    }

    @Test func probingAloneListsPeersAndSaysWhatItProbes() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("3")))
        _ = model.update(.nearbyAvailability(.probing(range: "127.0.0.0/27")))
        let empty = model.render().text()
        #expect(empty.contains("Probing 127.0.0.0/27 for peerdex nodes"), "\(empty)")
        #expect(!empty.contains("visibility private"), "probing is not privacy: \(empty)")
        _ = model.update(.nearbyPeer(grace))
        #expect(model.nearbyRows.map(\.peerID) == [grace.peerID], "rows are kept while probing")
        let listed = model.render().text()
        #expect(listed.contains("Grace Hopper"))
        #expect(listed.contains("probing 127.0.0.0/27 · no multicast"), "\(listed)")
    }

    @Test func theStoreNeverLoadsNearbyAndItsCountIsIgnored() {
        var model = nearby([grace])
        let commands = model.update(.storeChanged)
        #expect(commands.requests == [.loadCounts])
        model.answer(.counts(PaneCounts(contacts: 6, favorites: 2, nearby: 9, blocked: 1)))
        #expect(model.current.total == 1 && model.nearbyRows == [grace])
        _ = model.update(.key(.char("1")))
        #expect(model.update(.key(.char("3"))) == [])
    }

    // MARK: - Adding

    @Test func addOnANearbyRowAddsThatPeerWithItsNameAndAddress() {
        var model = nearby([hidden, grace])
        _ = model.update(.key(.char("j")))
        let id = RequestID(model.nextRequestID)
        let invite = Invite(
            peerID: grace.peerID, address: HostPort(host: "10.213.0.2", port: 7447), name: "Grace Hopper")
        #expect(model.update(.key(.char("a"))) == [.request(id, .addContact(invite, name: "Grace Hopper"))])
        #expect(model.mode == .browse)
        // A second `a` before the answer adds nothing twice.
        #expect(model.update(.key(.char("a"))) == [])
        #expect(model.message == StatusMessage("Grace Hopper is being added"))
        // The commit marks the row at once; `a` then says it is a contact.
        _ = model.update(.answered(id, .done("Added Grace Hopper")))
        #expect(model.nearbyRows[1].isContact && !model.nearbyRows[0].isContact)
        #expect(model.message == StatusMessage("Added Grace Hopper", kind: .success))
        #expect(model.update(.key(.char("a"))) == [])
        #expect(model.message == StatusMessage("Grace Hopper is already a contact"))
    }

    @Test func addOnANamelessPeerSendsAnEmptyName() {
        var model = nearby([hidden])
        let id = RequestID(model.nextRequestID)
        let invite = Invite(peerID: hidden.peerID, address: HostPort(host: "10.213.0.3", port: 7447))
        #expect(model.update(.key(.char("a"))) == [.request(id, .addContact(invite, name: ""))])
    }

    @Test func addOnAContactAddsNothing() {
        var model = nearby([alice])
        #expect(model.update(.key(.char("a"))) == [])
        #expect(model.message == StatusMessage("Alice Zhang is already a contact"))
        #expect(model.inFlight.isEmpty)
    }

    @Test func addOnAnEmptyNearbyPaneAsksForAPeerID() {
        var model = nearby([])
        #expect(model.update(.key(.char("a"))) == [])
        #expect(model.mode == .prompt(Prompt(step: .addPeer)))
    }

    @Test func removingTheContactUnmarksItsRow() {
        var model = nearby([alice])
        _ = model.update(.key(.char("1")))
        _ = model.update(.key(.char("d")))
        #expect(model.update(.key(.char("y"))).requests == [.removeContact(alice.peerID)])
        model.answer(.done("Removed Alice Zhang"))
        #expect(model.nearbyRows == [Self.row(1, "Alice Zhang", host: 4, rtt: 0.0257, secondsAgo: 0)])
    }

    @Test func contactKeysOnANearbyRowSayWhereTheyApply() {
        var model = nearby([grace, alice])
        #expect(model.update(.key(.char("f"))) == [])
        #expect(model.message == StatusMessage("Grace Hopper is not in your contacts (press a to add)"))
        _ = model.update(.key(.char("j")))
        #expect(model.update(.key(.char("d"))) == [])
        #expect(model.message == StatusMessage("Alice Zhang is a contact: change it in Contacts (press 1)"))
        #expect(model.mode == .browse)
    }

    // MARK: - Text

    @Test(arguments: [
        (0.0012, "1.2 ms"), (0.00004, "0.0 ms"), (0.0257, "25.7 ms"), (0.09996, "100 ms"), (0.09994, "99.9 ms"), (0.25, "250 ms"),
        (1.2, "1,200 ms"), (1e300, "1,000,000,000,000 ms"), (-1, "—"), (Double.nan, "—"), (Double.infinity, "—"),
    ])
    func roundTripTimes(seconds: Double, text: String) {
        #expect(NearbyRow.rttText(seconds) == text)
    }

    @Test(arguments: [(0.0, "just now"), (0.9, "just now"), (-5, "just now"), (1, "1 s ago"), (59.5, "59 s ago"),
                      (60, "1 min ago"), (7200, "2 h ago")])
    func lastHeard(secondsAgo: Double, text: String) {
        let date = Fixtures.now.addingTimeInterval(-secondsAgo)
        #expect(NearbyRow.heardText(date, now: Fixtures.now, utcOffset: 0) == text)
    }

    @Test func columnsDropTheAddressFirstThenTheRoundTrip() {
        let wide = NearbyColumns(width: 78)
        #expect(wide.addressX == 33 && wide.rttX == 56 && wide.heardX == 66 && wide.peerX == 23 && wide.name == 18)
        let split = NearbyColumns(width: 53)
        #expect(split.addressX == nil && split.rttX == 31 && split.peerX == 21 && split.name == 16)
        let tiny = NearbyColumns(width: 40)
        #expect(tiny.addressX == nil && tiny.rttX == nil && tiny.peerX == 18 && tiny.heardX == 28)
    }

    // MARK: - Rendering

    @Test func nearbyAt100x24ShowsTheSelectedPeerBeside() {
        var model = nearby([grace, hidden, alice, ivan], width: 100, height: 24, advertising: false)
        _ = model.update(.key(.char("j")))
        let screen = model.render()
        expectSnapshot(screen, "nearby-100x24")
        // The nameless peer's placeholder is dim; the contact's mark is green.
        #expect(screen[4, 4].grapheme == "(" && screen[4, 4].style == Theme.standard.selection)
        #expect(screen[2, 5].grapheme == "✓" && screen[2, 5].style == Theme.standard.success)
    }

    @Test func nearbyAt80x24ShowsAddresses() {
        var model = nearby([grace, hidden, alice, ivan])
        expectSnapshot(model.render(), "nearby-80x24")
        let screen = model.render()
        #expect(screen[4, 4].grapheme == "(" && screen[4, 4].style == Theme.standard.secondary)
        _ = model.update(.key(.enter))
        expectSnapshot(model.render(), "nearby-detail-80x24")
    }

    @Test func nearbyAt60x16DropsColumns() {
        var model = nearby([grace, hidden, alice, ivan], width: 60, height: 16)
        _ = model.update(.tick(Fixtures.now.addingTimeInterval(30)))
        expectSnapshot(model.render(), "nearby-60x16")
    }

    @Test func emptyStatesFollowDiscovery() {
        var model = nearby([], advertising: false)
        expectSnapshot(model.render(), "nearby-looking-80x24")
        _ = model.update(.nearbyAvailability(.browsing(advertising: true)))
        #expect(model.render().text().contains("You are advertised: peerdex nodes on this network can see you."))
        _ = model.update(.nearbyAvailability(.starting))
        #expect(model.render().text().contains("Starting LAN discovery…"))
        _ = model.update(.nearbyAvailability(.failed("no multicast interface")))
        let failed = model.render()
        #expect(failed.text().contains("Nearby discovery failed.") && failed.text().contains("no multicast interface"))
        _ = model.update(.nearbyAvailability(.off(hint: "")))
        #expect(model.render().text().contains("Nearby discovery is off."))
    }
}
