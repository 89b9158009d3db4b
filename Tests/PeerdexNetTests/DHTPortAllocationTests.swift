import Logging
import PeerdexCore
import Testing

@testable import PeerdexNet

/// Hundreds of DHT nodes bound at once: each gets a UDP port of its own.
///
/// `make test` runs this suite in a pass of its own (with the other suites that hold over a
/// thousand descriptors): Foundation's `Process.run()` lists `/proc/self/fd` with a copy that can
/// read past the end of its buffer once that many are open, and crashed the test process when a
/// test beside this one started a program.
@Suite(.timeLimit(.minutes(1))) struct DHTPortAllocationTests {
    @Test func nodesBoundToPortZeroAreGivenPortsOfTheirOwn() async throws {
        // With SO_REUSEADDR, Linux handed out an ephemeral UDP port twice in about 1 bind in 20
        // out of 3,000 (measured); 600 nodes then share a port several times over.
        var nodes = [DHTNode]()
        var ports = [Int]()
        for index in 0..<600 {
            let node = DHTNode(localID: NodeID(high: UInt64(index), middle: 1, low: 1), logger: Logger(label: "test.dht"))
            ports.append(try await node.start(bindingTo: HostPort(host: "127.0.0.1", port: 0)).port)
            nodes.append(node)
        }
        for node in nodes { await node.shutdown() }
        #expect(Set(ports).count == ports.count, "\(ports.count - Set(ports).count) ports given twice")
    }
}
