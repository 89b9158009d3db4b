import Foundation
import Logging
import PeerdexCore

/// What a running node tells the other processes of its data directory: where it listens and
/// where it can be reached, in `<data-dir>/node.json`, so that `peerdex invite` can put the
/// address in the invite.
///
/// `NodeRuntime` writes the file (atomically) once the node accepts peers and removes it when
/// the node stops. A node that crashed leaves its file behind, so readers ignore a file whose
/// process is gone, or whose process ID now names a later process (the file keeps when its
/// process started, and a reused ID has another start time). When two nodes run on one data
/// directory (a `peerdex node` and a TUI), the one that started last is named, and the file goes
/// when that one stops.
public struct NodeAddressFile: Codable, Equatable, Sendable {
    /// The file's name in the data directory.
    public static let fileName = "node.json"

    /// The node's process.
    public var pid: Int32
    /// When that process started, in clock ticks after boot (`/proc/<pid>/stat`'s `starttime`);
    /// nil where that cannot be read, and in files of earlier versions.
    public var started: UInt64?
    /// Where the listener is bound, `HOST:PORT` (`0.0.0.0:7447` for every IPv4 interface).
    public var listening: String
    /// Where peers can reach it, `HOST:PORT`, best first (`InviteAddress.reachable`).
    public var addresses: [String]

    /// A file's content from its parts.
    public init(pid: Int32, started: UInt64? = nil, listening: String, addresses: [String]) {
        self.pid = pid
        self.started = started
        self.listening = listening
        self.addresses = addresses
    }

    /// The addresses that parse, in order.
    public var reachable: [HostPort] { addresses.compactMap { try? HostPort(parsing: $0) } }

    /// The file's path in `directory`.
    public static func path(in directory: DataDirectory) -> String { directory.path + "/" + fileName }

    // MARK: - Writing (the node)

    /// Says that this process's node listens on `bound`; a failure is logged, never fatal (the
    /// node runs fine without the file, only `peerdex invite` then finds no address).
    static func publish(bound: HostPort, in directory: DataDirectory, logger: Logger) {
        let content = NodeAddressFile(
            pid: getpid(), started: processStartTime(getpid()), listening: "\(bound)",
            addresses: InviteAddress.reachable(from: bound).map { "\($0)" })
        do {
            try AtomicFile.replace(path(in: directory), with: try content.encoded(), mode: 0o600)
        } catch {
            logger.warning("could not write \(fileName)", metadata: ["error": "\(error)"])
        }
    }

    /// Removes the file if it still names this process's node on `bound` (another node may have
    /// replaced it since, and must keep it).
    static func withdraw(bound: HostPort, from directory: DataDirectory) {
        let path = path(in: directory)
        guard let current = read(path), current.pid == getpid(), current.listening == "\(bound)" else { return }
        unlink(path)
    }

    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    // MARK: - Reading (other processes)

    /// The node running for `directory`: nil when there is no file, it cannot be read, the
    /// process it names is gone (`isAlive`), or that process ID now names a process started at
    /// another time than the node's (`startTime`).
    public static func running(
        in directory: DataDirectory, isAlive: (Int32) -> Bool = processIsAlive,
        startTime: (Int32) -> UInt64? = processStartTime
    ) -> NodeAddressFile? {
        guard let content = read(path(in: directory)), isAlive(content.pid) else { return nil }
        if let recorded = content.started, let actual = startTime(content.pid), actual != recorded { return nil }
        return content
    }

    /// Whether a process with this ID exists (`kill(pid, 0)`; EPERM means it does, as another
    /// user's).
    public static func processIsAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// When the process `pid` started, in clock ticks after boot: field 22 of `/proc/<pid>/stat`.
    /// Nil when the process is gone or there is no such file.
    public static func processStartTime(_ pid: Int32) -> UInt64? {
        guard pid > 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return nil }
        return startTime(fromStat: stat)
    }

    /// The `starttime` field of a `/proc/<pid>/stat` line. The command name (field 2) is in
    /// parentheses and may itself hold spaces and parentheses, so the fields after it are counted
    /// from the last `)`: `state` is field 3 there, and `starttime` field 22.
    static func startTime(fromStat stat: String) -> UInt64? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        let index = 22 - 3
        guard fields.count > index else { return nil }
        return UInt64(fields[index])
    }

    private static func read(_ path: String) -> NodeAddressFile? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(NodeAddressFile.self, from: data)
    }
}
