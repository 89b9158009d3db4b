import Crypto
import Testing

@testable import PeerdexCore

/// The nearby browser's state machine on a virtual clock: verification, replays, goodbyes,
/// expiry, re-checks, blocking and bounds.
@Suite struct NearbyPeerTableTests {
    static let hostA = IPAddress(parsing: "127.0.0.2")!
    static let hostB = IPAddress(parsing: "127.0.0.3")!
    static let port: UInt16 = 4_242

    static func key(_ byte: UInt8) -> Curve25519.Signing.PrivateKey {
        try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: byte, count: 32))
    }

    static func peer(_ byte: UInt8) -> PeerID {
        try! PeerID(publicKey: Array(key(byte).publicKey.rawRepresentation))
    }

    static func advertisement(_ byte: UInt8, seq: UInt64 = 1, name: String? = nil) -> NearbyAdvertisement {
        try! NearbyAdvertisement.sign(seq: seq, port: port, name: name ?? "peer \(byte)", with: key(byte))
    }

    static func at(_ host: IPAddress) -> DHTEndpoint { DHTEndpoint(ip: host, port: port) }

    /// A table where each of `bytes` was heard at `hostA` and verified there at `now`, in order.
    static func tableWithVerified(
        _ bytes: [UInt8], settings: NearbyPeerTable.Settings = .init(), ttl: UInt32 = 120, now: Double = 0
    ) -> NearbyPeerTable {
        var table = NearbyPeerTable(localPeerID: peer(99), settings: settings)
        for byte in bytes {
            _ = table.hear(advertisement(byte), from: hostA, ttl: ttl, now: now)
            _ = table.verificationSucceeded(peer(byte), at: at(hostA), rtt: 0.002, now: now)
        }
        return table
    }

    // MARK: - Verification

    @Test func aHeardPeerIsListedOnlyAfterAHandshakeProvesIt() {
        var table = NearbyPeerTable(localPeerID: Self.peer(99))
        let actions = table.hear(Self.advertisement(1, name: "Ada"), from: Self.hostA, ttl: 120, now: 10)
        #expect(actions == [.verify(Self.peer(1), at: Self.at(Self.hostA))])
        #expect(table.verifiedPeers.isEmpty)
        #expect(table.count == 1)
        let expected = NearbyPeer(
            peerID: Self.peer(1), name: "Ada", address: Self.at(Self.hostA), rtt: 0.004, lastHeard: 11)
        #expect(
            table.verificationSucceeded(Self.peer(1), at: Self.at(Self.hostA), rtt: 0.004, now: 11) == [
                .appeared(expected)
            ])
        #expect(table.verifiedPeers == [expected])
    }

    @Test func aFailedHandshakeDropsTheUnverifiedPeerAndCountsIt() {
        var table = NearbyPeerTable(localPeerID: nil)
        _ = table.hear(Self.advertisement(1), from: Self.hostA, ttl: 120, now: 0)
        #expect(table.verificationFailed(Self.peer(1), at: Self.at(Self.hostA), now: 1) == [])
        #expect(table.count == 0)
        #expect(table.drops[.verificationFailed] == 1)
    }

    @Test func aCopyReplayedFromAnotherAddressCannotDivertTheHandshake() {
        var table = NearbyPeerTable(localPeerID: nil)
        _ = table.hear(Self.advertisement(1), from: Self.hostA, ttl: 120, now: 0)
        #expect(
            table.hear(Self.advertisement(1), from: Self.hostB, ttl: 120, now: 0.1) == [
                .verify(Self.peer(1), at: Self.at(Self.hostB))
            ])
        _ = table.verificationFailed(Self.peer(1), at: Self.at(Self.hostB), now: 0.2)
        let appeared = table.verificationSucceeded(Self.peer(1), at: Self.at(Self.hostA), rtt: 0.001, now: 0.3)
        #expect(appeared.count == 1)
        #expect(table.verifiedPeers.map(\.address) == [Self.at(Self.hostA)])
    }

    @Test func forgedOversizedUnsignedAndOwnAdvertisementsAreDroppedAndCounted() throws {
        var table = NearbyPeerTable(localPeerID: Self.peer(99))
        var forged = Self.advertisement(1).txtStrings
        forged[2] = Array("seq=2".utf8)
        #expect(table.hear(txtStrings: forged, from: Self.hostA, ttl: 120, now: 0) == [])
        _ = table.hear(txtStrings: Array(forged.dropLast()), from: Self.hostA, ttl: 120, now: 0)
        _ = table.hear(txtStrings: forged + [[UInt8](repeating: 0x78, count: 300)], from: Self.hostA, ttl: 120, now: 0)
        _ = table.hear(Self.advertisement(99), from: Self.hostA, ttl: 120, now: 0)
        #expect(table.drops == [.forged: 1, .unsigned: 1, .oversized: 1, .ownAdvertisement: 1])
        #expect(table.count == 0)
    }

    // MARK: - Replays and goodbyes

    @Test func aLowerSequenceNumberIsAReplayEvenAfterThePeerLeft() {
        var table = Self.tableWithVerified([1])
        _ = table.hear(Self.advertisement(1, seq: 5), from: Self.hostA, ttl: 120, now: 1)
        #expect(table.hear(Self.advertisement(1, seq: 4), from: Self.hostA, ttl: 120, now: 2) == [])
        #expect(table.drops[.replayed] == 1)
        _ = table.hear(Self.advertisement(1, seq: 5), from: Self.hostA, ttl: 0, now: 3)
        #expect(table.hear(Self.advertisement(1, seq: 4), from: Self.hostA, ttl: 120, now: 4) == [])
        #expect(table.drops[.replayed] == 2)
        #expect(table.count == 0)
    }

    @Test func aGoodbyeRemovesAListedPeerAtOnceButOnlyFromItsOwnAddress() {
        var table = Self.tableWithVerified([1])
        #expect(table.hear(Self.advertisement(1), from: Self.hostB, ttl: 0, now: 1) == [])
        #expect(table.verifiedPeers.count == 1)
        #expect(
            table.hear(Self.advertisement(1), from: Self.hostA, ttl: 0, now: 1) == [
                .disappeared(Self.peer(1), .goodbye)
            ])
        #expect(table.verifiedPeers.isEmpty)
    }

    // MARK: - Expiry and re-checks

    @Test func aPeerNotRefreshedWithinItsTTLExpiresAndARefreshExtendsIt() {
        var settings = NearbyPeerTable.Settings()
        settings.verificationLifetime = 1_000
        var table = Self.tableWithVerified([1, 2], settings: settings, ttl: 120)
        _ = table.hear(Self.advertisement(2), from: Self.hostA, ttl: 120, now: 100)
        #expect(table.expire(now: 119.9) == [])
        #expect(table.expire(now: 120) == [.disappeared(Self.peer(1), .expired)])
        #expect(table.verifiedPeers.map(\.peerID) == [Self.peer(2)])
        #expect(table.expire(now: 220) == [.disappeared(Self.peer(2), .expired)])
    }

    @Test func reChecksComeDueOncePerIntervalAndAFailureRemovesThePeer() {
        var table = Self.tableWithVerified([1, 2])
        #expect(table.nextDeadline == 3)
        #expect(table.dueRechecks(now: 2.9) == [])
        let due = table.dueRechecks(now: 3)
        #expect(
            Set(due) == [
                .verify(Self.peer(1), at: Self.at(Self.hostA)), .verify(Self.peer(2), at: Self.at(Self.hostA)),
            ])
        #expect(table.dueRechecks(now: 4) == [])
        _ = table.verificationSucceeded(Self.peer(2), at: Self.at(Self.hostA), rtt: 0.009, now: 3.1)
        #expect(table.verifiedPeers.first { $0.peerID == Self.peer(2) }?.rtt == 0.009)
        #expect(
            table.verificationFailed(Self.peer(1), at: Self.at(Self.hostA), now: 3.2) == [
                .disappeared(Self.peer(1), .recheckFailed)
            ])
        #expect(table.verifiedPeers.map(\.peerID) == [Self.peer(2)])
    }

    @Test func aPeerWhoseReChecksGoUnansweredLeavesAfterTheVerificationLifetime() {
        var table = Self.tableWithVerified([1])
        _ = table.hear(Self.advertisement(1), from: Self.hostA, ttl: 120, now: 5)
        _ = table.dueRechecks(now: 3)
        _ = table.dueRechecks(now: 6)
        #expect(table.expire(now: 7.9) == [])
        #expect(table.expire(now: 8) == [.disappeared(Self.peer(1), .recheckFailed)])
    }

    // MARK: - Blocking and bounds

    @Test func blockedPeersAreNeverHeldAndBlockingAListedPeerRemovesIt() {
        var table = NearbyPeerTable(localPeerID: nil, blocked: [Self.peer(1)])
        #expect(table.hear(Self.advertisement(1), from: Self.hostA, ttl: 120, now: 0) == [])
        #expect(table.drops[.blocked] == 1)
        var listed = Self.tableWithVerified([2])
        #expect(listed.setBlocked(Self.peer(2), true) == [.disappeared(Self.peer(2), .blocked)])
        #expect(listed.hear(Self.advertisement(2, seq: 2), from: Self.hostA, ttl: 120, now: 1) == [])
        _ = listed.setBlocked(Self.peer(2), false)
        #expect(listed.hear(Self.advertisement(2, seq: 2), from: Self.hostA, ttl: 120, now: 2).count == 1)
    }

    @Test func aFullTableEvictsTheOldestUnverifiedPeerAndNeverAVerifiedOne() {
        var settings = NearbyPeerTable.Settings()
        settings.capacity = 3
        var table = Self.tableWithVerified([1], settings: settings)
        _ = table.hear(Self.advertisement(2), from: Self.hostA, ttl: 120, now: 1)
        _ = table.hear(Self.advertisement(3), from: Self.hostA, ttl: 120, now: 2)
        #expect(
            table.hear(Self.advertisement(4), from: Self.hostA, ttl: 120, now: 3) == [
                .verify(Self.peer(4), at: Self.at(Self.hostA))
            ])
        #expect(table.count == 3)
        #expect(table.verificationSucceeded(Self.peer(2), at: Self.at(Self.hostA), rtt: 0, now: 4) == [])
        _ = table.verificationSucceeded(Self.peer(3), at: Self.at(Self.hostA), rtt: 0, now: 4)
        _ = table.verificationSucceeded(Self.peer(4), at: Self.at(Self.hostA), rtt: 0, now: 4)
        #expect(table.hear(Self.advertisement(5), from: Self.hostA, ttl: 120, now: 5) == [])
        #expect(table.drops[.tableFull] == 1)
        #expect(Set(table.verifiedPeers.map(\.peerID)) == [Self.peer(1), Self.peer(3), Self.peer(4)])
    }

    // MARK: - Order

    @Test func theListKeepsTheOrderOfFirstVerificationThroughRenamesAndDepartures() {
        var table = Self.tableWithVerified([7, 3, 5])
        let order = [Self.peer(7), Self.peer(3), Self.peer(5)]
        #expect(table.verifiedPeers.map(\.peerID) == order)
        #expect(order != order.sorted(), "the fixture must not already be in key order")
        let renamed = table.hear(Self.advertisement(7, seq: 2, name: "Zed"), from: Self.hostA, ttl: 120, now: 1)
        #expect(renamed.count == 1)
        #expect(table.verifiedPeers.map(\.peerID) == order)
        _ = table.hear(Self.advertisement(3), from: Self.hostA, ttl: 0, now: 2)
        #expect(table.verifiedPeers.map(\.peerID) == [Self.peer(7), Self.peer(5)])
        _ = table.hear(Self.advertisement(3, seq: 2), from: Self.hostA, ttl: 120, now: 3)
        _ = table.verificationSucceeded(Self.peer(3), at: Self.at(Self.hostA), rtt: 0, now: 3)
        #expect(table.verifiedPeers.map(\.peerID) == [Self.peer(7), Self.peer(5), Self.peer(3)])
    }
}
