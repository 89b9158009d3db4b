import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Drives a program in a private tmux server, as a person at a terminal would.
///
/// Each session has its own socket (`tmux -L`), runs with `LANG=C.UTF-8` and `-u` so that
/// non-ASCII text survives, and is killed by `close()`.
public final class TmuxSession: @unchecked Sendable {
    /// Why the screen never showed what a test waited for.
    public struct Timeout: Error, CustomStringConvertible {
        /// What was awaited.
        public var expected: String
        /// The last screen seen.
        public var screen: String
        /// The awaited text and the screen.
        public var description: String { "timed out waiting for \(expected); screen was:\n\(screen)" }
    }

    let socket = "peerdex-test-\(UUID().uuidString.prefix(8))"

    /// Starts `command` in a detached session of `width` × `height` cells.
    public init(command: [String], width: Int = 100, height: Int = 30) throws {
        let quoted = command.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        // The server this starts would inherit a pipe and hold it open forever: no output capture.
        try tmux(capturing: false, [
            "-u", "-f", "/dev/null", "new-session", "-d", "-s", "main", "-x", "\(width)", "-y", "\(height)",
            "env LANG=C.UTF-8 TERM=xterm-256color \(quoted); status=$?; echo; echo \"[exited $status]\"; sleep 30",
        ])
    }

    /// Whether tmux is installed (the end-to-end tests need it; `make test` installs it).
    public static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")
    }

    /// Types keys: tmux key names (`Enter`, `Escape`, `C-c`) or literal text with `literal: true`.
    public func send(_ keys: String..., literal: Bool = false) throws {
        try tmux(["send-keys", "-t", "main"] + (literal ? ["-l"] : []) + keys)
    }

    /// The screen as text, one line per row.
    public func screen() throws -> String {
        try tmux(["capture-pane", "-p", "-t", "main"])
    }

    /// Waits until the screen satisfies `predicate` (polling), or throws `Timeout`.
    @discardableResult
    public func waitFor(
        _ description: String, timeout: TimeInterval = 10, _ predicate: (String) -> Bool
    ) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if predicate(last) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw Timeout(expected: description, screen: last)
    }

    /// Waits until the screen contains `text`.
    @discardableResult
    public func waitFor(_ text: String, timeout: TimeInterval = 10) throws -> String {
        try waitFor("'\(text)'", timeout: timeout) { $0.contains(text) }
    }

    /// Resizes the window.
    public func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", "main", "-x", "\(width)", "-y", "\(height)"])
    }

    /// The process ID of the program under test: the child of the pane's shell.
    public func programPID() throws -> pid_t? {
        let shell = try tmux(["list-panes", "-t", "main", "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let shellPID = Int32(shell) else { return nil }
        let children = try? String(contentsOfFile: "/proc/\(shellPID)/task/\(shellPID)/children", encoding: .utf8)
        return children?.split(separator: " ").first.flatMap { Int32($0) }
    }

    /// Kills the tmux server and everything in it.
    public func close() {
        _ = try? tmux(capturing: false, ["kill-server"])
    }

    deinit { close() }

    /// Runs tmux with posix_spawn and waitpid.
    ///
    /// Not Foundation's `Process`: on Linux its wait never returns when the child leaves a
    /// daemon behind (tmux's server), which `new-session` does.
    @discardableResult
    private func tmux(capturing: Bool = true, _ arguments: [String]) throws -> String {
        var pipe: [Int32] = [-1, -1]
        if capturing { guard Glibc.pipe(&pipe) == 0 else { throw POSIXError(.EIO) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if capturing {
            posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
            posix_spawn_file_actions_addclose(&actions, pipe[0])
            posix_spawn_file_actions_addclose(&actions, pipe[1])
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        if capturing { posix_spawn_file_actions_adddup2(&actions, 1, 2) } else {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        let argv = (["tmux", "-L", socket] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // The test runner's threads may block or ignore signals, and a spawned child inherits that:
        // tmux's server and the program under test would then never see SIGWINCH.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid = pid_t()
        let spawned = posix_spawn(&pid, "/usr/bin/tmux", &actions, &attributes, argv, environ)
        if capturing { Glibc.close(pipe[1]) }
        guard spawned == 0 else {
            if capturing { Glibc.close(pipe[0]) }
            throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO)
        }
        var output = [UInt8]()
        if capturing {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = read(pipe[0], &buffer, buffer.count)
                if count <= 0 { break }
                output += buffer[0..<count]
            }
            Glibc.close(pipe[0])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return String(decoding: output, as: UTF8.self)
    }
}
