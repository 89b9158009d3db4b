import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A private Ethernet segment for end-to-end tests of LAN discovery: N network namespaces ("nodes"),
/// each with one interface `eth0` plugged into one bridge, which lives in a namespace of its own.
///
/// ```swift
/// let lan = try NetworkNamespaces(count: 2)
/// defer { lan.remove() }
/// let browser = try lan.run(in: 1, python, [script, "browse"])
/// try lan.cutLink(of: 0)      // node 0 falls silent, its process and interface untouched
/// ```
///
/// Node `i` has 10.213.0.(11+i)/24 and fd00:213::(11+i)/64 (a link-local address too), `lo` up,
/// and routes for its subnet and for multicast (224.0.0.0/4, ff02::/16) on `eth0`, so mDNS to
/// 224.0.0.251:5353 and [ff02::fb]:5353 reaches every other node. Nothing else: no default route,
/// no link to the root namespace or to any other (the bridge namespace has no addresses and IPv6
/// off), so no packet a test sends can leave the segment. The addresses are the same in every run,
/// which is safe because each run's namespaces are its own: names carry the process ID and a
/// random suffix, so parallel tests and parallel runs never clash.
///
/// `remove()` (also run by `deinit`) kills every process started with `run`, then deletes the
/// namespaces, which destroys their interfaces. Namespaces left by a test process that died are
/// deleted by the next `init` (`removeLeftovers()`).
public final class NetworkNamespaces: @unchecked Sendable {
    /// One node: a namespace with one interface on the bridge.
    public struct Node: Sendable, Equatable {
        /// Its index, from 0.
        public var index: Int
        /// The namespace's name (for `ip netns exec`).
        public var namespace: String
        /// Its interface on the bridge.
        public var interface: String
        /// Its IPv4 address (no prefix length).
        public var ipv4: String
        /// Its unique-local IPv6 address (no prefix length).
        public var ipv6: String
    }

    /// A command of the `ip` tool that failed.
    public struct CommandFailed: Error, CustomStringConvertible {
        /// The arguments given to `ip`.
        public var arguments: [String]
        /// Its exit status and stderr.
        public var result: CommandRunner.Result
        /// The command, its status and its stderr.
        public var description: String {
            "ip \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)"
        }
    }

    /// What every namespace name of these tests starts with (`ip netns list | grep`).
    public static let namePrefix = "pdxt-"
    /// The first three bytes of every node's IPv4 address, a /24.
    public static let ipv4Subnet = "10.213.0."
    /// The IPv6 /64 of the nodes' unique-local addresses.
    public static let ipv6Subnet = "fd00:213::"

    /// The nodes, in order.
    public let nodes: [Node]
    /// The namespace holding the bridge `br0` and one port `p<i>` per node.
    public let bridgeNamespace: String
    /// The bridge's name inside `bridgeNamespace`.
    public let bridge = "br0"

    private let ipTool: String
    private let lock = NSLock()
    private var processes: [NamespaceProcess] = []
    private var created: [String] = []
    private var removed = false

    /// Creates `count` nodes (1 to 200) on a new bridge; throws (having removed what it made)
    /// when a step fails. Check `isAvailable` first.
    public init(count: Int) throws {
        precondition((1...200).contains(count), "1 to 200 nodes")
        guard let ipTool = Self.ipTool else {
            throw CommandFailed(arguments: [], result: .init(status: 127, stdout: "", stderr: "no ip tool"))
        }
        self.ipTool = ipTool
        Self.removeLeftovers()
        let base = Self.namePrefix + "\(getpid())-" + String(UInt32.random(in: 0...0xFF_FFFF), radix: 16)
        bridgeNamespace = base + "-br"
        nodes = (0..<count).map { index in
            Node(
                index: index, namespace: base + "-n\(index)", interface: "eth0",
                ipv4: Self.ipv4Subnet + "\(11 + index)", ipv6: Self.ipv6Subnet + "\(11 + index)")
        }
        do {
            try build()
        } catch {
            remove()
            throw error
        }
    }

    deinit { remove() }

    // MARK: - Building

    private func build() throws {
        try addNamespace(bridgeNamespace)
        // The bridge only switches frames: without IPv6 it has no link-local address and sends
        // nothing of its own (no router solicitations, no MLD reports).
        try setSysctls(in: bridgeNamespace, ["ipv6/conf/all/disable_ipv6": 1, "ipv6/conf/default/disable_ipv6": 1])
        // No STP, so ports forward at once instead of listening and learning for 2 × 15 s; no
        // multicast snooping, so every multicast frame is flooded to every port whether or not
        // an IGMP/MLD querier exists (there is none here, and snooping would otherwise depend on
        // it for groups outside 224.0.0.0/24, such as ff02::fb).
        try ip(bridgeNamespace, ["link", "add", bridge, "type", "bridge", "stp_state", "0", "mcast_snooping", "0"])
        try ip(bridgeNamespace, ["link", "set", bridge, "up"])
        for node in nodes {
            try addNamespace(node.namespace)
            // Addresses usable at once: duplicate address detection would hold the link-local
            // address tentative (mDNS over IPv6 cannot be sent from it) for a second or two.
            try setSysctls(
                in: node.namespace,
                [
                    "ipv6/conf/all/accept_dad": 0, "ipv6/conf/default/accept_dad": 0,
                    "ipv6/conf/all/router_solicitations": 0, "ipv6/conf/default/router_solicitations": 0,
                ])
            // Created inside the bridge's namespace with its peer inside the node's: the pair
            // never exists in the root namespace, even for a moment.
            let port = "p\(node.index)"
            try ip(
                bridgeNamespace,
                ["link", "add", port, "type", "veth", "peer", "name", node.interface, "netns", node.namespace])
            try ip(bridgeNamespace, ["link", "set", port, "master", bridge, "up"])
            try ip(node.namespace, ["addr", "add", node.ipv4 + "/24", "dev", node.interface])
            try ip(node.namespace, ["addr", "add", node.ipv6 + "/64", "dev", node.interface, "nodad"])
            try ip(node.namespace, ["link", "set", node.interface, "up"])
            // A socket that does not choose its multicast interface follows the route to the
            // group; with no default route, 224.0.0.251 would be unreachable without this one.
            try ip(node.namespace, ["route", "add", "224.0.0.0/4", "dev", node.interface])
            try ip(node.namespace, ["-6", "route", "add", "ff02::/16", "dev", node.interface])
        }
        try waitUntilEveryPortForwards()
    }

    /// Carrier reaches a bridge port a moment after its peer goes up (the kernel's link watch),
    /// and only then does the port forward: a packet sent before is lost, and a port state set
    /// before (`cutLink`) is overwritten by the carrier's arrival.
    private func waitUntilEveryPortForwards() throws {
        let deadline = ContinuousClock.now + .seconds(10)
        var states = [String: String]()
        while ContinuousClock.now < deadline {
            states = try portStates()
            if nodes.allSatisfy({ states["p\($0.index)"] == "forwarding" }) { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw CommandFailed(
            arguments: ["-n", bridgeNamespace, "-d", "-j", "link", "show"],
            result: .init(status: 1, stdout: "\(states)", stderr: "bridge ports not forwarding within 10 s"))
    }

    /// Each bridge port's state (`forwarding`, `disabled`…), or `no-carrier` until it has carrier
    /// and its operational state is up (the kernel sets that last, and re-enables a disabled port then).
    private func portStates() throws -> [String: String] {
        let json = try ip(bridgeNamespace, ["-d", "-j", "link", "show", "master", bridge])
        let links = (try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]) ?? []
        var states = [String: String]()
        for link in links {
            guard let name = link["ifname"] as? String else { continue }
            let flags = link["flags"] as? [String] ?? []
            let info = link["linkinfo"] as? [String: Any]
            let port = info?["info_slave_data"] as? [String: Any]
            let up = flags.contains("LOWER_UP") && link["operstate"] as? String == "UP"
            states[name] = up ? (port?["state"] as? String ?? "unknown") : "no-carrier"
        }
        return states
    }

    private func addNamespace(_ name: String) throws {
        try ip(nil, ["netns", "add", name])
        lock.withLock { created.append(name) }
        try ip(name, ["link", "set", "lo", "up"])
    }

    /// Writes `/proc/sys/net/<key>` inside `namespace` (sysctls under net/ are per namespace).
    private func setSysctls(in namespace: String, _ values: KeyValuePairs<String, Int>) throws {
        let script = values.map { "echo \($0.value) > /proc/sys/net/\($0.key)" }.joined(separator: " && ")
        try ip(nil, ["netns", "exec", namespace, "/bin/sh", "-c", script])
    }

    // MARK: - Using

    /// Runs `ip -n <namespace> arguments` (the root namespace's `ip` when nil) to completion and
    /// returns its stdout; throws `CommandFailed` on a non-zero exit.
    @discardableResult
    public func ip(_ namespace: String?, _ arguments: [String]) throws -> String {
        let all = (namespace.map { ["-n", $0] } ?? []) + arguments
        let result = try CommandRunner.runTool(ipTool, all)
        guard result.status == 0 else { throw CommandFailed(arguments: all, result: result) }
        return result.stdout
    }

    /// Runs `executable arguments` to completion inside node `index`'s namespace.
    public func execute(in index: Int, _ executable: String, _ arguments: [String]) throws -> CommandRunner.Result {
        try CommandRunner.runTool(ipTool, ["netns", "exec", nodes[index].namespace, executable] + arguments)
    }

    /// Starts `executable arguments` inside node `index`'s namespace; `remove()` kills it if it
    /// still runs then.
    public func run(in index: Int, _ executable: String, _ arguments: [String]) throws -> NamespaceProcess {
        let process = try NamespaceProcess(
            namespace: nodes[index].namespace, ipTool: ipTool, executable: executable, arguments: arguments)
        lock.withLock { processes.append(process) }
        return process
    }

    /// Silences node `index`, as if its machine had vanished: its bridge port stops forwarding
    /// (port state disabled) while its own interface stays up with carrier, so nothing on the node
    /// notices; frames it sends are dropped and nothing reaches it.
    public func cutLink(of index: Int) throws {
        try setPortState(of: index, to: 0, expecting: "disabled")
    }

    /// Undoes `cutLink`: the port forwards again.
    public func restoreLink(of index: Int) throws {
        try setPortState(of: index, to: 3, expecting: "forwarding")
    }

    /// Sets a port's STP state with `bridge link set` (iproute2 6.1's `ip link set … type
    /// bridge_slave state` exits 0 and changes nothing), and checks that it took.
    private func setPortState(of index: Int, to state: Int, expecting name: String) throws {
        let arguments = ["-n", bridgeNamespace, "link", "set", "dev", "p\(index)", "state", "\(state)"]
        guard let bridgeTool = Self.bridgeTool else {
            throw CommandFailed(arguments: arguments, result: .init(status: 127, stdout: "", stderr: "no bridge tool"))
        }
        let result = try CommandRunner.runTool(bridgeTool, arguments)
        let now = try portStates()["p\(index)"]
        guard result.status == 0, now == name else {
            throw CommandFailed(
                arguments: arguments,
                result: .init(
                    status: result.status, stdout: result.stdout,
                    stderr: result.stderr + " port p\(index) is \(now ?? "missing"), not \(name)"))
        }
    }

    // MARK: - Removing

    /// Kills the processes started with `run`, then deletes every namespace (and so every
    /// interface) this made. Safe to call more than once.
    public func remove() {
        let (running, namespaces) = lock.withLock { () -> ([NamespaceProcess], [String]) in
            if removed { return ([], []) }
            removed = true
            defer { processes = [] }
            return (processes, created)
        }
        // A process inside a namespace keeps it alive after `ip netns del`: kill first.
        for process in running { process.kill() }
        for namespace in namespaces.reversed() { _ = try? CommandRunner.runTool(ipTool, ["netns", "del", namespace]) }
    }

    /// Deletes namespaces named with `namePrefix` whose creating process no longer exists (a test
    /// run that crashed or was killed before its `remove()`).
    public static func removeLeftovers() {
        guard let ipTool, let names = try? FileManager.default.contentsOfDirectory(atPath: "/run/netns") else { return }
        for name in names where name.hasPrefix(namePrefix) {
            let fields = name.dropFirst(namePrefix.count).split(separator: "-")
            guard let pid = fields.first.flatMap({ Int32($0) }), pid != getpid() else { continue }
            if Glibc.kill(pid, 0) == 0 || errno != ESRCH { continue }
            _ = try? CommandRunner.runTool(ipTool, ["netns", "del", name])
        }
    }

    // MARK: - Availability

    /// Whether namespaces, veth pairs and bridges can be made here (root, with `ip`).
    public static var isAvailable: Bool { unavailableReason == nil }

    /// Why they cannot (for a test's skip message), or nil when they can.
    public static var unavailableReason: String? { probe }

    /// The `ip` tool of iproute2, or nil if it is not installed.
    static let ipTool: String? = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// The `bridge` tool of iproute2, or nil if it is not installed.
    static let bridgeTool: String? = ["/usr/sbin/bridge", "/sbin/bridge", "/usr/bin/bridge", "/bin/bridge"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Tried once per test process: make a namespace holding a bridge and a veth pair, then
    /// delete it.
    private static let probe: String? = {
        guard geteuid() == 0 else { return "network namespaces need root (CI runs as root)" }
        guard let ipTool, bridgeTool != nil else { return "the ip and bridge tools (iproute2) are not installed" }
        let name = namePrefix + "\(getpid())-probe"
        let steps = [
            ["netns", "add", name], ["-n", name, "link", "add", "b0", "type", "bridge"],
            ["-n", name, "link", "add", "v0", "type", "veth", "peer", "name", "v1"],
        ]
        defer { _ = try? CommandRunner.runTool(ipTool, ["netns", "del", name]) }
        for step in steps {
            guard let result = try? CommandRunner.runTool(ipTool, step) else { return "\(ipTool) cannot be run" }
            guard result.status == 0 else {
                let reason = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
                return "ip \(step.joined(separator: " ")) failed: \(reason)"
            }
        }
        return nil
    }()
}
