import PeerdexCore
import Testing

@testable import PeerdexTUI

/// The node's status on the bottom line: each state, beside messages, and at every size.
@Suite struct NodeStatusTests {
    static let online = NodeStatus(.online(
        address: "203.0.113.7:4001", dhtNodes: 1_284, discoveryPeers: 3, lastBootstrap: "ok 2 min ago"))
    static let states: [NodeStatus] = [
        NodeStatus(.starting), online, NodeStatus(.offline(reason: "started with --offline")),
        NodeStatus(.online(address: "[2001:db8::1]:4001", dhtNodes: 0, discoveryPeers: 1, lastBootstrap: nil)),
    ]

    @Test func nothingIsShownBeforeTheFirstStatus() {
        let model = Fixtures.model()
        #expect(model.nodeStatus == nil)
        #expect(model.render().line(23).allSatisfy { $0 == " " })
    }

    @Test func theDemoHintShowsWholeOrNotAtAll() {
        var model = Fixtures.model()
        _ = model.update(.nodeStatus(NodeStatus(.offline(reason: "started with --offline"))))
        #expect(model.render().line(23).hasSuffix("○ offline: started with --offline · try peerdex demo"))
        _ = model.update(.resized(width: 40, height: 24))
        let narrow = model.render().line(23)
        #expect(narrow.hasSuffix("○ offline: started with --offline"), "\(narrow)")
        #expect(!narrow.contains("try"), "no half hint: \(narrow)")
        #expect(Self.online.hint == nil, "a node with DHT nodes needs no demo")
    }

    @Test func eachStateReadsOnTheBottomLine() {
        var model = Fixtures.model()
        let expected = [
            "◌ network: starting…",
            "● online 203.0.113.7:4001 · 1,284 DHT nodes · 3 discovery peers · bootstrap ok 2 min ago",
            "○ offline: started with --offline · try peerdex demo",
            "● online [2001:db8::1]:4001 · 0 DHT nodes · 1 discovery peer · try peerdex demo",
        ]
        for (status, text) in zip(Self.states, expected) {
            _ = model.update(.nodeStatus(status))
            let line = model.render().line(23)
            let shown = DisplayWidth.truncate(text, to: 80)
            #expect(line.hasSuffix(shown), "\(line)")
            #expect(DisplayWidth.of(line) == 80)
        }
        _ = model.update(.nodeStatus(Self.online))
        let buffer = model.render()
        #expect(buffer[0, 23].grapheme == "●")
        #expect(buffer[0, 23].style == Theme.standard.success)
        expectSnapshot(buffer, "status-online-80x24")
    }

    @Test func aMessageKeepsThePriority() {
        var model = Fixtures.model()
        _ = model.update(.nodeStatus(NodeStatus(.starting)))
        _ = model.update(.key(.char("f")))
        model.answer(.done("Alice Zhang is no longer a favorite"))
        let line = model.render().line(23)
        #expect(line.hasPrefix("✓ Alice Zhang is no longer a favorite"))
        #expect(line.hasSuffix("◌ network: starting…"))
        // A message too long for both leaves no room for the status.
        var narrow = Fixtures.model(width: 60, height: 12)
        _ = narrow.update(.nodeStatus(Self.online))
        _ = narrow.update(.key(.char("x")))
        narrow.message = StatusMessage(String(repeating: "long ", count: 9), kind: .error)
        #expect(!narrow.render().line(11).contains("online"))
    }

    @Test(arguments: [0, 1, 2, 5, 12, 30, 59, 60, 61, 100])
    func everyWidthRendersWithinItsColumns(width: Int) {
        for height in [0, 1, 2, 5, 11, 12, 24] {
            for status in Self.states {
                var model = Fixtures.model(width: width, height: height)
                _ = model.update(.nodeStatus(status))
                let buffer = model.render()
                #expect(buffer.width == width && buffer.height == height)
                for row in 0..<height { #expect(DisplayWidth.of(buffer.line(row)) <= width) }
            }
        }
    }

    @Test func aTooSmallTerminalStillShowsTheStatusWhenARowIsFree() {
        var model = Fixtures.model(width: 40, height: 8)
        _ = model.update(.nodeStatus(NodeStatus(.offline(reason: "port 4001 is in use"))))
        let buffer = model.render()
        #expect(buffer.line(7).hasSuffix("○ offline: port 4001 is in use"))
        expectSnapshot(buffer, "status-too-small-40x8")
        var tiny = Fixtures.model(width: 12, height: 4)
        _ = tiny.update(.nodeStatus(Self.online))
        #expect(!tiny.render().text().contains("●"))  // no row to spare: the size message alone
    }
}
