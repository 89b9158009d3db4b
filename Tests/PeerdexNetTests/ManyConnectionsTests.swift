import Foundation
import PeerdexTestSupport
import Testing

@testable import PeerdexCore
@testable import PeerdexNet

/// The floor: one node holds 1,000 authenticated connections at once on loopback and
/// answers a ping on every one of them.
///
/// Over 2,000 descriptors: `make test` runs it apart from every test that starts a program (see
/// `DHTPortAllocationTests`).
@Suite struct ManyConnectionsTests {
    @Test func aNodeHoldsAThousandAuthenticatedConnectionsAndServesPingsOnAll() async throws {
        var configuration = NodeHarness.quick()
        configuration.handshakeTimeout = .seconds(20)
        configuration.connectTimeout = .seconds(20)
        configuration.requestTimeout = .seconds(20)
        let patient = configuration
        try await NodeHarness.withNode(configuration: patient) { server, address in
            try await NodeHarness.withNode(configuration: patient, listen: false) { client, _ in
                var connections: [PeerConnection] = []
                for _ in 0..<10 {  // in waves of 100, as a crowd of peers arrives
                    connections += try await withThrowingTaskGroup(of: PeerConnection.self) { group in
                        for _ in 0..<100 { group.addTask { try await client.dial(address) } }
                        return try await group.reduce(into: []) { $0.append($1) }
                    }
                }
                #expect(Set(connections.map { ObjectIdentifier($0) }).count == 1_000)
                try await PeerdexNodeTests.waitUntil { server.connections.count == 1_000 }
                let replies = try await withThrowingTaskGroup(of: PingReply.self) { group in
                    for connection in connections { group.addTask { try await connection.ping() } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(replies.count == 1_000)
                #expect(replies.allSatisfy { $0.peer == server.identity.peerID })
                #expect(connections.allSatisfy { $0.isOpen })
                #expect(server.load >= 0.48 && server.load <= 0.5, "1,000 of 2,048 connections: \(server.load)")
            }
        }
    }
}
