import Foundation
import PeerdexCore

/// A `peerdex node` process on an ephemeral port of 127.0.0.1, started and waited for: its
/// address and peer ID come from the one line it prints once it accepts traffic.
public final class NodeProcess: @unchecked Sendable {
    /// The process.
    public let process = Process()
    /// The runner whose data directory the node uses.
    public let runner: CommandRunner
    /// The address it listens on (TCP, and UDP for the DHT).
    public private(set) var address = HostPort(host: "127.0.0.1", port: 0)
    /// The peer ID it proved to be.
    public private(set) var peerID: PeerID?
    private let output = Pipe()

    /// The line did not come, or not in the expected form.
    public struct DidNotStart: Error, CustomStringConvertible {
        /// What the node printed instead.
        public let line: String
        /// Why the test stopped.
        public var description: String { "peerdex node did not start: '\(line)'" }
    }

    /// Starts `peerdex node --listen 127.0.0.1:0` on `runner`'s data directory, with `arguments`
    /// after, and waits for its listening line.
    public init(_ runner: CommandRunner, arguments: [String] = []) throws {
        self.runner = runner
        process.executableURL = CommandRunner.executable
        process.arguments = ["node", "--listen", "127.0.0.1:0", "--data-dir", runner.dataDirectory] + arguments
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.runSerialized()
        let line = Self.firstLine(output.fileHandleForReading)
        let fields = line.split(separator: " ")
        guard fields.count == 5, fields[0] == "listening", fields[1] == "on", fields[3] == "peer" else {
            throw DidNotStart(line: line)
        }
        address = try HostPort(parsing: fields[2])
        peerID = try PeerID(parsing: fields[4])
    }

    /// The node's `HOST:PORT`, as `--bootstrap` takes it.
    public var bootstrapArgument: String { "\(address)" }

    static func firstLine(_ handle: FileHandle) -> String {
        var bytes: [UInt8] = []
        while true {
            let chunk = handle.nextChunk()
            if chunk.isEmpty { break }
            bytes += chunk
            if bytes.contains(0x0A) { break }
        }
        return String(decoding: bytes.prefix { $0 != 0x0A }, as: UTF8.self)
    }

    /// Ends the process at once, as a crash would (SIGKILL), and waits for it.
    public func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Waits up to `timeout` for the process to exit; its status, or nil if it is still running.
    public func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
