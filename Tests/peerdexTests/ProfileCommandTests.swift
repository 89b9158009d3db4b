import Foundation
import PeerdexCore
import PeerdexTestSupport
import Testing

/// End-to-end runs of `peerdex profile set|show` on a temporary data directory.
@Suite(.timeLimit(.minutes(2))) struct ProfileCommandTests {
    let cli = CommandRunner()

    @Test func aNewProfileIsEmptyAndPrivate() throws {
        defer { cli.cleanUp() }
        let shown = try #require(try cli.json(["profile", "show"]) as? [String: Any])
        let peerID = try #require((try cli.json(["id"]) as? [String: String])?["peerId"])
        #expect(shown["peerId"] as? String == peerID)
        #expect(shown["name"] as? String == "")
        #expect(shown["interests"] as? [String] == [])
        #expect(shown["location"] as? String == "")
        #expect(shown["visibility"] as? String == "private")
        #expect(shown["seq"] as? Int == 0)
        #expect(shown["updatedAt"] is NSNull)
        // `peerdex profile` alone shows it too
        let human = try cli.run(["profile"])
        #expect(human.status == 0)
        #expect(human.stdout.contains("visibility  private: nobody; it never leaves this machine"))
    }

    @Test func setChangesOnlyTheGivenFieldsAndCountsChanges() throws {
        defer { cli.cleanUp() }
        // Given a profile set in full
        let first = try #require(
            try cli.json([
                "profile", "set", "--name", "Zoë Müller", "--interests", "jazz, climbing,Jazz", "--location", "Berlin",
                "--visibility", "public",
            ]) as? [String: Any])
        #expect(first["interests"] as? [String] == ["jazz", "climbing"])
        #expect(first["seq"] as? Int == 1)
        // When only the location changes, then the interests are cleared
        #expect(try cli.run(["profile", "set", "--location", "Hamburg"]).status == 0)
        #expect(try cli.run(["profile", "set", "--interests", ""]).status == 0)
        // Then the rest stays, and seq counts the two changes
        let shown = try #require(try cli.json(["profile", "show"]) as? [String: Any])
        #expect(shown["name"] as? String == "Zoë Müller")
        #expect(shown["location"] as? String == "Hamburg")
        #expect(shown["interests"] as? [String] == [])
        #expect(shown["visibility"] as? String == "public")
        #expect(shown["seq"] as? Int == 3)
        let updatedAt = try #require(shown["updatedAt"] as? String)
        #expect(ISO8601.date(updatedAt) != nil && updatedAt.hasSuffix("Z"))
    }

    @Test func savingTheSameValuesIsNoChange() throws {
        defer { cli.cleanUp() }
        let saved = try cli.run(["profile", "set", "--name", "Anna"])
        #expect(saved.status == 0)
        #expect(saved.stdout.hasPrefix("saved (seq 1)\n"))
        #expect(saved.stdout.contains("name        Anna\n"))
        let again = try cli.run(["profile", "set", "--name", "Anna"])
        #expect(again.status == 0)
        #expect(again.stdout.hasPrefix("no change (seq 1)\n"))
        #expect((try cli.json(["profile", "show"]) as? [String: Any])?["seq"] as? Int == 1)
    }

    @Test func invalidValuesAreRefusedAndNothingIsSaved() throws {
        defer { cli.cleanUp() }
        let cases: [([String], String)] = [
            (["profile", "set"], "give at least one of --name"),
            (["profile", "set", "--allow-contact-sharing", "yes"], "'yes' is invalid"),
            (["profile", "set", "--name", String(repeating: "n", count: 65)], "at most 64"),
            (["profile", "set", "--location", String(repeating: "東", count: 22)], "66 bytes"),
            (["profile", "set", "--interests", (0..<13).map { "t\($0)" }.joined(separator: ",")], "at most 12"),
            (["profile", "set", "--interests", String(repeating: "i", count: 33)], "at most 32 per interest"),
            (["profile", "set", "--name", "a\u{1B}b"], "control character"),
            (["profile", "set", "--visibility", "everyone"], "'everyone' is invalid"),
        ]
        for (arguments, reason) in cases {
            let result = try cli.run(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(reason), "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(arguments)")
        }
        #expect((try cli.json(["profile", "show"]) as? [String: Any])?["seq"] as? Int == 0)
    }

    @Test func concurrentIdenticalSetsMakeOneChange() throws {
        defer { cli.cleanUp() }
        #expect(try cli.run(["profile", "show"]).status == 0)  // creates the data directory and identity
        // When six processes set the same visibility at once
        let results = try cli.runTogether(6, ["profile", "set", "--visibility", "friends"])
        // Then one of them saved it and the others found it already made; the friends key was made
        // once (seq 2: the visibility, then the record sealed under the new key)
        for result in results { #expect(result.status == 0, "\(result.stderr)") }
        let firstLines = results.map { $0.stdout.split(separator: "\n").first.map(String.init) }
        #expect(firstLines.filter { $0 == "saved (seq 2)" }.count == 1, "\(firstLines)")
        #expect(firstLines.filter { $0 == "no change (seq 2)" }.count == 5, "\(firstLines)")
        let shown = try #require(try cli.json(["profile", "show"]) as? [String: Any])
        #expect(shown["visibility"] as? String == "friends")
        #expect((shown["audienceKey"] as? [String: Any])?["generation"] as? Int == 0)
    }

    @Test func sharingSwitchesAreOffUntilTurnedOnAndLeaveSeqAlone() throws {
        defer { cli.cleanUp() }
        // Given a new profile, Then both switches are off and no key exists
        let fresh = try #require(try cli.json(["profile", "show"]) as? [String: Any])
        #expect(fresh["shareWithDiscoveryPeers"] as? Bool == false)
        #expect(fresh["allowContactSharing"] as? Bool == false)
        #expect(fresh["audienceKey"] is NSNull)
        // When one switch is turned on
        let saved = try #require(
            try cli.json(["profile", "set", "--share-with-discovery-peers", "on", "--json"]) as? [String: Any])
        // Then it is on, the other stays off, and the record (seq) is untouched
        #expect(saved["shareWithDiscoveryPeers"] as? Bool == true)
        #expect(saved["allowContactSharing"] as? Bool == false)
        #expect(saved["seq"] as? Int == 0)
        let human = try cli.run(["profile", "set", "--allow-contact-sharing", "on"])
        #expect(human.stdout.hasPrefix("saved (seq 0)\n"), "\(human.stdout)")
        #expect(human.stdout.contains("discovery   on: "))
        #expect(human.stdout.contains("sharing     on: "))
        #expect(try cli.run(["profile", "set", "--allow-contact-sharing", "on"]).stdout.hasPrefix("no change (seq 0)"))
        let shown = try #require(try cli.json(["profile", "show"]) as? [String: Any])
        #expect(shown["allowContactSharing"] as? Bool == true)
    }

    @Test func aContactsProfileShowsItsKeyAndBlockingRotatesIt() throws {
        defer { cli.cleanUp() }
        let anna = Fixtures.peerID(1).text
        #expect(try cli.run(["contacts", "add", anna, "--name", "Anna"]).status == 0)
        // When the profile becomes contacts-only
        let saved = try #require(try cli.json(["profile", "set", "--visibility", "contacts"]) as? [String: Any])
        // Then a first key exists, shown by ID (16 hex digits) and never by its bytes, and seq
        // counts the visibility and the sealed record
        let key = try #require(saved["audienceKey"] as? [String: Any])
        let id = try #require(key["id"] as? String)
        #expect(key["audience"] as? String == "contacts" && key["generation"] as? Int == 0)
        #expect(id.count == 16 && HexBytes.decode(id) != nil)
        #expect(Set(key.keys) == ["audience", "id", "generation"])
        #expect(saved["seq"] as? Int == 2)
        #expect(try cli.run(["profile", "show"]).stdout.contains("key         contacts, id \(id), generation 0\n"))
        // When Anna is blocked, Then the key rotates and seq rises; unblocking keeps the new key
        #expect(try cli.run(["contacts", "block", anna]).status == 0)
        let blocked = try #require(try cli.json(["profile", "show"]) as? [String: Any])
        let rotated = try #require(blocked["audienceKey"] as? [String: Any])
        #expect(rotated["generation"] as? Int == 1 && rotated["id"] as? String != id)
        #expect(blocked["seq"] as? Int == 3)
        #expect(try cli.run(["contacts", "unblock", anna]).status == 0)
        #expect(((try cli.json(["profile", "show"]) as? [String: Any])?["seq"]) as? Int == 3)
        // When she is removed, Then it rotates again
        #expect(try cli.run(["contacts", "remove", anna]).status == 0)
        let removed = try #require(try cli.json(["profile", "show"]) as? [String: Any])
        #expect((removed["audienceKey"] as? [String: Any])?["generation"] as? Int == 2)
        #expect(removed["seq"] as? Int == 4)
    }
}
