import Foundation
import PeerdexCore
import Testing

@testable import PeerdexTUI

/// `L`: looking the selected peer's profile up in the DHT from any row that names a peer, the
/// answer kept per peer for the session, and how the detail view's "Network profile" reads.
@Suite struct ProfileLookupTests {
    let alice = Fixtures.book[0]
    let bob = Fixtures.book[1]
    let heidi = NetworkSearchTests.peer(41, "Heidi Lamarr", interests: ["radio"], location: "Vienna")

    /// A model whose node runs (so lookups may be asked for).
    func online(width: Int = 80, height: Int = 24, rows: [Contact] = Fixtures.book) -> AppModel {
        var model = Fixtures.model(width: width, height: height, rows: rows)
        _ = model.update(.nodeStatus(NetworkSearchTests.online))
        return model
    }

    /// Alice's open profile as the DHT has it, fetched at the fixtures' now.
    static let aliceProfile = NetworkProfile(
        name: "Alice Zhang", interests: ["climbing", "bouldering"], location: "Lyon", readability: .open, seq: 7,
        fetchedAt: Fixtures.now)

    /// Presses `L` and returns the lookup request's ID (nil when none was issued).
    static func pressLookup(_ model: inout AppModel) -> RequestID? {
        let commands = model.update(.key(.char("L")))
        return commands.compactMap { command -> RequestID? in
            if case .request(let id, .lookupProfile) = command { return id }
            return nil
        }.first
    }

    // MARK: - Asking

    @Test func lOnAContactAsksForItsProfileAndOpensTheDetails() throws {
        var model = online()
        let commands = model.update(.key(.char("L")))
        #expect(commands.requests == [.lookupProfile(alice.peerID)])
        #expect(!Request.lookupProfile(alice.peerID).isMutation)
        #expect(model.detailOpen, "at 80 columns the details are not beside the list: L opens them")
        let lookup = try #require(model.profileLookups[alice.peerID])
        #expect(lookup.isLookingUp && lookup.startedAt == Fixtures.now && lookup.peerLabel == "ali")
        #expect(model.message?.text == "looking up ali's profile in the DHT…")
    }

    @Test func besideTheListTheDetailsStayWhereTheyAre() {
        var model = online(width: 120, height: 30)
        _ = model.update(.key(.char("L")))
        #expect(!model.detailOpen && model.layout.detail != nil)
    }

    @Test func lWorksOnEveryKindOfRow() {
        // Favorites
        var model = online()
        _ = model.update(.key(.char("2")))
        model.answer(.window(ContactWindow(pane: .favorites, offset: 0, rows: [Fixtures.book[2]], total: 1)))
        #expect(model.update(.key(.char("L"))).requests == [.lookupProfile(Fixtures.book[2].peerID)])

        // Search: a local result, then a network one below it
        model = online()
        _ = model.update(.key(.char("/")))
        _ = model.update(.key(.char("b")))
        model.answerSearch("b", [bob])
        _ = model.update(.key(.enter))
        let search = model.networkSearch!.id
        _ = model.update(.networkResults(search, NetworkSearchProgress(ranked: [heidi], asked: 1, answered: 1)))
        #expect(model.update(.key(.char("L"))).requests == [.lookupProfile(bob.peerID)])
        _ = model.update(.key(.escape))  // closes the details L opened
        _ = model.update(.key(.char("j")))
        #expect(model.selectedNetworkPeer == heidi)
        #expect(model.update(.key(.char("L"))).requests == [.lookupProfile(heidi.peerID)])
        #expect(model.profileLookups[heidi.peerID]?.peerLabel == "Heidi Lamarr")

        // Nearby
        model = online()
        _ = model.update(.key(.char("3")))
        _ = model.update(.nearbyAvailability(.browsing(advertising: true)))
        let grace = NearbyTests.row(40, "Grace Hopper")
        _ = model.update(.nearbyPeer(grace))
        #expect(model.update(.key(.char("L"))).requests == [.lookupProfile(grace.peerID)])

        // In an open detail view
        model = online()
        _ = model.update(.key(.char("j")))
        _ = model.update(.key(.enter))
        #expect(model.update(.key(.char("L"))).requests == [.lookupProfile(bob.peerID)])
        #expect(model.detailOpen)
    }

    @Test func offlineItSaysWhyAndAsksNothing() {
        var model = Fixtures.model()
        _ = model.update(.nodeStatus(NodeStatus(.offline(reason: "started with --offline"))))
        #expect(model.update(.key(.char("L"))).isEmpty)
        #expect(model.message == StatusMessage(
            "cannot look up ali's profile: not on the network (started with --offline)", kind: .error))
        #expect(model.profileLookups.isEmpty && !model.detailOpen)

        // An app that runs no node never sends a status.
        var noNode = Fixtures.model()
        #expect(noNode.update(.key(.char("L"))).isEmpty)
        #expect(noNode.message?.text == "cannot look up ali's profile: no node is running")
    }

    @Test func withNothingSelectedItSaysSo() {
        var model = online(rows: [])
        _ = model.update(.key(.char("3")))
        #expect(model.update(.key(.char("L"))).isEmpty)
        #expect(model.message?.kind == .error)
    }

    @Test func aLookupStillRunningIsNotAskedForTwice() throws {
        var model = online()
        let first = try #require(Self.pressLookup(&model))
        #expect(Self.pressLookup(&model) == nil)
        #expect(model.message?.text == "still looking up ali's profile…")
        #expect(model.profileLookups[alice.peerID]?.request == first)
    }

    // MARK: - Answers

    @Test func foundNotFoundAndFailedAnswersAreKept() throws {
        var model = online()
        let id = try #require(Self.pressLookup(&model))
        _ = model.update(.tick(Fixtures.now.addingTimeInterval(2)))
        #expect(model.update(.answered(id, .networkProfile(Self.aliceProfile))) == [])
        var lookup = try #require(model.profileLookups[alice.peerID])
        #expect(lookup.state == .found(Self.aliceProfile))
        #expect(lookup.finishedAt == Fixtures.now.addingTimeInterval(2))
        #expect(model.message == StatusMessage("found ali's profile (seq 7)", kind: .success))
        #expect(model.inFlight[id] == nil)

        // L again refreshes: a new request, looking up again.
        let again = try #require(Self.pressLookup(&model))
        #expect(again != id && model.profileLookups[alice.peerID]?.isLookingUp == true)
        _ = model.update(.answered(again, .networkProfile(nil)))
        #expect(model.profileLookups[alice.peerID]?.state == .notFound)

        let third = try #require(Self.pressLookup(&model))
        _ = model.update(.failed(third, RequestFailure("not joined to the DHT yet (no DHT node known)")))
        lookup = try #require(model.profileLookups[alice.peerID])
        #expect(lookup.state == .failed(reason: "not joined to the DHT yet (no DHT node known)"))
        #expect(model.message?.kind == .error)
    }

    @Test func anAnswerToAnOlderLookupIsDropped() throws {
        var model = online()
        let first = try #require(Self.pressLookup(&model))
        _ = model.update(.failed(first, RequestFailure("no answer within 10 s")))
        let second = try #require(Self.pressLookup(&model))
        // A late answer of the first (the app broke the contract, or a duplicate) changes nothing.
        _ = model.update(.answered(first, .networkProfile(Self.aliceProfile)))
        #expect(model.profileLookups[alice.peerID]?.request == second)
        #expect(model.profileLookups[alice.peerID]?.isLookingUp == true)
    }

    @Test func reopeningTheDetailsShowsTheLastResult() throws {
        var model = online()
        let id = try #require(Self.pressLookup(&model))
        _ = model.update(.answered(id, .networkProfile(Self.aliceProfile)))
        _ = model.update(.key(.enter))  // back to the list
        _ = model.update(.key(.char("j")))
        _ = model.update(.key(.enter))
        #expect(!model.render().text().contains("Network profile"), "Bob was never looked up")
        _ = model.update(.key(.enter))
        _ = model.update(.key(.char("k")))
        _ = model.update(.key(.enter))
        let screen = model.render().text()
        #expect(screen.contains("Network profile") && screen.contains("climbing, bouldering"))
        #expect(screen.contains("seq 7 · fetched 2026-11-26 09:00 (just now)"))
    }

    @Test func atMost64PeersAreKeptTheOldestGoingFirst() throws {
        let rows = Fixtures.generated(offset: 0, count: 70)
        var model = online(width: 120, height: 30, rows: rows)
        var ids: [RequestID] = []
        for _ in 0..<65 {
            ids.append(try #require(Self.pressLookup(&model)))
            _ = model.update(.key(.char("j")))
        }
        #expect(AppModel.profileLookupCapacity == 64)
        #expect(model.profileLookups.count == 64)
        #expect(model.profileLookups[rows[0].peerID] == nil, "the first asked for went")
        #expect(model.profileLookups[rows[1].peerID] != nil && model.profileLookups[rows[64].peerID] != nil)
        // The dropped lookup's answer finds nothing to fill.
        _ = model.update(.answered(ids[0], .networkProfile(nil)))
        #expect(model.profileLookups[rows[0].peerID] == nil && model.profileLookups.count == 64)
    }

    @Test func theElapsedTimeMovesOnWithTicks() throws {
        var model = online()
        _ = try #require(Self.pressLookup(&model))
        _ = model.update(.tick(Fixtures.now.addingTimeInterval(3.4)))
        #expect(model.render().text().contains("looking up… 3 s"))
    }

    @Test func theKeyIsInTheTableAndTheHelp() {
        #expect(Keymap.standard.action(for: .char("L")) == .lookupProfile)
        #expect(Action.lookupProfile.rawValue == "lookup")
        let help = Keymap.standard.helpSections().flatMap(\.rows)
        #expect(help.contains { $0.keys == "L" && $0.summary == "Look up network profile" })
    }

    // MARK: - Snapshots

    @Test func lookingUpSnapshot() throws {
        var model = online()
        _ = try #require(Self.pressLookup(&model))
        _ = model.update(.tick(Fixtures.now.addingTimeInterval(3)))
        expectSnapshot(model.render(), "lookup-looking-80x24")
    }

    @Test func foundSnapshot() throws {
        var model = online()
        let id = try #require(Self.pressLookup(&model))
        _ = model.update(.answered(id, .networkProfile(Self.aliceProfile)))
        _ = model.update(.tick(Fixtures.now.addingTimeInterval(90)))
        expectSnapshot(model.render(), "lookup-found-80x24")
    }

    @Test func sealedSnapshot() throws {
        var model = online(width: 100, height: 30)
        _ = model.update(.key(.char("j")))
        let id = try #require(Self.pressLookup(&model))
        let sealed = NetworkProfile(
            name: "", interests: [], location: "",
            readability: .sealed(reason: "no key from this peer (only its audience can read it)"), seq: 3,
            fetchedAt: Fixtures.now)
        _ = model.update(.answered(id, .networkProfile(sealed)))
        expectSnapshot(model.render(), "lookup-sealed-100x30")
    }

    @Test func notFoundSnapshot() throws {
        var model = online(width: 120, height: 30)
        _ = model.update(.key(.char("/")))
        _ = model.update(.key(.char("h")))
        model.answerSearch("h", [])
        _ = model.update(.key(.enter))
        let search = model.networkSearch!.id
        let progress = NetworkSearchProgress(ranked: [heidi], asked: 1, answered: 1, finished: true)
        _ = model.update(.networkResults(search, progress))
        let id = try #require(Self.pressLookup(&model))
        _ = model.update(.answered(id, .networkProfile(nil)))
        expectSnapshot(model.render(), "lookup-not-found-120x30")
    }

    @Test func failedSnapshot() throws {
        var model = online()
        _ = model.update(.key(.char("3")))
        _ = model.update(.nearbyAvailability(.browsing(advertising: true)))
        _ = model.update(.nearbyPeer(NearbyTests.row(40, "Grace Hopper")))
        let id = try #require(Self.pressLookup(&model))
        _ = model.update(.failed(id, RequestFailure("no answer within 10 s", isTransient: true)))
        expectSnapshot(model.render(), "lookup-failed-80x24")
    }
}
