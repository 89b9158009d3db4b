import Foundation
import PeerdexTestSupport
import Testing

/// What the command line says when its data directory or database is unusable.
@Suite(.timeLimit(.minutes(2))) struct DataDirectoryFailureTests {
    let cli = CommandRunner()

    func expectCleanFailure(_ result: CommandRunner.Result, mentioning text: String) {
        #expect(result.status != 0)
        #expect(result.stderr.contains(text), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test func dataDirectoryThatIsAFile() throws {
        let path = NSTemporaryDirectory() + "peerdex-file-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: path, contents: Data("x".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try CommandRunner(dataDirectory: path).run(["contacts", "list"])
        expectCleanFailure(result, mentioning: "is not a directory")
    }

    @Test func databaseThatIsNotSQLite() throws {
        defer { cli.cleanUp() }
        try FileManager.default.createDirectory(atPath: cli.dataDirectory, withIntermediateDirectories: true)
        let garbage = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        FileManager.default.createFile(atPath: cli.dataDirectory + "/contacts.sqlite", contents: garbage)
        expectCleanFailure(try cli.run(["contacts", "list"]), mentioning: "is not a peerdex database")
        #expect(try Data(contentsOf: URL(fileURLWithPath: cli.dataDirectory + "/contacts.sqlite")) == garbage)
    }

    @Test func databaseFromANewerPeerdex() throws {
        defer { cli.cleanUp() }
        #expect(try cli.run(["contacts", "list"]).status == 0)
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [
            cli.dataDirectory + "/contacts.sqlite", "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')",
        ]
        try sqlite.runSerialized()
        sqlite.waitUntilExit()
        try #require(sqlite.terminationStatus == 0)
        expectCleanFailure(try cli.run(["contacts", "list"]), mentioning: "newer peerdex")
    }

    @Test func damagedIdentityKey() throws {
        defer { cli.cleanUp() }
        #expect(try cli.run(["id"]).status == 0)
        FileManager.default.createFile(atPath: cli.dataDirectory + "/identity.key", contents: Data("short".utf8))
        expectCleanFailure(try cli.run(["id"]), mentioning: "is damaged")
    }

    @Test func importOfMissingOrUnreadableFiles() throws {
        defer { cli.cleanUp() }
        expectCleanFailure(try cli.run(["contacts", "import", "/nonexistent/contacts.vcf"]), mentioning: "cannot read")
        let binary = NSTemporaryDirectory() + "peerdex-\(UUID().uuidString).vcf"
        FileManager.default.createFile(atPath: binary, contents: Data([0xFF, 0xFE, 0x00, 0xC3]))
        defer { try? FileManager.default.removeItem(atPath: binary) }
        expectCleanFailure(try cli.run(["contacts", "import", binary]), mentioning: "not UTF-8")
        let json = NSTemporaryDirectory() + "peerdex-\(UUID().uuidString).json"
        FileManager.default.createFile(atPath: json, contents: Data("{not json".utf8))
        defer { try? FileManager.default.removeItem(atPath: json) }
        expectCleanFailure(try cli.run(["contacts", "import", json]), mentioning: "not a JSON array")
    }

    @Test func twoProcessesWriteTheSameBookAtOnce() throws {
        defer { cli.cleanUp() }
        #expect(try cli.run(["id"]).status == 0)
        let batches = [(100..<150), (200..<250)].map { range in range.map { Fixtures.peerID($0).text } }
        let processes = try batches.map { ids -> Process in
            let process = Process()
            process.executableURL = CommandRunner.executable
            process.arguments = ["contacts", "add", "-", "--data-dir", cli.dataDirectory]
            let input = Pipe()
            process.standardInput = input
            process.standardOutput = FileHandle.nullDevice
            try process.runSerialized()
            input.fileHandleForWriting.write(Data(ids.joined(separator: "\n").utf8))
            try input.fileHandleForWriting.close()
            return process
        }
        for process in processes {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        #expect((try cli.json(["contacts", "list"]) as? [Any])?.count == 100)
    }
}
