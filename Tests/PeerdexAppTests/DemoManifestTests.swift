import Foundation
import Testing

@testable import PeerdexApp

/// `demo.json` read back: what scripts and the bench get from a demo directory.
@Suite struct DemoManifestTests {
    static let json = """
        {
          "bootstrap": ["127.0.0.2:40000"], "nearbyPort": 40001, "nearbyRange": "127.0.0.2/30", "seed": 7,
          "user": {"dataDirectory": "/tmp/demo/user", "peerId": "user-id"},
          "people": [{
            "address": "127.0.0.2:40000", "dataDirectory": "/tmp/demo/0", "discoveryPeer": true,
            "index": 0, "interests": ["jazz"], "invite": "peerdex://x", "name": "Ada", "nearby": false,
            "peerId": "ada-id", "relation": "contact", "visibility": "public"
          }]
        }
        """

    @Test func aDemoDirectorysManifestIsReadAndAMissingOneIsNil() throws {
        let directory = NSTemporaryDirectory() + "peerdex-demo-manifest-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try DemoManifest.read(inDemoDirectory: directory) == nil, "not written yet")

        try Data(Self.json.utf8).write(to: URL(fileURLWithPath: directory + "/" + DemoManifest.fileName))
        let manifest = try #require(try DemoManifest.read(inDemoDirectory: directory))
        #expect(manifest.user.peerId == "user-id")
        #expect(manifest.people.map(\.name) == ["Ada"])
        #expect(manifest.people.first?.discoveryPeer == true)
        // What it encodes reads back the same.
        try manifest.encoded().write(to: URL(fileURLWithPath: directory + "/" + DemoManifest.fileName))
        #expect(try DemoManifest.read(inDemoDirectory: directory) == manifest)

        try Data("{\"people\": 3}".utf8).write(to: URL(fileURLWithPath: directory + "/" + DemoManifest.fileName))
        #expect(throws: DecodingError.self) { try DemoManifest.read(inDemoDirectory: directory) }
    }
}
