import Foundation

/// Where an installation keeps its files, and how the location is chosen (BRIEF §4).
///
/// `--data-dir` wins, then `PEERDEX_HOME`, then `$XDG_DATA_HOME/peerdex`, then
/// `~/.local/share/peerdex`. The directory is created with mode 0700 on first use.
public struct DataDirectory: Sendable, Equatable {
    /// The directory's path.
    public let path: String

    /// The directory chosen from an explicit path and the environment.
    public init(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let explicit, !explicit.isEmpty {
            path = explicit
        } else if let home = environment["PEERDEX_HOME"], !home.isEmpty {
            path = home
        } else if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            path = xdg + "/peerdex"
        } else {
            path = (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share/peerdex"
        }
    }

    /// The contact database file.
    public var databasePath: String { path + "/contacts.sqlite" }
    /// The Ed25519 identity key file.
    public var identityPath: String { path + "/identity.key" }
    /// The log file.
    public var logPath: String { path + "/peerdex.log" }

    /// Creates the directory if needed and checks that it can be written.
    public func prepare() throws(AppError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .dataDirectory(path: path, reason: "exists but is not a directory") }
        } else {
            do {
                try FileManager.default.createDirectory(
                    atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .dataDirectory(path: path, reason: "cannot be created (\(Self.reason(error)))")
            }
        }
        guard access(path, R_OK | W_OK | X_OK) == 0 else {
            throw .dataDirectory(path: path, reason: "is not readable and writable (\(String(cString: strerror(errno))))")
        }
    }

    /// The short reason inside a Foundation error, without its domain boilerplate.
    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }
}
