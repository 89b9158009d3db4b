import Foundation

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
            "-u", "-f", "/dev/null", "new-session", "-d", "-x", "\(width)", "-y", "\(height)",
            "env LANG=C.UTF-8 TERM=xterm-256color \(quoted); echo; echo \"[exited $?]\"; sleep 30",
        ])
    }

    /// Whether tmux is installed (the end-to-end tests need it; `make test` installs it).
    public static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")
    }

    /// Types keys: tmux key names (`Enter`, `Escape`, `C-c`) or literal text with `literal: true`.
    public func send(_ keys: String..., literal: Bool = false) throws {
        try tmux(["send-keys", "-t", socket] + (literal ? ["-l"] : []) + keys)
    }

    /// The screen as text, one line per row.
    public func screen() throws -> String {
        try tmux(["capture-pane", "-p", "-t", socket])
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
        try tmux(["resize-window", "-t", socket, "-x", "\(width)", "-y", "\(height)"])
    }

    /// Kills the tmux server and everything in it.
    public func close() {
        _ = try? tmux(capturing: false, ["kill-server"])
    }

    deinit { close() }

    @discardableResult
    private func tmux(capturing: Bool = true, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
        process.arguments = ["-L", socket] + arguments
        process.standardInput = FileHandle.nullDevice
        guard capturing else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return ""
        }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
