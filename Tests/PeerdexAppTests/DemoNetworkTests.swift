import Foundation
import PeerdexCore
import Testing

@testable import PeerdexApp

/// The demo's probe range: the smallest that covers every nearby person's loopback address.
@Suite struct DemoNetworkTests {
    @Test(arguments: [(1, 30), (2, 30), (3, 29), (6, 29), (7, 28), (14, 28), (15, 27), (30, 27), (31, 26), (254, 24)])
    func theProbeRangeIsTheSmallestThatCoversTheHosts(hosts: Int, prefix: Int) throws {
        #expect(DemoNetwork.prefixLength(covering: hosts) == prefix)
        let range = try NearbyProbeRange(parsing: "127.0.0.0/\(prefix)")
        #expect(range.hosts.count >= hosts, "127.0.0.1 … 127.0.0.\(hosts) fit")
    }

    @Test func aDirectoryWithSomethingInItIsRefusedAndNamedOnesAreKept() throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("demo-dir-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let (made, removable) = try DemoLauncher.prepareDirectory(parent + "/new")
        #expect(made == parent + "/new" && !removable, "a named directory is the user's to keep")
        #expect(FileManager.default.fileExists(atPath: made))
        FileManager.default.createFile(atPath: made + "/file", contents: Data())
        #expect(throws: AppError.self) { try DemoLauncher.prepareDirectory(made) }
        let (temporary, ours) = try DemoLauncher.prepareDirectory(nil)
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        #expect(ours && temporary.contains("peerdex-demo-"))
    }
}
