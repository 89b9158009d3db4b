import Foundation
import PeerdexCore

/// `<demo-dir>/demo.json`: who is in the demo network and where, so that scripts, tests and a
/// curious user can reach it from outside (`peerdex lookup … --bootstrap`, `peerdex ping`).
public struct DemoManifest: Codable, Sendable, Equatable {
    /// The throwaway user the TUI runs as.
    public struct User: Codable, Sendable, Equatable {
        /// Its peer ID.
        public var peerId: String
        /// Its data directory (`peerdex --data-dir` opens it).
        public var dataDirectory: String
    }

    /// One node of the network.
    public struct Person: Codable, Sendable, Equatable {
        /// Position in the population.
        public var index: Int
        /// Display name.
        public var name: String
        /// Peer ID.
        public var peerId: String
        /// Invite with the listening address.
        public var invite: String
        /// TCP (Noise) and UDP (DHT) address.
        public var address: String
        /// Interests as published.
        public var interests: [String]
        /// Profile visibility.
        public var visibility: String
        /// How the user's book holds the person: stranger, contact, favorite, friend, blocked.
        public var relation: String
        /// Whether the user's nearby probe can find the node.
        public var nearby: Bool
        /// Whether the node answers discovery queries.
        public var discoveryPeer: Bool
        /// The node's data directory.
        public var dataDirectory: String
    }

    /// The user.
    public var user: User
    /// DHT nodes to join the network through, `HOST:PORT`.
    public var bootstrap: [String]
    /// The range the user's nearby probe sweeps, and the port it probes.
    public var nearbyRange: String
    /// The port nearby people listen on.
    public var nearbyPort: Int
    /// The seed the people were generated from.
    public var seed: UInt64
    /// Every node.
    public var people: [Person]

    /// The manifest of `network`, run for `user` (its data directory is `userDirectory`).
    init(network: DemoNetwork, user: Identity, userDirectory: DataDirectory, seed: UInt64) {
        self.user = User(peerId: user.peerID.text, dataDirectory: userDirectory.path)
        bootstrap = network.bootstrap.map(\.description)
        nearbyRange = network.nearbyRange.description
        nearbyPort = network.nearbyPort
        self.seed = seed
        people = network.members.map { member in
            let person = member.person
            return Person(
                index: person.index, name: person.profile.name, peerId: member.peerID.text,
                invite: Invite(peerID: member.peerID, address: member.address).url, address: "\(member.address)",
                interests: person.profile.interests, visibility: person.profile.visibility.rawValue,
                relation: person.relation.rawValue, nearby: member.isNearby,
                discoveryPeer: person.sharesWithDiscoveryPeers, dataDirectory: member.directory.path)
        }
    }

    /// The file's name inside the demo directory.
    public static let fileName = "demo.json"

    /// The manifest of the demo run in `directory`; nil while the demo has not written it yet.
    public static func read(inDemoDirectory directory: String) throws -> DemoManifest? {
        guard let data = FileManager.default.contents(atPath: directory + "/" + fileName) else { return nil }
        return try JSONDecoder().decode(DemoManifest.self, from: data)
    }

    /// Pretty-printed JSON with sorted keys.
    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
