import Foundation
import PeerdexCore
import PeerdexTestSupport
import Testing

/// Real `peerdex node` processes on 127.0.0.1: an owner publishes a `contacts` profile sealed
/// under its audience key; a contact's running node finds the owner through the rendezvous,
/// obtains the key and its `peerdex lookup` shows the owner's name; a contact without a node
/// gets the key by asking from `peerdex lookup` itself; a stranger's lookup shows it sealed.
@Suite(.serialized, .timeLimit(.minutes(2))) struct AudienceKeyNetworkTests {
    static func lookup(_ peer: PeerID, from runner: CommandRunner, through bootstrap: NodeProcess) throws
        -> [String: Any]
    {
        let result = try runner.run(["lookup", peer.text, "--json", "--bootstrap", bootstrap.bootstrapArgument])
        guard result.status == 0 else { return ["error": result.stderr] }
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    /// Waits up to `timeout` for `text` in the log of `runner`'s data directory.
    static func waitForLog(_ text: String, of runner: CommandRunner, timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let log = (try? String(contentsOfFile: runner.dataDirectory + "/peerdex.log", encoding: .utf8)) ?? ""
            if log.contains(text) { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    @Test func aContactsNodeObtainsTheAudienceKeyAndItsLookupOpensTheProfile() async throws {
        let runners = (0..<5).map { _ in CommandRunner() }
        defer { for runner in runners { runner.cleanUp() } }
        let (bootstrapRunner, cora, member) = (runners[0], runners[1], runners[2])
        let (walker, stranger) = (runners[3], runners[4])
        let coraID = try DiscoveryNetworkTests.peerID(of: cora)

        // Given Cora, who shows her profile to contacts only, with two contacts who have her in
        // their books too: one runs a node, the other ("walker") only runs commands
        try DiscoveryNetworkTests.setProfile(cora, name: "Cora", interests: "jazz,tango", visibility: "contacts")
        for contact in [member, walker] {
            let id = try DiscoveryNetworkTests.peerID(of: contact)
            #expect(try cora.run(["contacts", "add", id, "--name", "Friend"]).status == 0)
            #expect(try contact.run(["contacts", "add", coraID, "--name", "Cora?"]).status == 0)
        }
        let bootstrap = try NodeProcess(bootstrapRunner)
        let coraNode = try NodeProcess(cora, arguments: ["--bootstrap", bootstrap.bootstrapArgument])
        let memberNode = try NodeProcess(member, arguments: ["--bootstrap", bootstrap.bootstrapArgument])
        defer { for node in [bootstrap, coraNode, memberNode] { node.kill() } }
        let owner = try PeerID(parsing: coraID)

        // When the member's node has asked Cora (it finds her through the rendezvous)
        let fetched = try await Self.waitForLog("asked a contact for audience keys", of: member, timeout: .seconds(30))
        #expect(fetched, "the member's node never obtained Cora's key")

        // Then its lookup opens the record with the key it holds, without asking
        let byMember = try Self.lookup(owner, from: member, through: bootstrap)
        #expect(byMember["sealed"] as? Bool == true && byMember["opened"] as? Bool == true, "\(byMember)")
        #expect(byMember["name"] as? String == "Cora", "\(byMember)")
        #expect(byMember["interests"] as? [String] == ["jazz", "tango"], "\(byMember)")
        #expect(byMember["keyRequest"] == nil, "the key came from the node, not the lookup: \(byMember)")

        // And the walker's lookup, holding no key, asks Cora and opens it
        let byWalker = try Self.lookup(owner, from: walker, through: bootstrap)
        #expect(byWalker["opened"] as? Bool == true && byWalker["name"] as? String == "Cora", "\(byWalker)")
        #expect((byWalker["keyRequest"] as? String)?.contains("granted 1 key") == true, "\(byWalker)")

        // And a stranger's lookup finds it sealed, asks nobody, and learns no name
        let byStranger = try Self.lookup(owner, from: stranger, through: bootstrap)
        #expect(byStranger["sealed"] as? Bool == true && byStranger["opened"] as? Bool == false, "\(byStranger)")
        #expect(byStranger["name"] == nil && byStranger["keyRequest"] == nil, "\(byStranger)")
        #expect(byStranger["unopenedReason"] as? String == "no key from this peer (only its audience can read it)")

        // And the human output says so
        let human = try stranger.run(["lookup", coraID, "--bootstrap", bootstrap.bootstrapArgument])
        #expect(human.stdout.contains("profile    sealed, no key from this peer"), "\(human.stdout)\(human.stderr)")
        #expect(!human.stdout.contains("Cora"))
    }
}
