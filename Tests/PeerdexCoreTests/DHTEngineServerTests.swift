import Testing

@testable import PeerdexCore

/// The answering side of `DHTEngine`: every query of BEP 5 and BEP 44, scripted, with the exact
/// datagrams it answers (or the silence it keeps).
@Suite struct DHTEngineServerTests {
    typealias F = DHTItemFixtures

    static let localID = RoutingFixture.ownID
    /// A node already in the table, so that its queries cause no verifying ping.
    static let requester = DHTNodeInfo(
        id: RoutingFixture.id(inBucket: 20, variant: 1), endpoint: DHTEndpoint(ip: .v4(0x0a09_0909), port: 7000))
    static let configuration = DHTEngineConfiguration()

    /// IPv4 nodes in buckets 0...3 (three each) and IPv6 ones in the same buckets (two each).
    static let knownIPv4 = (0..<4).flatMap { bucket in
        (0..<3).map { RoutingFixture.node(inBucket: bucket, variant: $0) }
    }
    static let knownIPv6 = (0..<4).flatMap { bucket in
        (3..<5).map { variant in
            DHTNodeInfo(
                id: RoutingFixture.id(inBucket: bucket, variant: UInt64(variant)),
                endpoint: DHTEndpoint(ip: .v6(0xfd00_0000_0000_0000 | UInt64(bucket), UInt64(variant)), port: 6881))
        }
    }

    /// An engine that knows the requester and the nodes above.
    static func script(_ configuration: DHTEngineConfiguration = configuration) -> EngineScript {
        var script = EngineScript(localID: localID, configuration: configuration)
        script.know([requester] + knownIPv4 + knownIPv6)
        return script
    }

    /// The `k` closest of `nodes` to `target`, computed by sorting (not by the routing table).
    static func closest(_ nodes: [DHTNodeInfo], to target: NodeID, count: Int = 8) -> [DHTNodeInfo] {
        Array(nodes.sorted { $0.id.distance(to: target) < $1.id.distance(to: target) }.prefix(count))
    }

    /// The exact actions of answering `response` to the query `transactionID` from `endpoint`.
    static func reply(_ response: KRPCResponse, transactionID: [UInt8], to endpoint: DHTEndpoint) -> [DHTAction] {
        let message = KRPCMessage.response(
            response, transactionID: transactionID, requesterAddress: endpoint,
            clientVersion: configuration.clientVersion)
        return [.send(message.encoded(), to: endpoint)]
    }

    /// Checks that the output is exactly one error reply of `code` to the query `transactionID`,
    /// with the requester's address and our version.
    static func expectError(
        _ output: EngineOutput, code: Int, transactionID: [UInt8], to endpoint: DHTEndpoint,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(output.actions.count == 1, sourceLocation: sourceLocation)
        guard let sent = output.sent.first else {
            Issue.record("no reply", sourceLocation: sourceLocation)
            return
        }
        #expect(sent.to == endpoint, sourceLocation: sourceLocation)
        #expect(sent.errorReply?.code == code, "\(String(describing: sent.errorReply))", sourceLocation: sourceLocation)
        #expect(sent.message.transactionID == transactionID, sourceLocation: sourceLocation)
        #expect(sent.message.requesterAddress == endpoint, sourceLocation: sourceLocation)
        #expect(sent.message.clientVersion == configuration.clientVersion, sourceLocation: sourceLocation)
    }

    /// The put arguments of a signed item, built field by field.
    static func putArguments(_ item: MutableItem, cas: Int64? = nil) -> KRPCPutArguments {
        KRPCPutArguments(
            value: item.value, publicKey: item.publicKey, signature: item.signature, seq: item.seq,
            salt: item.salt.isEmpty ? nil : item.salt, compareAndSwap: cas)
    }

    static let requesterToken = EngineScript.token(for: requester.endpoint.ip)

    // MARK: - BEP 5 queries

    @Test func pingIsAnsweredWithOurIDTheRequestersAddressAndOurVersion() {
        var script = Self.script()
        let output = script.ask(
            .ping(id: Self.requester.id), from: Self.requester.endpoint, transactionID: [0xbe, 0xef])
        #expect(
            output.actions
                == Self.reply(KRPCResponse(id: Self.localID), transactionID: [0xbe, 0xef], to: Self.requester.endpoint))
        #expect(script.engine.statistics.queriesAnswered == 1)
    }

    @Test func findNodeAnswersTheKClosestNodesOfTheRequestersFamily() {
        var script = Self.script()
        let target = RoutingFixture.id(inBucket: 1, variant: 99)
        let output = script.ask(
            .findNode(id: Self.requester.id, target: target), from: Self.requester.endpoint, transactionID: [1])
        let expected = Self.closest(Self.knownIPv4 + [Self.requester], to: target)
        #expect(expected.count == 8)
        #expect(
            output.actions
                == Self.reply(
                    KRPCResponse(id: Self.localID, nodes: expected), transactionID: [1], to: Self.requester.endpoint))
    }

    @Test func findNodeFromIPv6AnswersIPv6NodesOnlyInNodes6() {
        var script = Self.script()
        let requester6 = DHTEndpoint(ip: .v6(0xfd00_0000_0000_00ff, 9), port: 7000)
        let target = RoutingFixture.id(inBucket: 0, variant: 42)
        let output = script.ask(.findNode(id: Self.requester.id, target: target), from: requester6, transactionID: [2])
        let expected = Self.closest(Self.knownIPv6, to: target)
        let responses = output.sent.filter { $0.response != nil }
        #expect(responses.map(\.to) == [requester6])
        #expect(responses.first?.response == KRPCResponse(id: Self.localID, nodes6: expected))
        #expect(responses.first?.message.requesterAddress == requester6)
    }

    @Test func getPeersAnswersATokenAndNodesThenThePeersAnnounced() {
        var script = Self.script()
        let infoHash = RoutingFixture.id(inBucket: 2, variant: 7)
        let nodes = Self.closest(Self.knownIPv4 + [Self.requester], to: infoHash)
        let first = script.ask(
            .getPeers(id: Self.requester.id, infoHash: infoHash), from: Self.requester.endpoint, transactionID: [3])
        #expect(
            first.actions
                == Self.reply(
                    KRPCResponse(id: Self.localID, nodes: nodes, token: Self.requesterToken), transactionID: [3],
                    to: Self.requester.endpoint))

        let announce = script.ask(
            .announcePeer(
                id: Self.requester.id, infoHash: infoHash, port: 51_413, token: Self.requesterToken,
                impliedPort: false),
            from: Self.requester.endpoint, transactionID: [4])
        #expect(
            announce.actions
                == Self.reply(KRPCResponse(id: Self.localID), transactionID: [4], to: Self.requester.endpoint))

        let other = RoutingFixture.node(inBucket: 3, variant: 1)
        let second = script.ask(.getPeers(id: other.id, infoHash: infoHash), from: other.endpoint, transactionID: [5])
        let answer = second.sent.last
        #expect(answer?.response?.peers == [DHTEndpoint(ip: Self.requester.endpoint.ip, port: 51_413)])
        #expect(answer?.response?.token == EngineScript.token(for: other.endpoint.ip))
    }

    @Test func announceWithImpliedPortStoresTheSourcePort() {
        var script = Self.script()
        let infoHash = RoutingFixture.id(inBucket: 2, variant: 8)
        let announce = script.ask(
            .announcePeer(
                id: Self.requester.id, infoHash: infoHash, port: 0, token: Self.requesterToken, impliedPort: true),
            from: Self.requester.endpoint)
        #expect(announce.sent.first?.response == KRPCResponse(id: Self.localID))
        var random = DHTRandom(seed: 1)
        let stored = script.engine.peers.peers(for: infoHash, ipv4: true, now: script.now, using: &random)
        #expect(stored == [Self.requester.endpoint])
    }

    @Test(arguments: [
        [UInt8](),  // no token at all
        Array("12345678".utf8),  // a guess
        EngineScript.token(for: .v4(0x0a09_0908)),  // the token of another address
    ])
    func announceWithABadTokenIsRefusedWith203AndStoresNothing(token: [UInt8]) {
        var script = Self.script()
        let infoHash = RoutingFixture.id(inBucket: 2, variant: 9)
        let output = script.ask(
            .announcePeer(id: Self.requester.id, infoHash: infoHash, port: 6881, token: token, impliedPort: false),
            from: Self.requester.endpoint, transactionID: [6, 6])
        Self.expectError(output, code: 203, transactionID: [6, 6], to: Self.requester.endpoint)
        #expect(script.engine.peers.peerCount == 0)
    }

    // MARK: - Malformed and unknown

    static func rawQuery(method: String, arguments: BencodeValue, transactionID: [UInt8]) -> [UInt8] {
        BencodeValue.dictionary([
            "a": arguments, "q": .string(method), "t": .bytes(transactionID), "y": .string("q"),
        ]).encoded()
    }

    @Test func aMalformedQueryIsAnswered203WithItsTransactionID() {
        var script = Self.script()
        let missingTarget = Self.rawQuery(
            method: "find_node", arguments: .dictionary(["id": .bytes(Self.requester.id.bytes)]),
            transactionID: [0xc0, 0xde])
        Self.expectError(
            script.receive(missingTarget, from: Self.requester.endpoint), code: 203, transactionID: [0xc0, 0xde],
            to: Self.requester.endpoint)
        let shortID = Self.rawQuery(
            method: "ping", arguments: .dictionary(["id": .bytes([1, 2, 3])]), transactionID: [0xc1])
        Self.expectError(
            script.receive(shortID, from: Self.requester.endpoint), code: 203, transactionID: [0xc1],
            to: Self.requester.endpoint)
        #expect(script.engine.statistics.malformed == 2)
    }

    @Test func anUnknownMethodIsAnswered204() {
        var script = Self.script()
        let query = Self.rawQuery(
            method: "vote", arguments: .dictionary(["id": .bytes(Self.requester.id.bytes)]), transactionID: [0xd0])
        Self.expectError(
            script.receive(query, from: Self.requester.endpoint), code: 204, transactionID: [0xd0],
            to: Self.requester.endpoint)
    }

    @Test(arguments: [
        Array("hello".utf8),  // not bencode
        Array("i42e".utf8),  // not a dictionary
        Array("d1:y1:qe".utf8),  // no transaction ID
        Array("d1:t2:aa1:y1:re".utf8),  // a response without r
        Array("d1:rd2:id3:abce1:t2:aa1:y1:re".utf8),  // a response with a short ID
        [UInt8](repeating: 0x64, count: 3_000),  // over the size cap
        [UInt8](),
    ])
    func garbageGetsNoAnswer(datagram: [UInt8]) {
        var script = Self.script()
        #expect(script.receive(datagram, from: Self.requester.endpoint).actions.isEmpty)
        #expect(script.engine.statistics.malformed == 1)
        #expect(script.engine.statistics.queriesAnswered == 0)
    }

    // MARK: - Read-only nodes (BEP 43)

    @Test func aReadOnlyEngineAnswersNothingAndMarksItsQueriesRo() {
        var configuration = Self.configuration
        configuration.readOnly = true
        var script = Self.script(configuration)
        #expect(script.ask(.ping(id: Self.requester.id), from: Self.requester.endpoint).actions.isEmpty)
        let malformed = Self.rawQuery(method: "ping", arguments: .dictionary([:]), transactionID: [1])
        #expect(script.receive(malformed, from: Self.requester.endpoint).actions.isEmpty)
        let (_, output) = script.start(.findNode(RoutingFixture.id(inBucket: 1, variant: 50)))
        #expect(output.queries.count == 3)
        #expect(output.queries.allSatisfy { $0.message.readOnly })
        #expect(output.queries.allSatisfy { $0.message.clientVersion == Self.configuration.clientVersion })
    }

    @Test func aReadWriteEngineDoesNotMarkItsQueriesRo() {
        var script = Self.script()
        let (_, output) = script.start(.findNode(RoutingFixture.id(inBucket: 1, variant: 50)))
        #expect(output.queries.count == 3)
        #expect(output.queries.allSatisfy { !$0.message.readOnly })
    }

    @Test func aQueryMarkedRoIsAnsweredButItsSenderNeverEntersTheTable() {
        var script = Self.script()
        let stranger = DHTNodeInfo(
            id: RoutingFixture.id(inBucket: 6, variant: 3), endpoint: DHTEndpoint(ip: .v4(0x0a06_0003), port: 9))
        let output = script.ask(.ping(id: stranger.id), from: stranger.endpoint, transactionID: [1], readOnly: true)
        #expect(output.actions == Self.reply(KRPCResponse(id: Self.localID), transactionID: [1], to: stranger.endpoint))
        #expect(script.engine.routing.buckets[6].candidates.isEmpty)
        #expect(script.engine.routing.node(id: stranger.id) == nil)
        // The same query without ro: the stranger becomes a candidate, pinged to verify it.
        let again = script.ask(.ping(id: stranger.id), from: stranger.endpoint, transactionID: [2])
        #expect(again.sent.map(\.to) == [stranger.endpoint, stranger.endpoint])
        #expect(again.sent.first?.query == .ping(id: Self.localID))
        #expect(again.sent.last?.response == KRPCResponse(id: Self.localID))
        #expect(script.engine.routing.buckets[6].candidates.map(\.info) == [stranger])
    }

    // MARK: - Rate limit per address

    static let publicRequester = DHTEndpoint(ip: F.ipv4(77), port: 6881)

    /// Sends `count` pings from `source` at the script's current time; returns how many were answered.
    static func answeredPings(_ count: Int, from source: DHTEndpoint, in script: inout EngineScript) -> Int {
        (0..<count).reduce(0) { answered, _ in
            let output = script.ask(.ping(id: requester.id), from: source)
            return answered + output.sent.count(where: { $0.response != nil && $0.to == source })
        }
    }

    @Test func aPublicAddressGetsItsBurstThenSilenceThenItsRate() {
        var script = Self.script()
        #expect(Self.answeredPings(251, from: Self.publicRequester, in: &script) == 250)
        #expect(script.engine.statistics.queriesRateLimited == 1)
        #expect(
            Self.answeredPings(1, from: DHTEndpoint(ip: F.ipv4(78), port: 6881), in: &script) == 1,
            "another address has its own")
        script.now += 0.01  // 2.5 queries' worth at 250 a second
        #expect(Self.answeredPings(3, from: Self.publicRequester, in: &script) == 2)
    }

    @Test func loopbackIsExemptUnlessLimitLoopback() {
        let loopback = DHTEndpoint(ip: .v4(0x7f00_0001), port: 6881)
        var exempt = Self.script()
        #expect(Self.answeredPings(400, from: loopback, in: &exempt) == 400)
        var configuration = Self.configuration
        configuration.limitLoopback = true
        var limited = Self.script(configuration)
        #expect(Self.answeredPings(400, from: loopback, in: &limited) == 250)
    }

    @Test
    func malformedQueriesFromAFloodingAddressGetNoAnswerEither() {
        var script = Self.script()
        #expect(Self.answeredPings(250, from: Self.publicRequester, in: &script) == 250)
        let malformed = Self.rawQuery(method: "ping", arguments: .dictionary([:]), transactionID: [1])
        #expect(script.receive(malformed, from: Self.publicRequester).actions.isEmpty)
    }
}
