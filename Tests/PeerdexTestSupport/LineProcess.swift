import Foundation

/// A helper program spoken to one line at a time over its stdin and stdout, for interoperability
/// tests against implementations we did not write.
public final class LineProcess: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffered = [UInt8]()

    /// Starts `executable` with `arguments`; stderr goes to the test's stderr.
    public init(_ executable: String, _ arguments: [String]) throws {
        // A peer that dies must fail the test, not kill the test process with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = output
        try process.runSerialized()
    }

    deinit { close() }

    /// Sends one line.
    public func send(_ line: String) throws {
        try input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
    }

    /// The next line (without its newline), or nil when the program closed its output.
    public func readLine() -> String? {
        while true {
            if let newline = buffered.firstIndex(of: 0x0A) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line
            }
            let chunk = output.fileHandleForReading.nextChunk()
            guard !chunk.isEmpty else { return nil }
            buffered += chunk
        }
    }

    /// Closes its stdin and waits for it to end.
    public func close() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.waitUntilExit() }
    }

    /// The interpreter of the interoperability tests' Python peers: the virtual environment that
    /// `make deps` (scripts/install-deps.sh) fills with pinned packages.
    public static var interopPython: String? {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent(".build/interop-venv/bin/python").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    /// The path of a script in Tests/Interop.
    public static func interopScript(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Interop/\(name)").path
    }
}
