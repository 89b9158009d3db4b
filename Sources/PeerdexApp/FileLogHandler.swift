import Foundation
import Logging
import PeerdexCore

/// A swift-log handler that appends one line per event to a file: time, level, logger label,
/// source module, message, metadata. Never the screen: in the TUI, stderr is the terminal.
///
/// ```
/// 2026-12-01T19:44:41.752Z warning peerdex.tui [PeerdexApp] request #12 failed: database is locked request=loadCounts
/// ```
/// Messages and metadata are kept to one line (line breaks and other control characters become
/// spaces), so a hostile name in an error cannot forge log lines.
public struct FileLogHandler: LogHandler {
    /// The events at this level and above are written.
    public var logLevel: Logger.Level = .info
    /// Metadata added to every event of this logger.
    public var metadata: Logger.Metadata = [:]
    /// Where per-event metadata comes from (task-local values), if anywhere.
    public var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let file: LogFile

    /// A handler for the logger named `label`, writing to `file`.
    public init(label: String, file: LogFile) {
        self.label = label
        self.file = file
    }

    /// Writes one event as one line.
    public func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { $1 } }
        if let extra = event.metadata { fields.merge(extra) { $1 } }
        var line = "\(ISO8601.string(Date())) \(event.level) \(label) [\(event.source)] \(Self.oneLine(event.message.description))"
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) { line += " \(key)=\(Self.oneLine("\(value)"))" }
        file.append(line + "\n")
    }

    /// Metadata of this logger by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Text with control characters replaced by spaces.
    static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }
}

/// A log file appended to; each line is one `write(2)` on an `O_APPEND` descriptor, so lines from
/// several processes (a TUI and a command beside it) never interleave within a line.
///
/// The file is opened at the first line, so that a logger may be set up before the data
/// directory exists; if it cannot be opened, the line is dropped (logging never fails a command)
/// and the next line tries again.
public final class LogFile: @unchecked Sendable {
    /// The file's path.
    public let path: String
    private let lock = NSLock()
    private var descriptor: Int32 = -1

    /// A log at `path` (created with mode 0600 when first written).
    public init(path: String) { self.path = path }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Appends text.
    public func append(_ text: String) {
        var bytes = Array(text.utf8)
        lock.withLock {
            if descriptor < 0 { descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600) }
            guard descriptor >= 0 else { return }
            _ = bytes.withUnsafeMutableBytes { write(descriptor, $0.baseAddress, $0.count) }
        }
    }
}

/// The process's logging: every `Logger` writes to `<data-dir>/peerdex.log`.
public enum AppLogging {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var bootstrapped = false

    /// Sends every logger of this process to the data directory's log file. The first call wins
    /// (swift-log is configured once per process); later calls do nothing. Where the file cannot
    /// be written, logs go nowhere, never to the terminal.
    public static func bootstrap(_ dataDirectory: DataDirectory, level: Logger.Level = .info) {
        let first = lock.withLock {
            defer { bootstrapped = true }
            return !bootstrapped
        }
        guard first else { return }
        let file = LogFile(path: dataDirectory.logPath)
        LoggingSystem.bootstrap { label in
            var handler = FileLogHandler(label: label, file: file)
            handler.logLevel = level
            return handler
        }
    }
}
