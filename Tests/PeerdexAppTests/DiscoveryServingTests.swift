import Foundation
import Logging
import PeerdexCore
import PeerdexNet
import PeerdexTestSupport
import Testing

@testable import PeerdexApp

/// The answering side kept in line with the book: switching discovery sharing on or off changes
/// what the running node's PONG offers at the next refresh, and leaves its other capabilities.
@Suite struct DiscoveryServingTests {
    let directory = DataDirectory(explicit: NSTemporaryDirectory() + "peerdex-serving-\(UUID().uuidString)")
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test func sharingSwitchedWhileRunningIsOfferedAndWithdrawnInThePong() throws {
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        let book = try ContactBook.open(directory)
        var configuration = NodeConfiguration()
        configuration.capabilities = ["rendezvous"]
        let node = PeerdexNode(identity: book.identity.handshakeIdentity, configuration: configuration, logger: logger)
        let snapshot = DiscoveryResponderSnapshot()

        DiscoveryServing.refresh(book, into: snapshot, advertisingOn: node, logger: logger)
        #expect(node.capabilities == ["rendezvous"], "sharing is off by default")

        _ = try book.updateSharing(shareWithDiscoveryPeers: true, allowContactSharing: nil)
        DiscoveryServing.refresh(book, into: snapshot, advertisingOn: node, logger: logger)
        #expect(node.capabilities == ["rendezvous", PeerCapability.contactDiscovery])
        #expect(snapshot.current?.controller.preferences.shareWithDiscoveryPeers == true)

        DiscoveryServing.refresh(book, into: snapshot, advertisingOn: node, logger: logger)
        #expect(node.capabilities == ["rendezvous", PeerCapability.contactDiscovery], "offered once, not twice")

        _ = try book.updateSharing(shareWithDiscoveryPeers: false, allowContactSharing: nil)
        DiscoveryServing.refresh(book, into: snapshot, advertisingOn: node, logger: logger)
        #expect(node.capabilities == ["rendezvous"])
    }
}
