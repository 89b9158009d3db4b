import Foundation
import PeerdexCore
import PeerdexTestSupport
import Testing

/// `peerdex demo --no-tui`: real nodes that answer, a directory that goes with them unless kept,
/// a signal that stops everything, and clear refusals.
@Suite(.serialized, .timeLimit(.minutes(2))) struct DemoCommandTests {
    /// A running headless demo and where it lives.
    final class RunningDemo {
        let process = Process()
        let output = Pipe()
        let temporary: String
        private(set) var directory = ""

        /// Starts `peerdex demo --no-tui` with `arguments`, its temporary directory under a fresh
        /// TMPDIR, and waits for the line that says where it is.
        init(_ arguments: [String]) throws {
            temporary = NSTemporaryDirectory() + "peerdex-demo-test-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            process.executableURL = CommandRunner.executable
            process.arguments = ["demo", "--no-tui"] + arguments
            var environment = ProcessInfo.processInfo.environment
            environment["TMPDIR"] = temporary
            process.environment = environment
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.runSerialized()
            let first = String(decoding: output.fileHandleForReading.nextChunk(), as: UTF8.self)
            guard let range = first.range(of: " up in ") else { throw DemoDidNotStart(output: first) }
            directory = String(first[range.upperBound...].prefix { $0 != "\n" })
        }

        /// The manifest the demo wrote.
        func manifest() throws -> [String: Any] {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/demo.json"))
            return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }

        /// Sends `signal` and waits for the exit.
        func stop(_ signal: Int32) {
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
        }

        deinit {
            if process.isRunning { stop(SIGKILL) }
            try? FileManager.default.removeItem(atPath: temporary)
        }
    }

    /// Whether a node answers a handshake at `address` within a second.
    static func answers(_ address: String) throws -> Bool {
        let runner = CommandRunner()
        defer { runner.cleanUp() }
        return try runner.run(["ping", address, "--count", "1", "--timeout", "1"]).status == 0
    }

    @Test func nodesAnswerUntilCtrlCThenTheDirectoryIsGone() throws {
        let demo = try RunningDemo(["--nodes", "8"])
        let manifest = try demo.manifest()
        let people = try #require(manifest["people"] as? [[String: Any]])
        #expect(people.count == 8)
        #expect(demo.directory.hasPrefix(demo.temporary), "a temporary directory under TMPDIR: \(demo.directory)")
        let user = try #require(manifest["user"] as? [String: Any])
        let userDirectory = try #require(user["dataDirectory"] as? String)
        #expect(userDirectory.hasPrefix(demo.directory), "the demo user lives inside the demo directory")

        // Every node is a real one: a handshake answers at its address, as its peer.
        let addresses = people.compactMap { $0["address"] as? String }
        for address in [addresses[0], addresses[1], addresses[7]] {
            #expect(try Self.answers(address), "\(address) answers")
        }
        // The user's book holds the people the population says it knows.
        let book = CommandRunner(dataDirectory: userDirectory)
        let contacts = try #require(try book.json(["contacts", "list"]) as? [[String: Any]])
        let inBook = people.filter { ($0["relation"] as? String) != "stranger" }.compactMap { $0["peerId"] as? String }
        #expect(Set(contacts.compactMap { $0["peerId"] as? String }) == Set(inBook))

        demo.stop(SIGINT)
        #expect(demo.process.terminationReason == .uncaughtSignal || demo.process.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: demo.directory), "removed on exit")
        #expect(try !Self.answers(addresses[0]), "node 0 stopped with the demo")
    }

    @Test func keepLeavesTheDirectoryAfterSIGTERM() throws {
        let demo = try RunningDemo(["--nodes", "8", "--keep", "--seed", "5"])
        #expect(try demo.manifest()["seed"] as? Int == 5)
        demo.stop(SIGTERM)
        #expect(FileManager.default.fileExists(atPath: demo.directory + "/demo.json"), "kept with --keep")
    }

    @Test func refusesWhatItCannotDo() throws {
        let runner = CommandRunner()
        defer { runner.cleanUp() }
        let tooFew = try runner.run(["demo", "--nodes", "3"], dataDir: false)
        #expect(tooFew.status != 0)
        #expect(tooFew.stderr.contains("--nodes must be 8 to 200"), "\(tooFew.stderr)")

        let occupied = runner.dataDirectory + "/occupied"
        try FileManager.default.createDirectory(atPath: occupied, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: occupied + "/mine.txt", contents: Data("keep me".utf8))
        let refused = try runner.run(["demo", "--no-tui", "--directory", occupied], dataDir: false)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("is not empty"), "\(refused.stderr)")
        #expect(FileManager.default.fileExists(atPath: occupied + "/mine.txt"), "nothing of the user's is touched")
    }
}

/// The demo printed something other than its ready line.
struct DemoDidNotStart: Error, CustomStringConvertible {
    var output: String
    var description: String { "peerdex demo did not start: '\(output)'" }
}
