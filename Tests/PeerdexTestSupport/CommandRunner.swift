import Foundation

/// Runs the built `peerdex` binary as a user would, for end-to-end tests.
public struct CommandRunner: Sendable {
    /// What one run printed and how it ended.
    public struct Result: Sendable {
        /// The exit status.
        public var status: Int32
        /// Everything written to stdout.
        public var stdout: String
        /// Everything written to stderr.
        public var stderr: String
    }

    /// The data directory every run uses (a fresh temporary one by default).
    public let dataDirectory: String

    /// A runner on a new, empty temporary data directory.
    public init() {
        dataDirectory = NSTemporaryDirectory() + "peerdex-test-" + UUID().uuidString
    }

    /// A runner on a given data directory.
    public init(dataDirectory: String) { self.dataDirectory = dataDirectory }

    /// The `peerdex` executable next to the test bundle (SwiftPM builds it with the tests).
    public static var executable: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("peerdex").path),
            directory.path != "/"
        {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("peerdex")
    }

    /// Runs `peerdex <arguments> --data-dir <dir>` to completion, feeding `input` on stdin.
    @discardableResult
    public func run(_ arguments: [String], input: String? = nil, dataDir: Bool = true) throws -> Result {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments + (dataDir ? ["--data-dir", dataDirectory] : [])
        let stdout = Pipe()
        let stderr = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.runSerialized()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let output = Self.readAll(stdout.fileHandleForReading)
        let errors = Self.readAll(stderr.fileHandleForReading)
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: output, stderr: errors)
    }

    /// Starts `count` runs of `peerdex <arguments> --data-dir <dir>` at once (each spawned before any
    /// is waited for) and returns how each ended, in order.
    public func runTogether(_ count: Int, _ arguments: [String]) throws -> [Result] {
        let processes = (0..<count).map { _ in
            let process = Process()
            process.executableURL = Self.executable
            process.arguments = arguments + ["--data-dir", dataDirectory]
            let (stdout, stderr) = (Pipe(), Pipe())
            process.standardOutput = stdout
            process.standardError = stderr
            process.standardInput = FileHandle.nullDevice
            return (process, stdout, stderr)
        }
        for (process, _, _) in processes { try process.runSerialized() }
        return processes.map { process, stdout, stderr in
            let output = Self.readAll(stdout.fileHandleForReading)
            let errors = Self.readAll(stderr.fileHandleForReading)
            process.waitUntilExit()
            return Result(status: process.terminationStatus, stdout: output, stderr: errors)
        }
    }

    /// Runs a command whose stdout is one JSON document and decodes it.
    public func json(_ arguments: [String]) throws -> Any {
        let result = try run(arguments + ["--json"])
        guard result.status == 0 else {
            throw CommandFailure(arguments: arguments, result: result)
        }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    /// Removes the data directory.
    public func cleanUp() {
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }

    /// Runs another program (not peerdex) to completion: a tool or an interoperability peer.
    public static func runTool(_ executable: String, _ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.runSerialized()
        let output = readAll(stdout.fileHandleForReading)
        let errors = readAll(stderr.fileHandleForReading)
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: output, stderr: errors)
    }

    private static func readAll(_ handle: FileHandle) -> String {
        String(decoding: handle.readToEndRetryingInterrupts(), as: UTF8.self)
    }
}

/// A command that exited non-zero where a test expected success.
public struct CommandFailure: Error, CustomStringConvertible {
    /// The arguments run.
    public var arguments: [String]
    /// What it printed.
    public var result: CommandRunner.Result

    /// The command, its status and its stderr.
    public var description: String {
        "peerdex \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)"
    }
}
