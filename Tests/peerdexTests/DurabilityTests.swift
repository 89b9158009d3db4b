import Foundation
import PeerdexCore
import PeerdexStore
import PeerdexTestSupport
import Testing

/// Nothing acknowledged is lost: SIGKILL in the middle of a stream of writes.
@Suite(.serialized, .timeLimit(.minutes(2))) struct DurabilityTests {
    @Test(arguments: [5, 40, 120])
    func everyAcknowledgedWriteSurvivesSIGKILL(killAfter acknowledgements: Int) throws {
        let cli = CommandRunner()
        defer { cli.cleanUp() }
        try #require(try cli.run(["id"]).status == 0)
        // The feeding thread writes into a pipe whose reader is about to be killed: it must get
        // EPIPE, not a SIGPIPE that would end the test runner.
        signal(SIGPIPE, SIG_IGN)

        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = ["contacts", "add", "-", "--data-dir", cli.dataDirectory]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.runSerialized()

        // Feed IDs from another thread so that writes keep streaming while this one reads.
        let writer = input.fileHandleForWriting
        Thread.detachNewThread {
            for index in 0..<5_000 {
                let line = Data((Fixtures.peerID(10_000 + index).text + "\n").utf8)
                do { try writer.write(contentsOf: line) } catch { return }
            }
        }

        var acknowledged = [String]()
        var buffer = Data()
        let descriptor = output.fileHandleForReading.fileDescriptor
        var chunk = [UInt8](repeating: 0, count: 4096)
        while acknowledged.count < acknowledgements {
            // Plain read(2): it returns as soon as some output is there, which is what makes the
            // kill land in the middle of the stream rather than at its end.
            let count = read(descriptor, &chunk, chunk.count)
            if count <= 0 { break }
            buffer.append(contentsOf: chunk[0..<count])
            while let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                if line.hasPrefix("added ") { acknowledged.append(String(line.dropFirst(6))) }
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? writer.close()
        #expect(process.terminationReason == .uncaughtSignal)
        try #require(acknowledged.count >= acknowledgements)

        let database = try ContactDatabase.open(at: cli.dataDirectory + "/contacts.sqlite")
        #expect(try database.integrityCheck() == "ok")
        let stored = Set(try database.contacts(in: .all).map(\.peerID.text))
        let lost = acknowledged.filter { !stored.contains($0) }
        #expect(lost.isEmpty, "lost \(lost.count) acknowledged writes")
    }
}

/// Many processes starting at once on one data directory, as scripts and a TUI do.
@Suite(.timeLimit(.minutes(2))) struct FirstUseRaceTests {
    @Test func dozensOfProcessesOnAFreshDataDirectoryAgreeOnOneIdentityAndOneBook() throws {
        let cli = CommandRunner()
        defer { cli.cleanUp() }
        let results = try cli.runTogether(32, ["id", "--json"])
        #expect(results.filter { $0.status != 0 }.map(\.stderr) == [])
        let peerIDs = Set(results.map { $0.stdout })
        #expect(peerIDs.count == 1, "\(peerIDs)")
        let listed = try cli.runTogether(16, ["contacts", "list", "--json"])
        #expect(listed.filter { $0.status != 0 }.map(\.stderr) == [])
    }

    @Test func dozensOfProcessesMigrateAVersionOneKeyToTheSameFile() throws {
        let cli = CommandRunner()
        defer { cli.cleanUp() }
        try FileManager.default.createDirectory(atPath: cli.dataDirectory, withIntermediateDirectories: true)
        let seed = Data((0..<32).map { UInt8($0 * 7 & 0xFF) })
        let keyPath = cli.dataDirectory + "/identity.key"
        FileManager.default.createFile(atPath: keyPath, contents: seed, attributes: [.posixPermissions: 0o600])
        let results = try cli.runTogether(24, ["id", "--json"])
        #expect(results.filter { $0.status != 0 }.map(\.stderr) == [])
        #expect(Set(results.map { $0.stdout }).count == 1)
        let text = try String(contentsOfFile: keyPath, encoding: .utf8)
        #expect(text.contains("version 2\ned25519-seed \(seed.base64EncodedString())\nx25519-private "))
    }
}
