import Foundation
import PeerdexCore
import PeerdexTestSupport
import Testing

/// The checks of `ReplicatedResults`: a receiver keeps what it is sent and serves it to others,
/// so a message over any limit is refused whole, with the limit it breaks.
@Suite struct ReplicationMessagesTests {
    static func peer(_ seed: Int, name: String = "Ada", seq: Int64 = 1) -> DiscoveredPeer {
        DiscoveredPeer(peerID: Fixtures.peerID(seed), name: name, interests: ["jazz"], location: "Lyon", seq: seq)
    }

    /// `message` after a trip through an envelope's bytes, as the receiver reads it.
    static func roundTrip(_ message: WireReplicatedResults) throws -> WireReplicatedResults {
        let bytes = WireEnvelope.request(id: 9, .replicatedResults(message)).wireBytes()
        let decoded = try WireEnvelope(wire: bytes)
        #expect(decoded.bodyName == "replicatedResults")
        guard case .replicatedResults(let read) = decoded.body else { throw WireDecodingError.malformed }
        return read
    }

    @Test func aValidMessageSurvivesTheEnvelopeAndKeysItsQueryAsTheCachesDo() throws {
        let message = WireReplicatedResults(
            query: WirePeerQuery(text: "  Lyon JAZZ ", interests: ["Jazz"], max: 7),
            results: [Self.peer(1), Self.peer(2)])
        let read = try Self.roundTrip(message)
        #expect(read.query.max == 0)
        let checked = try read.validated()
        #expect(checked.key == QueryCacheKey(text: "jazz lyon", interests: ["jazz"]))
        #expect(checked.results == [Self.peer(1), Self.peer(2)])
    }

    @Test func theBuilderCarriesAtMostFiftyResults() {
        let message = WireReplicatedResults(query: WirePeerQuery(text: "a"), results: (0..<80).map { Self.peer($0) })
        #expect(message.results.count == ReplicationProtocol.maximumResults)
    }

    @Test func aMessageWithMoreThanFiftyResultsIsRefused() throws {
        var message = WireReplicatedResults(query: WirePeerQuery(text: "a"), results: [])
        message.results = (0..<51).map { WireDiscoveredProfile(Self.peer($0)) }
        #expect(throws: ReplicationMessageError.tooManyResults(51)) { try Self.roundTrip(message).validated() }
        message.results.removeLast()
        #expect((try? Self.roundTrip(message).validated())?.results.count == 50)
    }

    @Test func aQueryOverPeerQueryLimitsOrEmptyIsRefused() {
        let long = WireReplicatedResults(query: WirePeerQuery(text: String(repeating: "x", count: 257)), results: [])
        #expect(throws: ReplicationMessageError.invalidQuery(.queryTextTooLong(bytes: 257))) { try long.validated() }
        let many = WireReplicatedResults(query: WirePeerQuery(interests: (0..<13).map { "t\($0)" }), results: [])
        #expect(throws: ReplicationMessageError.invalidQuery(.tooManyQueryInterests(13))) { try many.validated() }
        let empty = WireReplicatedResults(query: WirePeerQuery(text: " \t "), results: [Self.peer(1)])
        #expect(throws: ReplicationMessageError.emptyQuery) { try empty.validated() }
        let missing = WireReplicatedResults()
        #expect(throws: ReplicationMessageError.emptyQuery) { try missing.validated() }
    }

    @Test func aHostileEntryRefusesTheWholeMessageNamingIt() {
        var shortID = WireDiscoveredProfile(Self.peer(1))
        shortID.peerID = Data(repeating: 1, count: 31)
        var negative = WireDiscoveredProfile(Self.peer(2))
        negative.seq = -1
        var longName = WireDiscoveredProfile(Self.peer(3))
        longName.name = String(repeating: "n", count: 65)
        var control = WireDiscoveredProfile(Self.peer(4))
        control.location = "Lyon\u{7}"
        var manyInterests = WireDiscoveredProfile(Self.peer(5))
        manyInterests.interests = (0..<13).map { "i\($0)" }
        for hostile in [shortID, negative, longName, control, manyInterests] {
            var message = WireReplicatedResults(query: WirePeerQuery(text: "a"), results: [Self.peer(9)])
            message.results.append(hostile)
            #expect(throws: ReplicationMessageError.invalidResult(index: 1)) { try message.validated() }
        }
    }

    @Test func aRepeatedPeerIDIsRefused() {
        let message = WireReplicatedResults(
            query: WirePeerQuery(text: "a"), results: [Self.peer(1), Self.peer(2), Self.peer(1, seq: 9)])
        #expect(throws: ReplicationMessageError.repeatedResult(index: 2)) { try message.validated() }
    }

    @Test func everyRefusalReadsAsOneLineNamingTheLimit() {
        #expect(ReplicationMessageError.tooManyResults(51).description.contains("limit of 50"))
        let invalid = ReplicationMessageError.invalidResult(index: 3).description
        #expect(invalid == "replicated result 3 is not a valid profile")
        #expect(ReplicationMessageError.invalidQuery(.queryTextTooLong(bytes: 300)).description.contains("256"))
    }
}
