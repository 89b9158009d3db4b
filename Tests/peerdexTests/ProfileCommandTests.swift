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
        // Then one of them saved it as seq 1 and the others found it already made
        for result in results { #expect(result.status == 0, "\(result.stderr)") }
        let firstLines = results.map { $0.stdout.split(separator: "\n").first.map(String.init) }
        #expect(firstLines.filter { $0 == "saved (seq 1)" }.count == 1, "\(firstLines)")
        #expect(firstLines.filter { $0 == "no change (seq 1)" }.count == 5, "\(firstLines)")
        #expect((try cli.json(["profile", "show"]) as? [String: Any])?["visibility"] as? String == "friends")
    }
}
