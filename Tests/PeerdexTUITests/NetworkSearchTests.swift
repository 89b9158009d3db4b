import PeerdexCore
import Testing

@testable import PeerdexTUI

/// Network results in the Search pane: below the local ones, never moving the cursor, stale
/// progress dropped, and `a` adding one through the usual add flow.
@Suite struct NetworkSearchTests {
    let alice = Fixtures.book[0]
    let eve = Fixtures.book[4]
    let grace = Self.peer(40, "Grace Hopper", interests: ["compilers", "navy"], location: "Arlington")
    let heidi = Self.peer(41, "Heidi Lamarr", interests: ["radio"], location: "Vienna")
    let ivan = Self.peer(42, "Ivan Sutherland", interests: ["graphics"])

    /// A peer found on the network.
    static func peer(_ seed: Int, _ name: String, interests: [String] = [], location: String = "") -> DiscoveredPeer {
        DiscoveredPeer(peerID: Fixtures.peerID(seed), name: name, interests: interests, location: location, seq: 1)
    }

    static let online = NodeStatus(
        .online(address: "127.0.0.1:4001", dhtNodes: 8, discoveryPeers: 3, lastBootstrap: nil))

    /// A model with a running node.
    func withNode(width: Int = 80, height: Int = 24) -> AppModel {
        var model = Fixtures.model(width: width, height: height)
        _ = model.update(.nodeStatus(Self.online))
        return model
    }

    /// A model searching "a", with Alice and Eve as local results, the search kept with Enter.
    func searching(width: Int = 80, height: Int = 24) -> AppModel {
        var model = withNode(width: width, height: height)
        _ = model.update(.key(.char("/")))
        _ = model.update(.key(.char("a")))
        model.answerSearch("a", [alice, eve])
        _ = model.update(.key(.enter))
        return model
    }

    @Test func typingIssuesANetworkSearchThatIsNotAMutation() {
        var model = withNode()
        _ = model.update(.key(.char("/")))
        let first = model.update(.key(.char("a")))
        #expect(first.requests == [.networkSearch(query: "a"), .search(query: "a", limit: model.searchLimit)])
        #expect(!Request.networkSearch(query: "a").isMutation)
        #expect(model.networkSearch?.query == "a" && model.networkSearch?.isRunning == true)
        // The next key cancels both searches of the older query.
        let second = model.update(.key(.char("l")))
        #expect(second.cancelled == first.compactMap { if case .request(let id, _) = $0 { id } else { nil } })
        #expect(second.requests == [.networkSearch(query: "al"), .search(query: "al", limit: model.searchLimit)])
        // Clearing the query cancels the network search and asks for nothing.
        _ = model.update(.key(.backspace))
        let cleared = model.update(.key(.backspace))
        #expect(cleared.requests.isEmpty && cleared.cancelled.count == 2)
        #expect(model.networkSearch == nil && model.inFlight.values.allSatisfy { !$0.isNetworkSearch })
    }

    @Test func withoutARunningNodeNoNetworkSearchIsAskedFor() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("/")))
        #expect(model.update(.key(.char("a"))).requests == [.search(query: "a", limit: model.searchLimit)])
        // A node that comes up searches for the standing query at once.
        _ = model.update(.nodeStatus(NodeStatus(.starting)))
        #expect(model.networkSearch?.query == "a")
        #expect(model.inFlight.values.contains(.networkSearch(query: "a")))
        // Offline: nothing is asked, and the Search pane says so.
        _ = model.update(.nodeStatus(NodeStatus(.offline(reason: "started with --offline"))))
        #expect(model.update(.key(.char("l"))).requests == [.search(query: "al", limit: model.searchLimit)])
        #expect(model.networkSearch == nil)
        #expect(model.render().line(21).contains("network: offline, searched your contacts only"))
    }

    @Test func networkRowsAppearBelowLocalResultsWithoutMovingTheCursor() {
        var model = searching()
        _ = model.update(.key(.char("j")))
        #expect(model.selectedContact == eve)
        let bob = Fixtures.book[1]
        // Alice is a local result and Bob is in the book: neither is repeated.
        let ranked = [grace, Self.peer(1, "Alice Zhang"), heidi, Self.peer(2, "Bob Martin")]
        #expect(bob.peerID == Fixtures.peerID(2))
        _ = model.sendNetwork(NetworkSearchProgress(ranked: ranked, asked: 3, answered: 1))
        #expect(model.networkRows == [grace, heidi])
        #expect(model.lists[.search]?.total == 4)
        #expect(model.current.selection == 1 && model.selectedContact == eve)
        #expect(model.lists[.search]?.window?.rows == [alice, eve])
        expectSnapshot(model.render(), "search-network-80x24")
        var wide = searching(width: 120, height: 30)
        _ = wide.sendNetwork(NetworkSearchProgress(ranked: ranked, asked: 3, answered: 1))
        for _ in 0..<3 { _ = wide.update(.key(.char("j"))) }
        #expect(wide.selectedNetworkPeer == heidi)
        expectSnapshot(wide.render(), "search-network-detail-120x30")
    }

    @Test func reRankingKeepsTheCursorOnTheSamePeer() {
        var model = searching()
        _ = model.sendNetwork(NetworkSearchProgress(ranked: [grace, heidi], asked: 3, answered: 1))
        for _ in 0..<3 { _ = model.update(.key(.char("j"))) }
        #expect(model.selectedNetworkPeer == heidi && model.current.selection == 3)
        _ = model.sendNetwork(NetworkSearchProgress(ranked: [heidi, ivan, grace], asked: 3, answered: 2))
        #expect(model.selectedNetworkPeer == heidi && model.current.selection == 2)
        _ = model.sendNetwork(NetworkSearchProgress(ranked: [ivan, grace, heidi], asked: 3, answered: 3))
        #expect(model.selectedNetworkPeer == heidi && model.current.selection == 4)
    }

    @Test func staleProgressIsIgnored() {
        var model = withNode()
        _ = model.update(.key(.char("/")))
        _ = model.update(.key(.char("a")))
        let old = model.networkSearch!.id
        _ = model.update(.key(.char("l")))
        _ = model.update(.networkResults(old, NetworkSearchProgress(ranked: [grace], asked: 1, answered: 1)))
        #expect(model.networkRows.isEmpty)
        #expect(model.networkSearch?.progress == NetworkSearchProgress())
        // After the last progress of the current search, late ones are dropped too.
        _ = model.sendNetwork(NetworkSearchProgress(ranked: [heidi], asked: 1, answered: 1, finished: true))
        _ = model.sendNetwork(NetworkSearchProgress(ranked: [heidi, ivan], asked: 1, answered: 1, finished: true))
        #expect(model.networkRows == [heidi])
        // Leaving the search drops the network results with it.
        _ = model.update(.key(.escape))
        #expect(model.networkRows.isEmpty && model.networkSearch == nil)
    }

    @Test func spinnerWhileRunningThenCountsAlone() {
        var model = searching()
        let border = 21
        #expect(model.render().line(border).contains("⠋ network: asking peers…"))
        _ = model.update(.tick(Fixtures.now.addingTimeInterval(1)))
        #expect(model.render().line(border).contains("⠙ network: asking peers…"))
        _ = model.sendNetwork(NetworkSearchProgress(ranked: [grace, heidi], asked: 3, answered: 1))
        #expect(model.render().line(border).contains("⠹ network: 1/3 peers answered · 2 found"))
        _ = model.sendNetwork(NetworkSearchProgress(ranked: [grace], asked: 3, answered: 2, failed: 1, finished: true))
        let finished = model.render().line(border)
        #expect(finished.contains("─ network: 2/3 peers answered · 1 failed · 1 found ─"))
        _ = model.update(.tick(Fixtures.now.addingTimeInterval(2)))
        #expect(model.render().line(border) == finished)  // no spinner left to turn
    }

    @Test func aSearchThatFailedWhileTheNodeStartedRunsAgainOnceItIsOnline() {
        var model = Fixtures.model()
        _ = model.update(.nodeStatus(NodeStatus(.starting)))
        _ = model.update(.key(.char("/")))
        _ = model.update(.key(.char("a")))
        _ = model.fail("the node is not running", transient: true) { $0.isNetworkSearch }
        #expect(model.networkSearch?.failure == "the node is not running")
        #expect(model.update(.nodeStatus(NodeStatus(.starting))).requests.isEmpty)
        // Online: the standing query goes out again, once.
        #expect(model.update(.nodeStatus(Self.online)).requests == [.networkSearch(query: "a")])
        #expect(model.networkSearch?.failure == nil && model.networkSearch?.isRunning == true)
        _ = model.fail("no route", transient: true) { $0.isNetworkSearch }
        #expect(model.update(.nodeStatus(Self.online)).requests.isEmpty, "not at every status")
    }

    @Test func aSearchThatHadNobodyToAskRunsAgainWhenDiscoveryPeersAreFound() {
        var model = Fixtures.model()
        let alone = NodeStatus(.online(address: "127.0.0.1:4001", dhtNodes: 2, discoveryPeers: 0, lastBootstrap: nil))
        _ = model.update(.nodeStatus(alone))
        _ = model.update(.key(.char("/")))
        _ = model.update(.key(.char("a")))
        _ = model.sendNetwork(NetworkSearchProgress(ranked: [], asked: 0, finished: true))
        #expect(model.render().line(21).contains("network: no discovery peers to ask"))
        #expect(model.update(.nodeStatus(alone)).requests.isEmpty)
        // The node learns of discovery peers: the query goes out again, once.
        #expect(model.update(.nodeStatus(Self.online)).requests == [.networkSearch(query: "a")])
        _ = model.sendNetwork(NetworkSearchProgress(ranked: [], asked: 0, finished: true))
        #expect(model.update(.nodeStatus(Self.online)).requests.isEmpty, "not at every status")
        // A search that asked peers is not repeated when more are found.
        _ = model.update(.nodeStatus(alone))
        _ = model.update(.key(.char("l")))
        _ = model.sendNetwork(NetworkSearchProgress(ranked: [grace], asked: 2, answered: 2, finished: true))
        #expect(model.update(.nodeStatus(Self.online)).requests.isEmpty)
    }

    @Test func resultsFromARecentSearchSaySoInsteadOfCountingPeers() {
        var model = searching()
        _ = model.sendNetwork(NetworkSearchProgress(ranked: [grace, heidi], finished: true, fromCache: true))
        #expect(model.render().line(21).contains("─ network: 2 found (recent search, no peer asked) ─"))
        #expect(!model.render().line(21).contains("no discovery peers"))
    }

    @Test func aFailedNetworkSearchSaysWhyOnTheBorderOnly() {
        var model = searching()
        model.fail("not available yet") { $0.isNetworkSearch }
        #expect(model.render().line(21).contains("network: not available yet"))
        #expect(model.message == nil)
        #expect(model.selectedContact == alice)
    }

    @Test func addOnANetworkRowAddsThatPeerWithItsName() {
        var model = searching()
        _ = model.sendNetwork(NetworkSearchProgress(ranked: [grace, heidi], asked: 3, answered: 3, finished: true))
        for _ in 0..<2 { _ = model.update(.key(.char("j"))) }
        #expect(model.selectedNetworkPeer == grace)
        #expect(model.update(.key(.char("a"))) == [])
        guard case .prompt(let prompt) = model.mode else {
            Issue.record("expected the name prompt")
            return
        }
        #expect(prompt.field.text == "Grace Hopper")
        let add = model.update(.key(.enter))
        #expect(add.requests == [.addContact(Invite(peerID: grace.peerID), name: "Grace Hopper")])
        // Once added, the reload lists Grace among the local results, the cursor with her.
        let reload = model.answer(.done("Added Grace Hopper"))
        #expect(reload.requests.contains(.search(query: "a", limit: model.searchLimit)))
        #expect(!reload.requests.contains { $0.isNetworkSearch })
        let graceContact = Fixtures.contact(40, "Grace Hopper")
        model.answerSearch("a", [alice, eve, graceContact])
        #expect(model.networkRows == [heidi])
        #expect(model.selectedContact == graceContact)
    }

    @Test func contactKeysOnANetworkRowPointToAdd() {
        var model = searching()
        _ = model.sendNetwork(NetworkSearchProgress(ranked: [grace], asked: 1, answered: 1))
        _ = model.update(.key(.end))
        #expect(model.update(.key(.char("f"))) == [])
        #expect(model.message?.text == "Grace Hopper is not in your contacts (press a to add)")
        _ = model.update(.key(.enter))
        #expect(model.detailOpen)
        let detail = model.render().text()
        #expect(detail.contains("not in your contacts — press a to add"))
        #expect(detail.contains(grace.peerID.text.prefix(40)))
        expectSnapshot(model.render(), "search-network-detail-80x24")
    }
}

extension AppModel {
    /// Sends progress of the current network search, as the app would.
    mutating func sendNetwork(_ progress: NetworkSearchProgress) -> [Command] {
        guard let id = networkSearch?.id else { return [] }
        return update(.networkResults(id, progress))
    }
}
