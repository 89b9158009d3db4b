import Foundation
import PeerdexCore
import PeerdexTestSupport
import Testing

/// A network of real `peerdex node` processes on 127.0.0.1 answering `peerdex search` from
/// other identities, each answer decided by the answering node's privacy settings: a PUBLIC
/// profile is found by name and by interest from a stranger, a CONTACTS profile only by a
/// contact, a PRIVATE one by no one, and a blocked contact gets what a stranger gets.
@Suite(.serialized, .timeLimit(.minutes(3))) struct DiscoveryNetworkTests {
    /// What one search printed.
    struct Search {
        var names: [String]
        var answered: Int
        var asked: Int
        var output: String
    }

    /// Runs `peerdex search` from `runner` (human output, whose last line counts the answers).
    static func search(_ arguments: [String], from runner: CommandRunner, through bootstrap: NodeProcess) throws -> Search {
        let result = try runner.run(
            ["search"] + arguments + ["--bootstrap", bootstrap.bootstrapArgument, "--request-timeout", "3"])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        guard result.status == 0, let summary = lines.last else {
            return Search(names: [], answered: 0, asked: 0, output: result.stdout + result.stderr)
        }
        // "<n> found · <a> of <b> discovery peers answered…"
        let words = summary.split(separator: " ")
        let answered = words.count > 4 ? Int(words[3]) ?? 0 : 0
        let asked = words.count > 6 ? Int(words[5]) ?? 0 : 0
        let names = lines.dropLast().map { String($0.prefix { $0 != " " }) }
        return Search(names: names, answered: answered, asked: asked, output: result.stdout + result.stderr)
    }

    /// Searches until all three discovery peers answer and `until` holds, or `timeout` passes;
    /// the last search.
    static func searchUntil(
        _ arguments: [String], from runner: CommandRunner, through bootstrap: NodeProcess, timeout: Duration,
        until condition: (Search) -> Bool = { _ in true }
    ) async throws -> Search {
        let deadline = ContinuousClock.now + timeout
        var last: Search
        repeat {
            last = try search(arguments, from: runner, through: bootstrap)
            if last.asked == 3, last.answered == 3, condition(last) { return last }
            try await Task.sleep(for: .milliseconds(300))
        } while ContinuousClock.now < deadline
        return last
    }

    static func peerID(of runner: CommandRunner) throws -> String {
        let result = try runner.run(["id", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return try #require(object?["peerId"] as? String)
    }

    static func setProfile(
        _ runner: CommandRunner, name: String, interests: String, visibility: String, discoveryPeer: Bool = true
    ) throws {
        let result = try runner.run(
            ["profile", "set", "--name", name, "--interests", interests, "--location", "Berlin, Mitte",
             "--visibility", visibility, "--share-with-discovery-peers", discoveryPeer ? "on" : "off"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func answersFollowEachOwnersPrivacySettings() async throws {
        let runners = (0..<8).map { _ in CommandRunner() }
        defer { for runner in runners { runner.cleanUp() } }
        let (bootstrapRunner, ada, cora, pia, eve) = (runners[0], runners[1], runners[2], runners[3], runners[7])
        let (stranger, contact, blocked) = (runners[4], runners[5], runners[6])
        let contactID = try Self.peerID(of: contact)
        let blockedID = try Self.peerID(of: blocked)

        // Given three discovery peers: Ada is public, Cora shows herself to contacts (the contact
        // and the blocked one are both in her book), Pia is private (the contact is in her book
        // too); and Eve, public but no discovery peer, found only through her interests' announcements.
        try Self.setProfile(ada, name: "Ada", interests: "jazz,chess", visibility: "public")
        try Self.setProfile(cora, name: "Cora", interests: "jazz,tango", visibility: "contacts")
        try Self.setProfile(pia, name: "Pia", interests: "jazz,chess", visibility: "private")
        try Self.setProfile(eve, name: "Eve", interests: "chess,jazz,go", visibility: "public", discoveryPeer: false)
        for owner in [cora, pia] {
            #expect(try owner.run(["contacts", "add", contactID, "--name", "Cyril"]).status == 0)
        }
        #expect(try cora.run(["contacts", "add", blockedID, "--name", "Bob"]).status == 0)
        #expect(try cora.run(["contacts", "block", blockedID]).status == 0)
        let bootstrap = try NodeProcess(bootstrapRunner)
        let owners = try [ada, cora, pia, eve].map { try NodeProcess($0, arguments: ["--bootstrap", bootstrap.bootstrapArgument]) }
        defer { for owner in owners { owner.kill() } }

        // Then a stranger finds Ada by name; by interest Ada (a discovery peer's answer) and Eve
        // (her announcement, then her profile asked directly), best match first; neither Cora nor Pia
        let byName = try await Self.searchUntil(
            ["Ada"], from: stranger, through: bootstrap, timeout: .seconds(30)) { $0.names.contains("Ada") }
        #expect(byName.names == ["Ada"], "\(byName.output)")
        let byInterest = try await Self.searchUntil(
            ["--interests", "jazz,chess"], from: stranger, through: bootstrap, timeout: .seconds(20)
        ) { $0.names.contains("Eve") }
        #expect(byInterest.names == ["Ada", "Eve"], "\(byInterest.output)")
        let strangerCora = try await Self.searchUntil(["Cora"], from: stranger, through: bootstrap, timeout: .seconds(10))
        #expect(strangerCora.answered == 3 && strangerCora.names.isEmpty, "\(strangerCora.output)")

        // And Cora's contact finds her, and Ada, but never Pia
        let contactCora = try await Self.searchUntil(
            ["--interests", "jazz"], from: contact, through: bootstrap, timeout: .seconds(10)
        ) { $0.names.contains("Cora") }
        #expect(Set(contactCora.names) == ["Ada", "Cora", "Eve"], "\(contactCora.output)")
        let contactPia = try await Self.searchUntil(["Pia"], from: contact, through: bootstrap, timeout: .seconds(10))
        #expect(contactPia.answered == 3 && contactPia.names.isEmpty, "\(contactPia.output)")

        // And the blocked contact gets what the stranger gets: Ada, no Cora
        let blockedSearch = try await Self.searchUntil(
            ["--interests", "jazz"], from: blocked, through: bootstrap, timeout: .seconds(10))
        let strangerSearch = try await Self.searchUntil(
            ["--interests", "jazz"], from: stranger, through: bootstrap, timeout: .seconds(10))
        #expect(Set(blockedSearch.names) == Set(strangerSearch.names), "\(blockedSearch.output)\n\(strangerSearch.output)")
        #expect(Set(blockedSearch.names) == ["Ada", "Eve"], "\(blockedSearch.output)")
    }

    @Test func aSearchWithoutDiscoveryPeersSaysWhy() throws {
        // Two nodes that share nothing with discovery peers.
        let runners = (0..<3).map { _ in CommandRunner() }
        defer { for runner in runners { runner.cleanUp() } }
        let first = try NodeProcess(runners[0])
        let second = try NodeProcess(runners[1], arguments: ["--bootstrap", first.bootstrapArgument])
        defer { for node in [first, second] { node.kill() } }
        let result = try runners[2].run(["search", "anyone", "--bootstrap", first.bootstrapArgument, "--join-timeout", "5"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("no discovery peer found"), "\(result.stderr)")
    }

    @Test func aSearchNeedsAQueryOrInterests() throws {
        let runner = CommandRunner()
        defer { runner.cleanUp() }
        let result = try runner.run(["search", "--bootstrap", "127.0.0.1:9"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("give a query, --interests, or both"), "\(result.stderr)")
    }
}
