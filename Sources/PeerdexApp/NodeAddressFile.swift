import Foundation
import Logging
import PeerdexCore

/// What a running node tells the other processes of its data directory: where it listens and
/// where it can be reached, in `<data-dir>/node.json`, so that `peerdex invite` can put the
/// address in the invite.
///
/// `NodeRuntime` writes the file (atomically) once the node accepts peers and removes it when
/// the node stops. A node that crashed leaves its file behind, so readers ignore a file whose
/// process is gone. When two nodes run on one data directory (a `peerdex node` and a TUI), the
/// one that started last is named, and the file goes when that one stops.
public struct NodeAddressFile: Codable, Equatable, Sendable {
    /// The file's name in the data directory.
    public static let fileName = "node.json"

    /// The node's process.
    public var pid: Int32
    /// Where the listener is bound, `HOST:PORT` (`0.0.0.0:7447` for every IPv4 interface).
    public var listening: String
    /// Where peers can reach it, `HOST:PORT`, best first (`InviteAddress.reachable`).
    public var addresses: [String]

    /// A file's content from its parts.
    public init(pid: Int32, listening: String, addresses: [String]) {
        self.pid = pid
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
            pid: getpid(), listening: "\(bound)", addresses: InviteAddress.reachable(from: bound).map { "\($0)" })
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

    /// The node running for `directory`: nil when there is no file, it cannot be read, or the
    /// process it names is gone (`isAlive`).
    public static func running(
        in directory: DataDirectory, isAlive: (Int32) -> Bool = processIsAlive
    ) -> NodeAddressFile? {
        guard let content = read(path(in: directory)), isAlive(content.pid) else { return nil }
        return content
    }

    /// Whether a process with this ID exists (`kill(pid, 0)`; EPERM means it does, as another
    /// user's). A crashed node's ID reused by another program would pass: rare, and the invite
    /// then names an address nothing answers at, as an old invite would.
    public static func processIsAlive(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    private static func read(_ path: String) -> NodeAddressFile? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(NodeAddressFile.self, from: data)
    }
}
