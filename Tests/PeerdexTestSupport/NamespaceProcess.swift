import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A program running inside one of a test's network namespaces (`ip netns exec NAME …`), whose
/// stdout the test reads line by line with a deadline, and which the test can stop as a clean
/// shutdown would (SIGTERM) or as a crash would (SIGKILL).
///
/// `ip netns exec` enters the namespace and then execs the program, so the process ID is the
/// program's own and signals reach it directly. Stderr goes to a temporary file rather than a pipe,
/// so a chatty program can never block on a pipe nobody reads; `errorOutput` reads it back for
/// failure messages.
public final class NamespaceProcess: @unchecked Sendable {
    /// The namespace it runs in.
    public let namespace: String
    /// The process (`ip netns exec`, which became the program).
    public let process = Process()
    private let output = Pipe()
    private let errorPath: String
    private var buffered = [UInt8]()
    private var outputEnded = false
    private let lock = NSLock()

    /// Starts `executable arguments` inside `namespace` with the `ip` tool at `ipTool`.
    init(namespace: String, ipTool: String, executable: String, arguments: [String]) throws {
        // A program that dies must fail the test, not kill the test process with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        self.namespace = namespace
        errorPath = NSTemporaryDirectory() + "peerdex-netns-" + UUID().uuidString + ".stderr"
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)  // opening it below says if it failed
        process.executableURL = URL(fileURLWithPath: ipTool)
        process.arguments = ["netns", "exec", namespace, executable] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        let errorFile = FileHandle(forWritingAtPath: errorPath)
        defer { try? errorFile?.close() }  // the child holds its own copy
        process.standardError = errorFile
        try process.runSerialized()
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(atPath: errorPath)
    }

    /// The process ID of the program.
    public var pid: Int32 { process.processIdentifier }

    /// Whether the program still runs.
    public var isRunning: Bool { process.isRunning }

    // MARK: - Output

    /// The next stdout line (without its newline), or nil when `timeout` passes first or the
    /// program closed its stdout.
    public func readLine(timeout: Duration) -> String? {
        lock.lock()
        defer { lock.unlock() }
        let deadline = ContinuousClock.now + timeout
        while true {
            if let newline = buffered.firstIndex(of: 0x0A) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line
            }
            if outputEnded { return nil }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return nil }
            let milliseconds = Int32(min(left / .milliseconds(1) + 1, 60_000))
            var poller = pollfd(fd: output.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, milliseconds)
            if ready < 0, errno != EINTR { return nil }
            guard ready > 0 else { continue }
            let chunk = output.fileHandleForReading.nextChunk()
            if chunk.isEmpty { outputEnded = true } else { buffered += chunk }
        }
    }

    /// Reads lines until one satisfies `predicate` (returned) or `timeout` passes (nil); the lines
    /// read before it are appended to `skipped` for failure messages.
    public func readLine(
        timeout: Duration, skipped: inout [String], where predicate: (String) -> Bool
    ) -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, let line = readLine(timeout: deadline - ContinuousClock.now) {
            if predicate(line) { return line }
            skipped.append(line)
        }
        return nil
    }

    /// Everything the program wrote to stderr so far.
    public var errorOutput: String {
        (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
    }

    // MARK: - Stopping

    /// Asks the program to end (SIGTERM), as a clean shutdown would; it may still be running.
    public func terminate() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGTERM) }
    }

    /// Ends the program at once (SIGKILL), as a crash would, and waits for it.
    public func kill() {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Waits up to `timeout` for the program to exit; its status, or nil if it still runs.
    public func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        return process.isRunning ? nil : process.terminationStatus
    }
}
