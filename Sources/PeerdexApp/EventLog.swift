import Foundation
import PeerdexCore

/// Appends one-line events to `<data-dir>/peerdex.log`; never to the screen.
///
/// The log is for what a user cannot see otherwise (an error that ended the full-screen
/// interface, say). It never holds key material or contact details beyond what an error names.
public struct EventLog: Sendable {
    /// The file appended to.
    public let path: String

    /// The log of a data directory.
    public init(dataDirectory: DataDirectory) { path = dataDirectory.logPath }

    /// Appends `ISO-time level message`; failures to log are ignored (logging must not fail a command).
    public func record(_ level: String, _ message: String) {
        let line = "\(ISO8601.string(Date())) \(level) \(message.replacingOccurrences(of: "\n", with: " "))\n"
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        _ = line.utf8CString.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count - 1) }
    }
}
