import ArgumentParser
import Foundation
import PeerdexTestSupport
import Testing

@testable import peerdex

/// Global options (`--data-dir`) are accepted before and after the subcommand, for every command.
@Suite struct GlobalOptionsTests {
    /// The smallest valid arguments of every leaf command, by command path.
    static let minimalArguments: [String: [String]] = [
        "tui": [],
        "id": [],
        "contacts add": [Fixtures.peerID(1).text],
        "contacts list": [],
        "contacts search": ["anna"],
        "contacts show": [Fixtures.peerID(1).text],
        "contacts favorite": [Fixtures.peerID(1).text],
        "contacts unfavorite": [Fixtures.peerID(1).text],
        "contacts block": [Fixtures.peerID(1).text],
        "contacts unblock": [Fixtures.peerID(1).text],
        "contacts remove": [Fixtures.peerID(1).text],
        "contacts import": ["book.vcf"],
        "contacts export": [],
        "profile set": ["--name", "Anna"],
        "profile show": [],
        "node": ["--listen", "127.0.0.1:0"],
        "ping": ["127.0.0.1:7447"],
        "lookup": [Fixtures.peerID(1).text, "--bootstrap", "127.0.0.1:7447"],
        "search": ["anna", "--bootstrap", "127.0.0.1:7447"],
        "nearby": ["--wait", "1"],
        "invite": [],
    ]

    /// Every leaf command reachable from the root, as its path of names.
    static func leafCommands(_ command: any ParsableCommand.Type = Peerdex.self, path: [String] = []) -> [[String]] {
        let subcommands = command.configuration.subcommands
        if subcommands.isEmpty { return [path] }
        return subcommands.flatMap { leafCommands($0, path: path + [$0._commandName]) }
    }

    /// Commands that refuse `--data-dir` with a reason, because they never open one.
    static let refusingDataDirectory: Set<String> = ["demo"]

    @Test func theTableCoversEveryCommand() {
        let leaves = Set(Self.leafCommands().map { $0.joined(separator: " ") })
        #expect(leaves == Set(Self.minimalArguments.keys).union(Self.refusingDataDirectory), "add the new command to minimalArguments")
    }

    @Test func theDemoRefusesADataDirectoryWhereverItIsGiven() throws {
        #expect(try Peerdex.parseAsRoot(["demo", "--nodes", "8"]) is Peerdex.Demo)
        for placement in [["--data-dir", "/tmp/d", "demo"], ["demo", "--data-dir", "/tmp/d"]] {
            do {
                _ = try Peerdex.parseAsRoot(placement)
                Issue.record("\(placement) was accepted")
            } catch {
                #expect(Peerdex.message(for: error).contains("never opens a data directory"), "\(placement)")
            }
        }
    }

    @Test(arguments: minimalArguments.keys.sorted())
    func dataDirectoryBeforeOrAfterTheSubcommand(_ path: String) throws {
        let names = path.split(separator: " ").map(String.init)
        let arguments = names + Self.minimalArguments[path]!
        let placements = [
            ["--data-dir", "/tmp/d"] + arguments,
            arguments + ["--data-dir", "/tmp/d"],
            ["--data-dir=/tmp/d"] + arguments,
        ]
        for placement in placements {
            let parsed = try Peerdex.parseAsRoot(placement)
            let command = try #require(parsed as? any GlobalOptionsCommand, "\(placement) parsed as \(type(of: parsed))")
            #expect(command.global.dataDirectory == "/tmp/d", "\(placement)")
            #expect(type(of: command)._commandName == names.last, "\(placement)")
        }
    }

    @Test func noSubcommandIsTheTUI() throws {
        #expect(try Peerdex.parseAsRoot([]) is Peerdex.Tui)
        let withDirectory = try #require(try Peerdex.parseAsRoot(["--data-dir", "/tmp/d"]) as? Peerdex.Tui)
        #expect(withDirectory.global.dataDirectory == "/tmp/d")
    }

    @Test(arguments: minimalArguments.keys.sorted())
    func helpShowsTheGlobalOption(_ path: String) throws {
        let names = path.split(separator: " ").map(String.init)
        let command = try #require(Peerdex.parseAsRoot(names + Self.minimalArguments[path]!) as? any GlobalOptionsCommand)
        #expect(Peerdex.helpMessage(for: type(of: command)).contains("--data-dir <dir>"))
    }

    @Test func theBinaryGivesTheSameResultInBothOrders() throws {
        let cli = CommandRunner()
        defer { cli.cleanUp() }
        let before = try cli.run(["--data-dir", cli.dataDirectory, "id", "--json"], dataDir: false)
        let after = try cli.run(["id", "--json"])
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout == after.stdout)
        #expect(try cli.run(["--data-dir", cli.dataDirectory, "contacts", "add", Fixtures.peerID(3).text], dataDir: false).status == 0)
        let listBefore = try cli.run(["--data-dir", cli.dataDirectory, "contacts", "list", "--json"], dataDir: false)
        let listAfter = try cli.run(["contacts", "list", "--json"])
        #expect(listBefore.status == 0, "\(listBefore.stderr)")
        #expect(listBefore.stdout == listAfter.stdout)
        #expect(listBefore.stdout.contains(Fixtures.peerID(3).text))
    }
}
