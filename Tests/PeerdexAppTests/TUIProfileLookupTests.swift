import Crypto
import Foundation
import Logging
import PeerdexCore
import PeerdexNet
import PeerdexTUI
import PeerdexTestSupport
import Testing

@testable import PeerdexApp

/// The TUI's `L` against real DHT nodes on 127.0.0.1: a published record is found, verified and
/// read through an already joined node; nobody's record is "not found"; a sealed one opens with
/// a key the book holds and says why when none does; a node that knows nobody, or a lookup that
/// gets no answer in time, fails with the reason instead of hanging.
@Suite(.serialized, .timeLimit(.minutes(1))) struct TUIProfileLookupTests {
    /// `count` DHT nodes on 127.0.0.1 that know each other; stopped after `body`.
    static func withNetwork(_ count: Int, _ body: ([DHTNode]) async throws -> Void) async throws {
        var random = SystemRandomNumberGenerator()
        var nodes = [DHTNode]()
        var first: DHTEndpoint?
        do {
            for _ in 0..<count {
                let node = DHTNode(localID: NodeID(random: &random), logger: Logger(label: "test.dht"))
                nodes.append(node)
                let bound = try await node.start(bindingTo: HostPort(host: "127.0.0.1", port: 0))
                if let first { _ = try await node.run(.bootstrap([first])) }
                first = first ?? DHTEndpoint(ip: .v4(0x7f00_0001), port: UInt16(bound.port))
            }
            // A second round, so that early joiners learn of later ones.
            for node in nodes { _ = try await node.run(.findNode(node.localID)) }
            try await body(nodes)
        } catch {
            for node in nodes { await node.shutdown() }
            throw error
        }
        for node in nodes { await node.shutdown() }
    }

    /// A peer whose records we can sign.
    struct Owner {
        let key = Curve25519.Signing.PrivateKey()
        var peerID: PeerID { try! PeerID(publicKey: Array(key.publicKey.rawRepresentation)) }

        /// Publishes `record` as this peer's profile at `seq` through `node`.
        func publish(_ record: ProfileRecord, seq: Int64, through node: DHTNode) async throws {
            let item = try MutableItem.sign(value: record.bencodeValue, seq: seq, salt: ProfileRecord.salt, with: key)
            let result = try await node.publish(item)
            guard case .stored(let acknowledged, let required, _) = result.outcome, acknowledged >= required else {
                Issue.record("not stored: \(result.outcome)")
                return
            }
        }
    }

    /// The answer's profile, or nil with an issue recorded when the answer is something else.
    static func profile(_ answer: Result<Answer, RequestFailure>) -> NetworkProfile? {
        guard case .success(.networkProfile(let profile?)) = answer else {
            Issue.record("expected a profile, got \(answer)")
            return nil
        }
        return profile
    }

    @Test func aPublishedProfileIsFoundThroughAJoinedNode() async throws {
        try await Self.withNetwork(6) { nodes in
            let owner = Owner()
            let record = ProfileRecord(content: .open(name: "Cora", interests: ["jazz", "tango"], location: "Berlin"))
            try await owner.publish(record, seq: 4, through: nodes[1])

            let before = Date()
            let answer = await TUIProfileLookup.answer(peer: owner.peerID, dht: nodes[4], dialer: nil, book: nil)
            let profile = try #require(Self.profile(answer))
            #expect(profile.name == "Cora" && profile.interests == ["jazz", "tango"] && profile.location == "Berlin")
            #expect(profile.readability == .open && profile.seq == 4 && profile.keyRequest == nil)
            #expect(profile.fetchedAt >= before && profile.fetchedAt <= Date())

            // A newer version is what the next lookup shows.
            let newer = ProfileRecord(content: .open(name: "Cora B", interests: [], location: ""))
            try await owner.publish(newer, seq: 5, through: nodes[2])
            let again = try #require(
                Self.profile(await TUIProfileLookup.answer(peer: owner.peerID, dht: nodes[5], dialer: nil, book: nil)))
            #expect(again.name == "Cora B" && again.seq == 5)
        }
    }

    @Test func someoneWhoPublishedNothingIsNotFound() async throws {
        try await Self.withNetwork(4) { nodes in
            let answer = await TUIProfileLookup.answer(peer: Owner().peerID, dht: nodes[2], dialer: nil, book: nil)
            guard case .success(.networkProfile(nil)) = answer else {
                Issue.record("expected no profile, got \(answer)")
                return
            }
        }
    }

    @Test func aSealedRecordOpensWithAKeyTheBookHoldsAndSaysWhyOtherwise() async throws {
        let directory = DataDirectory(explicit: NSTemporaryDirectory() + "peerdex-tui-lookup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let book = try ContactBook.open(directory)
        try await Self.withNetwork(5) { nodes in
            let owner = Owner()
            var random = SystemRandomNumberGenerator()
            let key = AudienceKey.generate(for: .contacts, using: &random)
            let fields = ProfileSealer.OpenFields(name: "Cora", interests: ["jazz"], location: "Berlin")
            let content = try ProfileSealer.seal(fields, ownerKey: owner.peerID.publicKey, with: key, using: &random)
            try await owner.publish(ProfileRecord(content: content), seq: 2, through: nodes[0])

            // No book: nothing to open it with.
            let closed = try #require(
                Self.profile(await TUIProfileLookup.answer(peer: owner.peerID, dht: nodes[3], dialer: nil, book: nil)))
            #expect(closed.readability == .sealed(reason: LookupSession.noKeyReason))
            #expect(closed.name.isEmpty && closed.interests.isEmpty && closed.seq == 2)

            // The book holds the key the owner handed us: opened.
            _ = try book.receiveAudienceKeys([key], from: owner.peerID)
            let opened = try #require(
                Self.profile(await TUIProfileLookup.answer(peer: owner.peerID, dht: nodes[4], dialer: nil, book: book)))
            #expect(opened.readability == .opened)
            #expect(opened.name == "Cora" && opened.interests == ["jazz"] && opened.location == "Berlin")
        }
    }

    @Test func aNodeThatKnowsNoOtherFailsAtOnce() async throws {
        var random = SystemRandomNumberGenerator()
        let lonely = DHTNode(localID: NodeID(random: &random), logger: Logger(label: "test.dht"))
        _ = try await lonely.start(bindingTo: HostPort(host: "127.0.0.1", port: 0))
        let answer = await TUIProfileLookup.answer(peer: Owner().peerID, dht: lonely, dialer: nil, book: nil)
        await lonely.shutdown()
        #expect(answer == .failure(RequestFailure("not joined to the DHT yet (no DHT node known)", isTransient: true)))
    }

    @Test func aLookupNobodyAnswersFailsAtItsTimeout() async throws {
        var random = SystemRandomNumberGenerator()
        let asker = DHTNode(localID: NodeID(random: &random), logger: Logger(label: "test.dht"))
        let gone = DHTNode(localID: NodeID(random: &random), logger: Logger(label: "test.dht"))
        _ = try await asker.start(bindingTo: HostPort(host: "127.0.0.1", port: 0))
        let bound = try await gone.start(bindingTo: HostPort(host: "127.0.0.1", port: 0))
        _ = try await asker.run(.bootstrap([DHTEndpoint(ip: .v4(0x7f00_0001), port: UInt16(bound.port))]))
        // The only node the asker knows stops answering: its queries wait for their own timeouts.
        await gone.shutdown()
        let started = ContinuousClock.now
        let answer = await TUIProfileLookup.answer(
            peer: Owner().peerID, dht: asker, dialer: nil, book: nil, timeout: .milliseconds(300))
        let took = ContinuousClock.now - started
        await asker.shutdown()
        #expect(answer == .failure(RequestFailure("no answer within 300 ms", isTransient: true)))
        #expect(took < .seconds(3), "took \(took)")
    }

    // MARK: - Through the TUI's node

    /// A book in a fresh temporary data directory, removed after `body`.
    static func withBook(_ body: (ContactBook) async throws -> Void) async throws {
        let directory = DataDirectory(explicit: NSTemporaryDirectory() + "peerdex-tui-lookup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        try await body(try ContactBook.open(directory))
    }

    /// Stops `network` off the cooperative pool (`stop` waits on a semaphore).
    static func stop(_ network: TUINetwork) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread {
                network.stop(timeout: .seconds(3))
                done.resume()
            }.start()
        }
    }

    @Test func theRunnerHandsALookupToTheTUIsNodeWhichFailsBeforeItRuns() async throws {
        try await Self.withBook { book in
            let posted = RequestRunnerTests.Posted()
            let network = TUINetwork(book: book, settings: TUINetworkSettings(), post: posted.append)
            let runner = RequestRunner(
                perform: { _ in .success(.done("performed by the store")) }, post: posted.append, network: network,
                logger: Logger(label: "test"))
            runner.submit(RequestID(3), .lookupProfile(Owner().peerID))
            let failure = RequestFailure("the node is not running yet", isTransient: true)
            #expect(posted.waitFor(1) == [.failed(RequestID(3), failure)])
        }
    }

    @Test func theTUIsRunningNodeFindsAPublishedProfile() async throws {
        try await Self.withNetwork(4) { nodes in
            let owner = Owner()
            let record = ProfileRecord(content: .open(name: "Cora", interests: ["jazz"], location: "Berlin"))
            try await owner.publish(record, seq: 9, through: nodes[1])
            let port = try #require(nodes[0].boundAddress?.port)
            try await Self.withBook { book in
                let posted = RequestRunnerTests.Posted()
                let settings = TUINetworkSettings(
                    listen: HostPort(host: "127.0.0.1", port: 0),
                    bootstrap: [DHTEndpoint(ip: .v4(0x7f00_0001), port: UInt16(port))])
                let network = TUINetwork(book: book, settings: settings, post: posted.append)
                let runner = RequestRunner(
                    perform: { _ in .failure(RequestFailure("not for the store")) }, post: posted.append,
                    network: network, logger: Logger(label: "test"))
                network.start()
                // Joined once the status line counts a DHT node.
                let deadline = Date().addingTimeInterval(20)
                func joined() -> Bool {
                    posted.all.contains { message in
                        guard case .nodeStatus(let status) = message, case .online(_, let nodes, _, _) = status.state
                        else { return false }
                        return nodes > 0
                    }
                }
                while !joined(), Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
                #expect(joined(), "the TUI's node did not join: \(posted.all)")

                runner.submit(RequestID(1), .lookupProfile(owner.peerID))
                var answer: Message?
                while answer == nil, Date() < deadline {
                    answer = posted.all.first { message in
                        switch message {
                        case .answered(RequestID(1), _), .failed(RequestID(1), _): return true
                        default: return false
                        }
                    }
                    if answer == nil { try await Task.sleep(for: .milliseconds(50)) }
                }
                await Self.stop(network)
                guard case .answered(_, .networkProfile(let profile?)) = answer else {
                    Issue.record("expected a profile, got \(String(describing: answer))")
                    return
                }
                #expect(profile.name == "Cora" && profile.seq == 9 && profile.readability == .open)
            }
        }
    }

    @Test func aReportBecomesTheTUIsProfile() {
        let fetchedAt = Date(timeIntervalSince1970: 1_795_683_600)
        var report = LookupSessionTests.emptyReport(sealed: true)
        report.unopenedReason = LookupSession.noCurrentKeyReason
        report.keyRequest = "asked 127.0.0.1:7447: granted 1 key"
        let sealed = TUIProfileLookup.networkProfile(of: report, fetchedAt: fetchedAt)
        #expect(sealed.readability == .sealed(reason: LookupSession.noCurrentKeyReason))
        #expect(sealed.keyRequest == report.keyRequest && sealed.seq == 1 && sealed.fetchedAt == fetchedAt)

        report.apply(.opened(ProfileSealer.OpenFields(name: "Cora", interests: ["jazz"], location: "Berlin")))
        let opened = TUIProfileLookup.networkProfile(of: report, fetchedAt: fetchedAt)
        #expect(opened.readability == .opened && opened.name == "Cora" && opened.location == "Berlin")
    }
}
