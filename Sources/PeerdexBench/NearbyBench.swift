import Foundation
import PeerdexTestSupport

/// Nearby discovery's figures (issue 12), with real `peerdex node --nearby` processes in two
/// network namespaces on one bridge (the tests' harness; needs root):
/// - `nearby.discover.*`: both nodes started together; from the spawn of both until each prints
///   that it verified the other (so process start-up is included).
/// - `nearby.gone.max`: one node killed with SIGKILL (no goodbye) until the other drops it.
/// - `nearby.goodbye.max`: one node stopped with SIGTERM (goodbye) until the other drops it.
struct NearbyBench {
    static let figures = ["nearby.discover.p50", "nearby.discover.max", "nearby.gone.max", "nearby.goodbye.max"]
    /// Rounds of each measurement.
    static let rounds = 10

    let options: BenchOptions

    func run() throws {
        guard NetworkNamespaces.isAvailable else {
            Report.note("nearby: skipped, network namespaces cannot be made here: \(NetworkNamespaces.unavailableReason ?? "")")
            return
        }
        Report.start(
            "nearby", measures: "two peerdex nodes on a namespace bridge, \(Self.rounds) rounds; floors discover <= 1 s, gone <= 10 s, goodbye <= 1 s")
        let lan = try NetworkNamespaces(count: 2)
        defer { lan.remove() }
        let people = try ["Ada", "Bob"].map { try Person(name: $0, peerdex: options.peerdexPath) }
        defer { for person in people { try? FileManager.default.removeItem(atPath: person.directory) } }

        var discover = Samples()
        var gone = Samples()
        var goodbye = Samples()
        for round in 0..<Self.rounds {
            // Both start together; each must verify the other.
            let started = Monotonic.now()
            let nodes = try people.enumerated().map { index, person in try person.start(in: lan, node: index, peerdex: options.peerdexPath) }
            for (index, node) in nodes.enumerated() {
                let other = people[1 - index]
                try expect(node, "nearby \(other.peerID) at \(lan.nodes[1 - index].ipv4):7447 verified", timeout: .seconds(10))
                discover.append(Monotonic.milliseconds(since: started))
            }
            // Killed: the survivor's re-checks must notice.
            let killed = Monotonic.now()
            nodes[1].kill()
            try expect(nodes[0], "nearby \(people[1].peerID) gone (recheckFailed)", timeout: .seconds(20))
            gone.append(Monotonic.milliseconds(since: killed))
            _ = nodes[1].process.waitUntilExitReturningStatus()

            // Restarted, then stopped cleanly: the goodbye must remove it.
            let again = try people[1].start(in: lan, node: 1, peerdex: options.peerdexPath)
            try expect(nodes[0], "nearby \(people[1].peerID) at \(lan.nodes[1].ipv4):7447 verified", timeout: .seconds(10))
            let stopped = Monotonic.now()
            again.terminate()
            try expect(nodes[0], "nearby \(people[1].peerID) gone (goodbye)", timeout: .seconds(20))
            goodbye.append(Monotonic.milliseconds(since: stopped))
            _ = again.process.waitUntilExitReturningStatus()
            nodes[0].terminate()
            _ = nodes[0].process.waitUntilExitReturningStatus()
            Report.note("  round \(round + 1): discover \(Report.format(discover.values.suffix(2).max() ?? 0)) ms, gone \(Report.format(gone.values.last ?? 0)) ms, goodbye \(Report.format(goodbye.values.last ?? 0)) ms")
        }
        Report.figure("nearby.discover.p50", discover.median / 1_000, "s")
        Report.figure("nearby.discover.max", discover.maximum / 1_000, "s")
        Report.figure("nearby.gone.max", gone.maximum / 1_000, "s")
        Report.figure("nearby.goodbye.max", goodbye.maximum / 1_000, "s")
    }

    /// Reads `process`'s lines until `line`, or fails with what it printed.
    private func expect(_ process: NamespaceProcess, _ line: String, timeout: Duration) throws {
        var skipped = [String]()
        guard process.readLine(timeout: timeout, skipped: &skipped, where: { $0 == line }) != nil else {
            throw BenchError("nearby: no '\(line)' within \(timeout); printed \(skipped); stderr: \(process.errorOutput)")
        }
    }

    /// A data directory with a public profile.
    private struct Person {
        let directory: String
        let peerID: String

        init(name: String, peerdex: String) throws {
            directory = NSTemporaryDirectory() + "peerdex-bench-nearby-" + UUID().uuidString
            let set = try CommandRunner.runTool(
                peerdex, ["profile", "set", "--name", name, "--visibility", "public", "--data-dir", directory])
            guard set.status == 0 else { throw BenchError("profile set: \(set.stderr)") }
            let id = try CommandRunner.runTool(peerdex, ["id", "--data-dir", directory])
            guard let line = id.stdout.split(separator: "\n").first, let text = line.split(separator: " ").last else {
                throw BenchError("peerdex id printed \(id.stdout)")
            }
            peerID = String(text)
        }

        func start(in lan: NetworkNamespaces, node: Int, peerdex: String) throws -> NamespaceProcess {
            try lan.run(
                in: node, peerdex, ["node", "--listen", "0.0.0.0:7447", "--nearby", "--data-dir", directory])
        }
    }
}

extension Process {
    /// Waits for the process to end and returns its status.
    fileprivate func waitUntilExitReturningStatus() -> Int32 {
        waitUntilExit()
        return terminationStatus
    }
}
