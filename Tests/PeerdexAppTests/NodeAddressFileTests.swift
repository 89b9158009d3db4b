import Foundation
import Logging
import PeerdexCore
import PeerdexNet
import Testing

@testable import PeerdexApp

/// `<data-dir>/node.json`: written by a running node, read by `peerdex invite`, ignored once the
/// node's process is gone, removed when the node stops.
@Suite(.timeLimit(.minutes(1))) struct NodeAddressFileTests {
    let directory = DataDirectory(explicit: NSTemporaryDirectory() + "peerdex-node-file-\(UUID().uuidString)")
    let logger = Logger(label: "test")

    init() throws { try directory.prepare() }

    @Test func publishedFileNamesThisProcessAndItsAddresses() throws {
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let bound = HostPort(host: "127.0.0.1", port: 40_123)
        NodeAddressFile.publish(bound: bound, in: directory, logger: logger)
        let file = try #require(NodeAddressFile.running(in: directory))
        let started = try #require(NodeAddressFile.processStartTime(getpid()), "Linux has /proc/self/stat")
        #expect(
            file == NodeAddressFile(pid: getpid(), started: started, listening: "127.0.0.1:40123", addresses: ["127.0.0.1:40123"]))
        #expect(file.reachable == [bound])
        // The file is JSON with these keys, for other tools too.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: NodeAddressFile.path(in: directory))))
        #expect((json as? [String: Any]).map { Set($0.keys) } == ["pid", "started", "listening", "addresses"])
    }

    @Test func withdrawRemovesOnlyTheFileOfThisNode() throws {
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let path = NodeAddressFile.path(in: directory)
        NodeAddressFile.publish(bound: HostPort(host: "127.0.0.1", port: 40_001), in: directory, logger: logger)
        // Another node (here: another port) wrote it since: it stays.
        NodeAddressFile.withdraw(bound: HostPort(host: "127.0.0.1", port: 40_002), from: directory)
        #expect(FileManager.default.fileExists(atPath: path))
        NodeAddressFile.withdraw(bound: HostPort(host: "127.0.0.1", port: 40_001), from: directory)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aFileWhoseProcessIsGoneIsIgnored() throws {
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        // A process that has exited: its ID names no process now.
        let exited = Process()
        exited.executableURL = URL(fileURLWithPath: "/bin/true")
        try exited.run()
        exited.waitUntilExit()
        let dead = NodeAddressFile(pid: exited.processIdentifier, listening: "127.0.0.1:7447", addresses: ["127.0.0.1:7447"])
        try dead.encoded().write(to: URL(fileURLWithPath: NodeAddressFile.path(in: directory)))
        #expect(!NodeAddressFile.processIsAlive(exited.processIdentifier))
        #expect(NodeAddressFile.running(in: directory) == nil)
        #expect(NodeAddressFile.running(in: directory, isAlive: { _ in true }) == dead)
        // Nor is a file that is not ours to read.
        try Data("{\"pid\": \"x\"}".utf8).write(to: URL(fileURLWithPath: NodeAddressFile.path(in: directory)))
        #expect(NodeAddressFile.running(in: directory, isAlive: { _ in true }) == nil)
    }

    @Test func aFileWhoseProcessIDNowNamesALaterProcessIsIgnored() throws {
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        // This process stands in for the later one that was given the crashed node's ID.
        let now = try #require(NodeAddressFile.processStartTime(getpid()))
        let path = URL(fileURLWithPath: NodeAddressFile.path(in: directory))
        let stale = NodeAddressFile(pid: getpid(), started: now - 1, listening: "127.0.0.1:7447", addresses: ["127.0.0.1:7447"])
        try stale.encoded().write(to: path)
        #expect(NodeAddressFile.running(in: directory) == nil)
        // The same ID and start time: the node itself.
        var current = stale
        current.started = now
        try current.encoded().write(to: path)
        #expect(NodeAddressFile.running(in: directory) == current)
        // A file of an earlier version has no start time: only the ID is checked, as before.
        try Data(#"{"pid": \#(getpid()), "listening": "127.0.0.1:7447", "addresses": []}"#.utf8).write(to: path)
        #expect(NodeAddressFile.running(in: directory)?.started == nil)
        #expect(NodeAddressFile.running(in: directory)?.pid == getpid())
    }

    @Test func theStartTimeIsCountedFromTheLastParenthesisOfTheStatLine() {
        // A command name may hold spaces and parentheses; starttime is field 22 (here 8675309).
        let fields = (3...52).map { $0 == 22 ? "8675309" : "\($0)" }.joined(separator: " ")
        #expect(NodeAddressFile.startTime(fromStat: "4242 (a (b) c) " + fields + "\n") == 8_675_309)
        #expect(NodeAddressFile.startTime(fromStat: "4242 (x) S 1 2") == nil)
        #expect(NodeAddressFile.startTime(fromStat: "garbage") == nil)
    }

    @Test func aRunningNodeWritesItAndRemovesItWhenItStops() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let book = try ContactBook.open(directory)
        let runtime = try await NodeRuntime.start(
            book: book, listen: HostPort(host: "127.0.0.1", port: 0), configuration: NodeConfiguration(), logger: logger)
        let running = Task { try await runtime.run() }
        let file = try #require(NodeAddressFile.running(in: directory))
        #expect(file.pid == getpid())
        #expect(file.listening == "\(runtime.address)")
        #expect(file.reachable == [runtime.address])
        await runtime.shutdown()
        try await running.value
        #expect(!FileManager.default.fileExists(atPath: NodeAddressFile.path(in: directory)))
    }
}
