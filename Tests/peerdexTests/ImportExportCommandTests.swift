import Foundation
import PeerdexCore
import PeerdexTestSupport
import Testing

/// Export → import through real files and processes.
@Suite(.timeLimit(.minutes(2))) struct ImportExportCommandTests {
    let source = CommandRunner()
    let target = CommandRunner()

    func fill(_ cli: CommandRunner) throws {
        let people: [[String]] = [
            [Fixtures.peerID(1).text, "--name", "Zoë Müller", "--alias", "Zo, the \"great\"", "--note", "line1\nline2; x\\y",
             "--interests", "jazz,rock climbing", "--location", "Saint-Étienne", "--privacy", "friends", "--friend"],
            [Fixtures.peerID(2).text, "--name", "東京タワー 👩‍👩‍👧", "--note", String(repeating: "長いメモ😀", count: 40)],
            [Fixtures.peerID(3).text],
            [Fixtures.peerID(4).text, "--name", "محمد علي", "--privacy", "public"],
        ]
        for arguments in people { try #require(try cli.run(["contacts", "add"] + arguments).status == 0) }
        try #require(try cli.run(["contacts", "favorite", Fixtures.peerID(2).text]).status == 0)
        try #require(try cli.run(["contacts", "block", Fixtures.peerID(4).text]).status == 0)
    }

    func exportJSON(_ cli: CommandRunner) throws -> String {
        let result = try cli.run(["contacts", "export", "--format", "json"])
        try #require(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    @Test(arguments: ["vcf", "json"])
    func exportThenImportIntoAnEmptyBookGivesBackEveryField(format: String) throws {
        defer { source.cleanUp(); target.cleanUp() }
        try fill(source)
        let file = NSTemporaryDirectory() + "peerdex-export-\(UUID().uuidString).\(format)"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try #require(try source.run(["contacts", "export", "--output", file]).status == 0)

        let imported = try target.run(["contacts", "import", file])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.hasSuffix("4 imported, 0 updated, 0 skipped\n"), "\(imported.stdout)")
        #expect(try exportJSON(target) == exportJSON(source))

        let again = try #require(try target.json(["contacts", "import", file]) as? [[String: Any]])
        #expect(again.map { $0["action"] as? String } == Array(repeating: "skipped", count: 4))
    }

    @Test func importReportsEveryEntryAndKeepsGoing() throws {
        defer { target.cleanUp() }
        let good = Fixtures.peerID(7).text
        var typo = Array(Fixtures.peerID(8).text)
        typo[3] = typo[3] == "q" ? "r" : "q"
        let vcf = """
            BEGIN:VCARD\r\nVERSION:4.0\r\nFN:No Address\r\nEMAIL:someone@example.org\r\nEND:VCARD\r
            BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Good\r\nIMPP:peerdex:\(good)\r\nEND:VCARD\r
            BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Typo\r\nIMPP:peerdex:\(String(typo))\r\nEND:VCARD\r
            BEGIN:VCARD\r\nVERSION:4.0\r\nFN broken line\r\nEND:VCARD\r
            BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Good again\r\nNOTE:more\r\nIMPP:peerdex:\(good)\r\nEND:VCARD\r\n
            """
        let file = NSTemporaryDirectory() + "peerdex-import-\(UUID().uuidString).vcf"
        try vcf.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let report = try #require(try target.json(["contacts", "import", file]) as? [[String: Any]])
        #expect(report.map { $0["action"] as? String } == ["skipped", "imported", "skipped", "skipped", "updated"])
        #expect((report[0]["reason"] as? String)?.contains("no peerdex address") == true)
        #expect((report[2]["reason"] as? String)?.contains("mistyped") == true)
        #expect(report[3]["reason"] is String)
        let contact = try #require(try target.json(["contacts", "show", good]) as? [String: Any])
        #expect(contact["name"] as? String == "Good again")
        #expect(contact["note"] as? String == "more")
    }

    @Test func jsonImportSkipsBadEntries() throws {
        defer { target.cleanUp() }
        let json = """
            [{"peerId": "\(Fixtures.peerID(5).text)", "name": "Ok"}, {"name": "no id"}, 42,
             {"peerId": "\(Fixtures.peerID(6).text)", "privacy": "secret"},
             {"peerId": "\(Fixtures.peerID(9).text)", "addedAt": "yesterday"},
             {"peerId": "\(Fixtures.peerID(10).text)", "addedAt": "2026-02-31T00:00:00.000Z"},
             {"peerId": "\(Fixtures.peerID(11).text)", "lastSeen": "2026-12-31T23:59:60.000Z"}]
            """
        let file = NSTemporaryDirectory() + "peerdex-import-\(UUID().uuidString).json"
        try json.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = try target.run(["contacts", "import", file])
        #expect(result.status == 0)
        #expect(result.stdout.contains("missing \"peerId\""))
        #expect(result.stdout.contains("unknown privacy level 'secret'"))
        #expect(result.stdout.contains("addedAt 'yesterday' is not an ISO 8601 time"))
        #expect(result.stdout.contains("addedAt '2026-02-31T00:00:00.000Z': day 31 is impossible (01-28 in February 2026)"))
        #expect(result.stdout.contains("lastSeen '2026-12-31T23:59:60.000Z': second 60 is impossible (00-59)"))
        #expect(result.stdout.hasSuffix("1 imported, 0 updated, 6 skipped\n"), "\(result.stdout)")
    }

    @Test func anExportThatCannotBeWrittenLeavesTheOldFileAndSaysWhy() throws {
        defer { source.cleanUp() }
        let note = String(repeating: "x", count: 30_000)
        for seed in 1...6 {
            try #require(try source.run(["contacts", "add", Fixtures.peerID(seed).text, "--note", note]).status == 0)
        }
        let output = source.dataDirectory + "/export.json"
        try "the previous export".write(toFile: output, atomically: true, encoding: .utf8)
        // A full disk, as seen by the writer: a 64 KiB file-size limit (SIGXFSZ ignored, so that
        // write(2) fails with EFBIG); the book's own files are smaller than that.
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        let command = [CommandRunner.executable.path, "contacts", "export", "--output", output, "--data-dir", source.dataDirectory]
        shell.arguments = ["-c", "trap '' XFSZ; ulimit -f 128; exec \"$@\"", "sh"] + command
        let errors = Pipe()
        shell.standardError = errors
        try shell.runSerialized()
        let message = String(decoding: errors.fileHandleForReading.readToEndRetryingInterrupts(), as: UTF8.self)
        shell.waitUntilExit()
        #expect(shell.terminationStatus != 0)
        #expect(message.contains("cannot write \(output): File too large"), "\(message)")
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "the previous export")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: source.dataDirectory).filter { $0.hasPrefix(".export") }
        #expect(leftovers == [])
    }
}
