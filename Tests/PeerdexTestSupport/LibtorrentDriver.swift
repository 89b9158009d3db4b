import Foundation
import PeerdexCore

/// Real libtorrent DHT nodes on 127.0.0.1 (`Tests/Interop/libtorrent_dht.py`, see its README), scripted
/// one JSON command at a time, for the tests that prove peerdex's DHT interoperates with them.
///
/// ```swift
/// let libtorrent = try await LibtorrentDriver.start(nodes: 8)
/// defer { libtorrent.stop() }
/// let reply = try await libtorrent.send("get", ["node": 3, "key": hex, "salt": saltHex])
/// ```
///
/// Every wait is bounded: the `ready` line, each reply (the driver's own `timeout` plus a margin).
/// `stop()` (also run by `deinit`) always ends the process, killing it if it does not quit.
public final class LibtorrentDriver: @unchecked Sendable {
    /// Debian's Python, the only one in which `python3-libtorrent` imports (not a venv's, not pyenv's):
    /// `/usr/bin/python3.11` on Debian 12, else Debian's `/usr/bin/python3` of a later release.
    public static var python: String { probe.python }

    /// Why the driver cannot run on this machine (libtorrent does not import), or nil when it can.
    public static var unavailableReason: String? { probe.failure }

    private static let probe: (python: String, failure: String?) = {
        var failures = [String]()
        for python in ["/usr/bin/python3.11", "/usr/bin/python3"] {
            guard FileManager.default.isExecutableFile(atPath: python) else {
                failures.append("\(python) is missing")
                continue
            }
            guard let result = try? CommandRunner.runTool(python, ["-c", "import libtorrent"]) else {
                failures.append("\(python) cannot be run")
                continue
            }
            if result.status == 0 { return (python, nil) }
            let reason = result.stderr.split(separator: "\n").last.map(String.init) ?? "exit \(result.status)"
            failures.append("\(python) -c 'import libtorrent' failed (\(reason))")
        }
        let how = "run `make deps` (scripts/install-deps.sh installs python3-libtorrent)"
        return ("/usr/bin/python3.11", failures.joined(separator: "; ") + ": " + how)
    }()

    /// One libtorrent node of the driver.
    public struct Node: Sendable, Equatable {
        /// Its index, the `node` argument of commands.
        public var index: Int
        /// Its UDP (and TCP) port on 127.0.0.1.
        public var port: Int
        /// Its node ID, 40 hex digits.
        public var id: String
    }

    /// One reply line, decoded.
    public struct Reply: @unchecked Sendable, CustomStringConvertible {
        /// The JSON object as decoded (values are JSON types: NSNumber, String, arrays, dictionaries).
        public let fields: [String: Any]
        /// The line as received, for failure messages.
        public let line: String

        /// Whether the command succeeded (`"ok": true`).
        public var ok: Bool { fields["ok"] as? Bool ?? false }
        /// The failure's text, if the command failed.
        public var error: String? { fields["error"] as? String }
        /// An integer field.
        public func int(_ name: String) -> Int? { fields[name] as? Int }
        /// A string field.
        public func string(_ name: String) -> String? { fields[name] as? String }
        /// A hex field as bytes.
        public func bytes(_ name: String) -> [UInt8]? { string(name).flatMap(HexBytes.decode) }
        /// A list of strings (`peers`, `stored_at`).
        public func strings(_ name: String) -> [String] { fields[name] as? [String] ?? [] }
        /// A list of objects (`errors`, `nodes`).
        public func objects(_ name: String) -> [[String: Any]] { fields[name] as? [[String: Any]] ?? [] }
        /// The line as received.
        public var description: String { line }
    }

    /// The libtorrent nodes, in index order.
    public let nodes: [Node]
    /// libtorrent's version (`2.0.8.0`).
    public let version: String
    /// The UDP port of the driver's own KRPC helper (it may appear in routing tables after a krpc put).
    public let helperPort: Int

    private let process: Process
    private let input: Pipe
    private let output: TimedLineReader
    private let errors: TimedLineReader
    private let nextID = Locked(0)

    private init(
        process: Process, input: Pipe, output: TimedLineReader, errors: TimedLineReader, ready: [String: Any]
    ) {
        self.process = process
        self.input = input
        self.output = output
        self.errors = errors
        version = ready["libtorrent"] as? String ?? "?"
        helperPort = ready["helper_port"] as? Int ?? 0
        nodes = (ready["nodes"] as? [[String: Any]] ?? []).enumerated().map { index, node in
            Node(index: index, port: node["port"] as? Int ?? 0, id: node["id"] as? String ?? "")
        }
    }

    deinit { stop() }

    /// Starts `nodes` libtorrent nodes (more `arguments` are passed on, e.g. `--bootstrap`) and
    /// waits for the driver's `ready` line: its nodes listen and know each other.
    public static func start(nodes: Int = 8, arguments: [String] = [], timeout: Duration = .seconds(30)) async throws
        -> LibtorrentDriver
    {
        // A driver that dies must fail the test, not kill the test process with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        let (input, output, errors) = (Pipe(), Pipe(), Pipe())
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-u", LineProcess.interopScript("libtorrent_dht.py"), "--nodes", "\(nodes)"] + arguments
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.runSerialized()
        let lines = TimedLineReader(output.fileHandleForReading)
        let logs = TimedLineReader(errors.fileHandleForReading, keepingLast: 40)
        func fail(_ why: String) -> LibtorrentDriverError {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            return .notReady("\(why); its stderr: \(logs.kept.joined(separator: " | "))")
        }
        guard let line = await lines.next(timeout: timeout) else {
            throw fail("no ready line from libtorrent_dht.py within \(timeout)")
        }
        guard let ready = Self.decode(line), ready["ready"] as? Bool == true else {
            throw fail("not a ready line: \(line)")
        }
        let driver = LibtorrentDriver(process: process, input: input, output: lines, errors: logs, ready: ready)
        guard driver.nodes.count == nodes, driver.nodes.allSatisfy({ $0.port > 0 }) else {
            throw fail("ready with \(line)")
        }
        return driver
    }

    // MARK: - Commands

    /// Sends `{"op": op, ...arguments}` and returns the reply. The driver bounds the command itself by
    /// `timeout` seconds (default 10) and then answers `ok: false`; no reply at all within that plus
    /// `margin` throws.
    public func send(
        _ op: String, _ arguments: [String: Any] = [:], margin: Duration = .seconds(15)
    ) async throws -> Reply {
        let id = nextID.withLock { id in
            id += 1
            return id
        }
        var command = arguments
        command["op"] = op
        command["id"] = id
        let data = try JSONSerialization.data(withJSONObject: command, options: [.sortedKeys])
        do {
            try input.fileHandleForWriting.write(contentsOf: data + Data("\n".utf8))
        } catch {
            throw LibtorrentDriverError.exited("cannot write to the driver (\(error)); its stderr: \(stderrTail)")
        }
        let seconds = (arguments["timeout"] as? Double) ?? Double(arguments["timeout"] as? Int ?? 10)
        let deadline = ContinuousClock.now + .seconds(seconds) + margin
        // A reply to an earlier command that timed out here may still come: skip it by its id.
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero, let line = await output.next(timeout: left) else {
                let status = process.isRunning ? "still running" : "exited \(process.terminationStatus)"
                throw LibtorrentDriverError.noReply(
                    "\(op) \(arguments): no reply (driver \(status)); its stderr: \(stderrTail)")
            }
            guard let fields = Self.decode(line) else { throw LibtorrentDriverError.malformed(line) }
            if fields["id"] as? Int == id { return Reply(fields: fields, line: line) }
        }
    }

    /// Ends the driver: EOF on its stdin asks it to quit; a driver still running after 3 s is killed.
    /// Safe to call more than once.
    public func stop() {
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(3)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// The driver's last lines on stderr, for failure messages.
    public var stderrTail: String { errors.kept.joined(separator: " | ") }

    private static func decode(_ line: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
    }
}

/// Why the driver failed a test.
public enum LibtorrentDriverError: Error, CustomStringConvertible {
    /// It did not print its ready line.
    case notReady(String)
    /// A command got no reply in time.
    case noReply(String)
    /// Its output is not a JSON object.
    case malformed(String)
    /// It is gone.
    case exited(String)

    /// What happened.
    public var description: String {
        switch self {
        case .notReady(let why): "libtorrent driver not ready: \(why)"
        case .noReply(let why): "libtorrent driver: \(why)"
        case .malformed(let line): "libtorrent driver printed a line that is not a JSON object: \(line)"
        case .exited(let why): "libtorrent driver: \(why)"
        }
    }
}

// MARK: - Reading lines with a deadline

/// The lines a child process writes to a pipe, each awaited with a timeout. A thread reads the pipe
/// until EOF (the process ended), so no wait ever blocks a task.
public final class TimedLineReader: @unchecked Sendable {
    private struct Waiter {
        var token: Int
        var continuation: CheckedContinuation<String?, Never>
        var timer: Task<Void, Never>?
    }

    private let lock = NSLock()
    private var lines: [String] = []
    private var closed = false
    private var waiter: Waiter?
    private var nextToken = 0
    private let keepingLast: Int?
    private var keptLines: [String] = []

    /// Starts reading `handle`. With `keepingLast`, lines are not queued for `next` but the last
    /// ones are kept for `kept` (a process's stderr, shown when something fails).
    public init(_ handle: FileHandle, keepingLast: Int? = nil) {
        self.keepingLast = keepingLast
        let thread = Thread { [self] in
            var buffer = [UInt8]()
            while true {
                let chunk = handle.nextChunk()
                if chunk.isEmpty { break }
                buffer += chunk
                while let newline = buffer.firstIndex(of: 0x0A) {
                    deliver(String(decoding: buffer[..<newline], as: UTF8.self))
                    buffer.removeSubrange(...newline)
                }
            }
            if !buffer.isEmpty { deliver(String(decoding: buffer, as: UTF8.self)) }
            close()
        }
        thread.start()
    }

    /// The last lines kept (with `keepingLast`).
    public var kept: [String] { lock.withLock { keptLines } }

    /// The next line, or nil when none comes within `timeout`, the pipe is closed or the task is cancelled.
    public func next(timeout: Duration) async -> String? {
        let token = lock.withLock {
            nextToken += 1
            return nextToken
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                lock.lock()
                if !lines.isEmpty {
                    let line = lines.removeFirst()
                    lock.unlock()
                    continuation.resume(returning: line)
                } else if closed || Task.isCancelled {
                    lock.unlock()
                    continuation.resume(returning: nil)
                } else {
                    waiter = Waiter(token: token, continuation: continuation, timer: nil)
                    lock.unlock()
                    let timer = Task { [self] in
                        try? await Task.sleep(for: timeout)
                        expire(token)
                    }
                    lock.withLock {
                        if waiter?.token == token { waiter?.timer = timer } else { timer.cancel() }
                    }
                }
            }
        } onCancel: {
            expire(token)
        }
    }

    private func deliver(_ line: String) {
        lock.lock()
        if let keepingLast {
            keptLines.append(line)
            if keptLines.count > keepingLast { keptLines.removeFirst() }
            lock.unlock()
            return
        }
        guard let waiting = waiter else {
            lines.append(line)
            lock.unlock()
            return
        }
        waiter = nil
        lock.unlock()
        waiting.timer?.cancel()
        waiting.continuation.resume(returning: line)
    }

    private func close() {
        lock.lock()
        closed = true
        let waiting = waiter
        waiter = nil
        lock.unlock()
        waiting?.continuation.resume(returning: nil)
    }

    private func expire(_ token: Int) {
        lock.lock()
        guard let waiting = waiter, waiting.token == token else {
            lock.unlock()
            return
        }
        waiter = nil
        lock.unlock()
        waiting.timer?.cancel()
        waiting.continuation.resume(returning: nil)
    }
}
