import Foundation
import PeerdexCore
import PeerdexTestSupport
import Testing

/// End-to-end runs of the real binary on a temporary data directory.
@Suite(.timeLimit(.minutes(2))) struct ContactsCommandTests {
    let cli = CommandRunner()
    let anna = Fixtures.peerID(1).text
    let bert = Fixtures.peerID(2).text

    @Test func idIsCreatedOnceWithPrivateKeyFile() throws {
        let first = try #require(try cli.json(["id"]) as? [String: String])
        let second = try #require(try cli.json(["id"]) as? [String: String])
        #expect(first == second)
        let peerID = try #require(first["peerId"])
        #expect(first["invite"] == "peerdex://\(peerID)")
        #expect(try PeerID(parsing: peerID).text == peerID)
        let attributes = try FileManager.default.attributesOfItem(atPath: cli.dataDirectory + "/identity.key")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        cli.cleanUp()
    }

    @Test func addListSearchFavoriteBlockRoundTrip() throws {
        defer { cli.cleanUp() }
        #expect(try cli.run(["contacts", "add", anna, "--name", "Zoë Müller", "--interests", "jazz, climbing"]).status == 0)
        #expect(try cli.run(["contacts", "add", "peerdex://\(bert)@127.0.0.1:4001?name=Bert%20B", "--friend"]).status == 0)

        let all = try #require(try cli.json(["contacts", "list"]) as? [[String: Any]])
        #expect(all.map { $0["name"] as? String } == ["Bert B", "Zoë Müller"])
        let zoe = try #require(all.last)
        for key in ["peerId", "name", "alias", "note", "interests", "favorite", "blocked", "friend", "addedAt", "lastSeen"] {
            #expect(zoe.keys.contains(key), "missing \(key)")
        }
        #expect(zoe["interests"] as? [String] == ["jazz", "climbing"])
        #expect((zoe["addedAt"] as? String)?.hasSuffix("Z") == true)

        let found = try #require(try cli.json(["contacts", "search", "muller"]) as? [[String: Any]])
        #expect(found.map { $0["peerId"] as? String } == [anna])

        #expect(try cli.run(["contacts", "favorite", anna]).stdout == "★ Zoë Müller is a favorite\n")
        let favorites = try #require(try cli.json(["contacts", "list", "--favorites"]) as? [[String: Any]])
        #expect(favorites.map { $0["peerId"] as? String } == [anna])

        #expect(try cli.run(["contacts", "block", anna]).status == 0)
        #expect((try cli.json(["contacts", "list"]) as? [[String: Any]])?.count == 1)
        #expect((try cli.json(["contacts", "list", "--favorites"]) as? [[String: Any]])?.isEmpty == true)
        #expect((try cli.json(["contacts", "search", "zoe"]) as? [[String: Any]])?.isEmpty == true)
        let blocked = try #require(try cli.json(["contacts", "list", "--blocked"]) as? [[String: Any]])
        #expect(blocked.map { $0["blocked"] as? Bool } == [true])

        #expect(try cli.run(["contacts", "unblock", anna]).stdout == "Zoë Müller is no longer blocked\n")
        #expect((try cli.json(["contacts", "list", "--favorites"]) as? [[String: Any]])?.count == 1)
        let recent = try #require(try cli.json(["contacts", "list", "--recent"]) as? [[String: Any]])
        #expect(recent.first?["peerId"] as? String == anna)

        let shown = try #require(try cli.json(["contacts", "show", anna]) as? [String: Any])
        #expect(shown["favorite"] as? Bool == true)
        #expect(shown["connectionHistory"] is [Any])

        #expect(try cli.run(["contacts", "remove", bert]).status == 0)
        #expect(try cli.run(["contacts", "show", bert]).status != 0)
    }

    @Test func humanOutputIsReadable() throws {
        defer { cli.cleanUp() }
        let added = try cli.run(["contacts", "add", anna, "--name", "Anna"])
        #expect(added.stdout == "added Anna (\(anna))\n")
        let list = try cli.run(["contacts", "list"])
        #expect(list.stdout.hasPrefix(anna))
        #expect(list.stdout.contains("Anna"))
        let show = try cli.run(["contacts", "show", anna])
        #expect(show.stdout.contains("privacy      private"))
        let empty = try cli.run(["contacts", "list", "--favorites"])
        #expect(empty.status == 0 && empty.stdout.isEmpty && empty.stderr.contains("no favorites yet"))
    }

    @Test func everyMalformedIDIsRefusedWithOneClearLine() throws {
        defer { cli.cleanUp() }
        var changed = Array(anna)
        changed[10] = changed[10] == "a" ? "b" : "a"
        let cases: [(String, String)] = [
            (String(changed), "mistyped"),
            (String(anna.dropLast()), "55 (1 missing)"),
            (anna + "a", "57 (1 too many)"),
            (anna.uppercased(), "lowercase"),
            ("peerdex://\(anna)@nowhere", "no port"),
            ("https://example.org", "not a peerdex invite"),
        ]
        for (text, reason) in cases {
            for command in [["contacts", "add", text], ["contacts", "show", text], ["contacts", "favorite", text]] {
                let result = try cli.run(command)
                #expect(result.status != 0, "\(command)")
                #expect(result.stderr.contains(reason), "\(command): \(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
                #expect(result.stdout.isEmpty)
            }
        }
        #expect((try cli.json(["contacts", "list"]) as? [Any])?.isEmpty == true)
    }

    @Test func anEmptySearchIsAUsageError() throws {
        defer { cli.cleanUp() }
        let result = try cli.run(["contacts", "search", "  "])
        #expect(result.status != 0)
        #expect(result.stderr.contains("give something to search for"))
    }

    @Test func unknownContactsAndDuplicatesAreErrors() throws {
        defer { cli.cleanUp() }
        for command in ["show", "favorite", "unfavorite", "block", "unblock", "remove"] {
            let result = try cli.run(["contacts", command, anna])
            #expect(result.status != 0)
            #expect(result.stderr.contains("no contact with peer ID \(anna)"), "\(command): \(result.stderr)")
        }
        #expect(try cli.run(["contacts", "add", anna]).status == 0)
        let again = try cli.run(["contacts", "add", anna])
        #expect(again.status != 0 && again.stderr.contains("already in your contacts"))
        let own = try #require((try cli.json(["id"]) as? [String: String])?["peerId"])
        let ownAdd = try cli.run(["contacts", "add", own])
        #expect(ownAdd.status != 0 && ownAdd.stderr.contains("your own peer ID"))
    }

    @Test func addingFromStandardInputReportsEachCommit() throws {
        defer { cli.cleanUp() }
        let ids = (10..<20).map { Fixtures.peerID($0).text }
        let result = try cli.run(["contacts", "add", "-"], input: (ids + ["not-an-id", ""]).joined(separator: "\n"))
        #expect(result.stdout.split(separator: "\n").map(String.init) == ids.map { "added \($0)" })
        #expect(result.stderr.contains("not-an-id"))
        #expect(result.status != 0)
        #expect((try cli.json(["contacts", "list"]) as? [Any])?.count == 10)
    }
}
