import Crypto
import Foundation
import PeerdexCore
import PeerdexTestSupport
import Testing

/// peerdex's DHT against libtorrent 2.0.8, the reference Mainline DHT (issue 10, "Interoperability"):
/// each test runs one network on 127.0.0.1 of 8 libtorrent nodes and 4 `peerdex node` processes, all
/// joined to each other (`InteropNetwork`). Skipped only where libtorrent's Python binding is missing.
@Suite(
    .serialized, .timeLimit(.minutes(1)),
    .enabled(
        if: LibtorrentDriver.unavailableReason == nil,
        Comment(rawValue: "libtorrent is not available: \(LibtorrentDriver.unavailableReason ?? "")")))
struct LibtorrentInteropTests {
    @Test func aPeerdexNodeJoinsAndAnswersLibtorrentsQueries() async throws {
        try await InteropNetwork.with { network in
            // libtorrent puts a node in its routing table only once it has answered a query of its own.
            let tables = try await network.libtorrentRoutingTables()
            for node in network.peerdex {
                let id = try #require(node.dhtID(), "\(node.name) logged its DHT node ID")
                for (index, table) in tables.enumerated() {
                    #expect(table["\(node.address)"] == id.hex, "libtorrent node \(index) holds \(node.name), right ID")
                }
                let statistics = try await node.statistics()
                #expect(statistics.count("nodes") >= 8, "\(node.name): \(statistics)")
                #expect(statistics.count("answered") > 0, "\(node.name): \(statistics)")
                // It learned its address from the `ip` (BEP 42) of the replies it got.
                #expect(statistics.fields["external"] == "\(node.address)", "\(node.name): \(statistics)")
            }

            // The engine's own counters, from a peerdex node in this process that libtorrent's lookups
            // go through: not one of libtorrent's datagrams fails to decode, no answer goes unmatched.
            let ada = network.peerdex[0].peerID.publicKey
            let counters = try await network.withDHTNode(readOnly: false) { node, endpoint in
                _ = try await network.libtorrent.send("add_node", ["port": Int(endpoint.port)])
                let joined = try await network.waitForLibtorrent { $0.allSatisfy { $0["\(endpoint)"] != nil } }
                #expect(joined, "every libtorrent node holds the in-process peerdex node")
                for index in network.libtorrent.nodes.indices {
                    let got = try await network.libtorrentGet(ada, node: index)
                    #expect(got.ok && got.int("seq") == 1, "libtorrent node \(index): \(got)")
                }
                return try await node.inspect { $0.statistics }
            }
            #expect(counters.queriesAnswered > 0 && counters.malformed == 0, "\(counters)")
            #expect(counters.unmatchedResponses <= counters.timeouts, "only late answers go unmatched: \(counters)")
        }
    }

    @Test func anItemLibtorrentPutsIsReadByPeerdexLookup() async throws {
        try await InteropNetwork.with { network in
            let seed = Array(SHA256.hash(data: Array("peerdex interop: Lin".utf8)))
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
            let peer = try PeerID(publicKey: Array(key.publicKey.rawRepresentation))
            let profile = BencodeValue.dictionary([
                "v": .integer(1), "n": .string("Lin"), "i": .list([.string("go"), .string("chess")]),
                "l": .string("Oslo"), "p": .integer(4242),
            ])
            let put = try await network.libtorrentPut(seed: seed, value: profile, seq: 7, node: 2)
            #expect(put.ok && put.int("num_success") ?? 0 >= 1, "\(put)")
            #expect(put.objects("errors").isEmpty, "no node refused the put: \(put)")

            let found = try network.lookup(peer, through: network.libtorrent.nodes[5].port)
            let report = try #require(jsonObject(found), "lookup: \(found.stderr)")
            #expect(report["peerId"] as? String == peer.text)
            #expect(report["name"] as? String == "Lin")
            #expect(report["interests"] as? [String] == ["go", "chess"])
            #expect(report["location"] as? String == "Oslo")
            #expect(report["port"] as? Int == 4242)
            #expect(report["seq"] as? Int == 7)
            let holders = Set(report["foundAt"] as? [String] ?? [])
            #expect(!holders.isEmpty && holders.isSubset(of: network.endpoints), "found at \(holders)")

            let nobody = try PeerID(publicKey: Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation))
            let missing = try network.lookup(nobody, through: network.libtorrent.nodes[1].port)
            #expect(missing.status != 0 && missing.stderr.contains("no profile found"), "\(missing.stderr)")
        }
    }

    @Test func aProfilePeerdexPublishesIsReadByLibtorrentAndItsSignatureVerifies() async throws {
        try await InteropNetwork.with { network in
            let ada = network.peerdex[0]
            for index in [3, 6] {
                let got = try await network.libtorrentGet(ada.peerID.publicKey, node: index)
                #expect(got.ok && got.int("seq") == 1 && got.fields["authoritative"] as? Bool == true, "\(got)")
                // The driver checked the signature; MutableItem checks it again, with our code.
                let item = try MutableItem(
                    publicKey: ada.peerID.publicKey, salt: ProfileRecord.salt, seq: 1,
                    valueBytes: try #require(got.bytes("value")), signature: try #require(got.bytes("sig")))
                let record = try ProfileRecord(decoding: item.valueBytes)
                #expect(record.name == "Ada Lovelace")
                #expect(record.interests == ["mathematics", "engines"])
                #expect(record.location == "London")
                #expect(record.port.map(Int.init) == ada.address.port)
            }
            // A private profile is never published.
            let hidden = try await network.libtorrentGet(network.peerdex[3].peerID.publicKey, node: 2)
            #expect(!hidden.ok && hidden.error == "not found", "\(hidden)")
        }
    }

    @Test func aHigherSeqReplacesALowerOneInBothDirections() async throws {
        try await InteropNetwork.with { network in
            let grace = network.peerdex[1]
            let key = grace.peerID.publicKey
            let first = try await network.libtorrentGet(key, node: 3)
            #expect(first.ok && first.int("seq") == 1, "\(first)")

            // peerdex → libtorrent: seq 2 replaces 1. A running node looks for a changed profile only
            // every 30 s, so this takes the user's other way: change it, restart the node (same port).
            await grace.stop()
            let changed = try grace.runner.run(["profile", "set", "--name", "Grace B. Hopper"])
            #expect(changed.status == 0 && changed.stdout.contains("seq 2"), "\(changed.stdout)\(changed.stderr)")
            let restartedAt = grace.logLength
            try await grace.restart(bootstrap: network.bootstrap(for: 1))
            let published = await grace.waitForLog("profile published", "seq=2", after: restartedAt)
            #expect(published, "\(grace.log(after: restartedAt))")
            let second = try await network.libtorrentGet(key, node: 5)
            #expect(second.ok && second.int("seq") == 2 && second.fields["authoritative"] as? Bool == true, "\(second)")
            let item = try MutableItem(
                publicKey: key, salt: ProfileRecord.salt, seq: 2, valueBytes: try #require(second.bytes("value")),
                signature: try #require(second.bytes("sig")))
            #expect(try ProfileRecord(decoding: item.valueBytes).name == "Grace B. Hopper")

            // libtorrent → peerdex: libtorrent's own put takes the highest seq it finds (peerdex's 2) + 1.
            let seed = try grace.identitySeed()
            let string = BencodeValue.string("libtorrent was here")
            let own = try await network.libtorrentPut(seed: seed, value: string, node: 6)
            #expect(own.ok && own.string("via") == "libtorrent" && own.int("seq") == 3, "\(own)")
            let read = try await network.readItem(publicKey: key)
            #expect(read?.seq == 3 && read?.valueBytes == string.encoded(), "\(String(describing: read))")
            let notAProfile = try network.lookup(grace.peerID, through: network.libtorrent.nodes[7].port)
            #expect(notAProfile.status != 0 && notAProfile.stderr.contains("not valid"), "\(notAProfile.stderr)")

            // A profile record with seq 4, put through the driver (libtorrent's binding puts only strings).
            let record = BencodeValue.dictionary(["v": .integer(1), "n": .string("Grace (from libtorrent)")])
            let fourth = try await network.libtorrentPut(seed: seed, value: record, seq: 4, node: 6)
            #expect(fourth.ok && fourth.objects("errors").isEmpty, "every node took seq 4 over 3: \(fourth)")
            let shown = try network.lookup(grace.peerID, through: network.libtorrent.nodes[7].port)
            let report = try #require(jsonObject(shown), "lookup: \(shown.stderr)")
            #expect(report["seq"] as? Int == 4 && report["name"] as? String == "Grace (from libtorrent)", "\(report)")

            // A lower seq is now refused everywhere (302), by the peerdex nodes holding seq 4 too.
            let older = BencodeValue.dictionary(["v": .integer(1), "n": .string("Grace, older")])
            let stale = try await network.libtorrentPut(seed: seed, value: older, seq: 3, node: 6)
            let refusals = stale.objects("errors")
            #expect(!stale.ok && stale.int("num_success") == 0 && !refusals.isEmpty, "\(stale)")
            #expect(refusals.allSatisfy { $0["code"] as? Int == 302 }, "\(stale)")
            let refusers = Set(refusals.compactMap { $0["node"] as? String })
            let peerdexHolders = Set(fourth.strings("stored_at")).intersection(network.peerdex.map { "\($0.address)" })
            #expect(peerdexHolders.isSubset(of: refusers), "\(stale)")
        }
    }

    @Test func announcementsOfEitherSideAreFoundByTheOther() async throws {
        try await InteropNetwork.with { network in
            // peerdex → libtorrent: every peerdex node announced its TCP port under SHA-1("peerdex/1").
            let rendezvous = InteropNetwork.hex(Insecure.SHA1.hash(data: Array("peerdex/1".utf8)))
            let found = try await network.libtorrent.send("get_peers", ["node": 4, "info_hash": rendezvous])
            let announcedPorts = Set(network.peerdex.map { "\($0.address)" })
            #expect(found.ok && announcedPorts.isSubset(of: Set(found.strings("peers"))), "\(found)")

            // libtorrent → peerdex, under an info-hash equal to a peerdex node's ID: that node is surely
            // among the closest libtorrent announces to, and must store the announcement.
            let alan = network.peerdex[2]
            let infoHash = try #require(alan.dhtID())
            let before = try await alan.statistics().count("peers")
            let announced = try await network.libtorrent.send("announce", ["node": 4, "info_hash": infoHash.hex])
            #expect(announced.ok && announced.string("via") == "libtorrent", "\(announced)")
            #expect(announced.int("num_success") ?? 0 >= 1, "\(announced)")
            let after = try await alan.statistics().count("peers")
            #expect(after == before + 1, "\(alan.name) stored libtorrent's announcement: \(before) → \(after) peers")
            let seen = try await network.readPeers(infoHash)
            #expect(seen.map(\.description) == ["127.0.0.1:\(network.libtorrent.nodes[4].port)"], "\(seen)")
        }
    }
}

/// A successful run's stdout as one JSON object.
private func jsonObject(_ result: CommandRunner.Result) -> [String: Any]? {
    guard result.status == 0 else { return nil }
    return (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any]
}
