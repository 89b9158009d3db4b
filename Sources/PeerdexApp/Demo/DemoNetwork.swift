import Foundation
import Logging
import PeerdexCore
import PeerdexNet

/// The nodes of `peerdex demo`: one real `NodeRuntime` per generated person, each with its own
/// data directory, identity and book, all in this process on loopback (issue 13, item 1).
///
/// Nothing is faked for the client: each node publishes its profile in the DHT, announces itself
/// and its interests, answers discovery queries and nearby probes as its own privacy settings
/// decide. The "nearby" people listen on addresses of their own (127.0.0.2, .3, …) on one shared
/// port, so that the user's node finds them by the real nearby probe of that range; the others
/// listen on 127.0.0.1 on ports the system picks.
public final class DemoNetwork: Sendable {
    /// One started node and who it is.
    public struct Member: Sendable {
        /// The person the node is.
        public let person: DemoPerson
        /// The node's data directory.
        public let directory: DataDirectory
        /// Its peer ID.
        public let peerID: PeerID
        /// Where it listens (TCP for Noise, UDP for the DHT, one port number).
        public let address: HostPort
        let runtime: NodeRuntime

        /// Whether the node listens where the user's nearby probe looks (a nearby person whose
        /// own address was free).
        public var isNearby: Bool { person.isNearby && address.host != "127.0.0.1" }

        /// The node's DHT address (its UDP port is its TCP port).
        var dhtEndpoint: DHTEndpoint? {
            IPAddress(parsing: address.host).map { DHTEndpoint(ip: $0, port: UInt16(address.port)) }
        }
    }

    /// Every node, in the population's order.
    public let members: [Member]
    /// The range the user's nearby probe sweeps, and the port it probes there.
    public let nearbyRange: NearbyProbeRange
    /// The port every nearby person listens on.
    public let nearbyPort: Int
    private let runs: [Task<Void, Never>]

    private init(members: [Member], nearbyRange: NearbyProbeRange, nearbyPort: Int, runs: [Task<Void, Never>]) {
        self.members = members
        self.nearbyRange = nearbyRange
        self.nearbyPort = nearbyPort
        self.runs = runs
    }

    /// The DHT nodes a newcomer joins through: the first few members.
    public var bootstrap: [DHTEndpoint] {
        members.prefix(3).compactMap(\.dhtEndpoint)
    }

    /// Opens every person's book under `root/people/` and writes their profiles, sharing and
    /// acquaintances (the user among them where `DemoPerson.knowsUser`), on every core. Blocks:
    /// call it from a thread of one's own, not the concurrency pool's.
    public static func prepareBooks(
        people: [DemoPerson], root: String, user: Identity, userName: String
    ) throws -> [ContactBook] {
        let books = try openBooks(count: people.count, root: root)
        let now = ContactBook.now()
        try concurrently(people.count) { index in
            try DemoBooks.write(
                people[index], into: books[index], people: people, books: books, user: user, userName: userName, now: now)
        }
        return books
    }

    /// Starts each person's node on their prepared book and sets them all running. Node 0 is a
    /// rendezvous server; the others join the DHT through it.
    public static func start(people: [DemoPerson], books: [ContactBook], logger: Logger) async throws -> DemoNetwork {
        let nearbyCount = people.filter(\.isNearby).count
        let range = try NearbyProbeRange(parsing: "127.0.0.0/\(prefixLength(covering: nearbyCount + 1))")
        // Node 0 first: the others join the DHT through it, and as a nearby person it fixes the
        // port every nearby person shares. Then the rest at once.
        let first = try await startMember(people[0], book: books[0], host: 2, port: 0, rendezvous: nil, logger: logger)
        let nearbyPort = first.isNearby ? first.address.port : 0
        // 127.0.0.3, .4, … in the people's order (.1 is everyone else's, .2 node 0's).
        let nearbyHosts = Dictionary(
            uniqueKeysWithValues: people.dropFirst().filter(\.isNearby).enumerated().map { ($1.index, UInt32(3 + $0)) })
        let rest = try await withThrowingTaskGroup(of: Member.self) { group in
            for person in people.dropFirst() {
                group.addTask {
                    try await startMember(
                        person, book: books[person.index], host: nearbyHosts[person.index] ?? 1, port: nearbyPort,
                        rendezvous: first, logger: logger)
                }
            }
            return try await group.reduce(into: [Member]()) { $0.append($1) }.sorted { $0.person.index < $1.person.index }
        }
        let members = [first] + rest
        let runs = members.map { member in
            Task {
                do { try await member.runtime.run() } catch {
                    logger.error("demo node \(member.person.index) stopped", metadata: ["error": "\(error)"])
                }
            }
        }
        return DemoNetwork(members: members, nearbyRange: range, nearbyPort: nearbyPort, runs: runs)
    }

    /// Stops every node (each answers what is in flight first) and waits for them to save.
    public func shutdown() async {
        await withTaskGroup(of: Void.self) { group in
            for member in members { group.addTask { await member.runtime.shutdown() } }
        }
        for run in runs { await run.value }
    }

    /// The longest prefix (/24 to /30) whose hosts include 127.0.0.1 … 127.0.0.`hosts`.
    static func prefixLength(covering hosts: Int) -> Int {
        var prefix = 30
        while prefix > NearbyProbeRange.widestPrefixLength, (1 << (32 - prefix)) - 2 < hosts { prefix -= 1 }
        return prefix
    }

    /// Opens `count` books under `root/people/` on every core: each is a new database to
    /// migrate and a new key to write, the bulk of the demo's start.
    private static func openBooks(count: Int, root: String) throws -> [ContactBook] {
        let books = LockedValue([Int: ContactBook]())
        try concurrently(count) { index in
            let book = try ContactBook.open(DataDirectory(explicit: "\(root)/people/\(index)"))
            books.withLock { $0[index] = book }
        }
        return (0..<count).compactMap { books.value[$0] }
    }

    /// Runs `body` for `0..<count` on every core; throws the first error any threw.
    private static func concurrently(_ count: Int, _ body: @Sendable (Int) throws -> Void) throws {
        let failure = LockedValue<AppError?>(nil)
        DispatchQueue.concurrentPerform(iterations: count) { index in
            do { try body(index) } catch {
                let reason = (error as? AppError) ?? .demo("\(error)")
                failure.withLock { if $0 == nil { $0 = reason } }
            }
        }
        if let error = failure.value { throw error }
    }

    /// Starts `person`'s node: a nearby person on 127.0.0.`host`:`port` (port 0 for the first
    /// one), the others on 127.0.0.1 on a port the system picks.
    private static func startMember(
        _ person: DemoPerson, book: ContactBook, host: UInt32, port: Int, rendezvous first: Member?, logger: Logger
    ) async throws -> Member {
        var listen = HostPort(host: "127.0.0.1", port: 0)
        if person.isNearby, first == nil || port != 0 { listen = HostPort(host: "\(IPAddress.v4(0x7f00_0000 | host))", port: port) }
        let runtime: NodeRuntime
        do {
            runtime = try await startNode(book: book, listen: listen, rendezvous: first, logger: logger)
        } catch where listen.port != 0 {
            // The shared port is taken on this address (by some other program): the person
            // still joins the network, just not as a nearby one.
            logger.notice("demo: \(listen) taken; this person is not nearby", metadata: ["error": "\(error)"])
            runtime = try await startNode(
                book: book, listen: HostPort(host: "127.0.0.1", port: 0), rendezvous: first, logger: logger)
        }
        return Member(
            person: person, directory: book.dataDirectory, peerID: book.identity.peerID, address: runtime.address,
            runtime: runtime)
    }

    /// Starts one node: node 0 serves rendezvous and joins nobody; the others join through it.
    private static func startNode(
        book: ContactBook, listen: HostPort, rendezvous first: Member?, logger: Logger
    ) async throws -> NodeRuntime {
        let bootstrap = first?.dhtEndpoint.map { [$0] } ?? []
        // With port 0 the system picks the TCP port, whose number UDP may find taken: try again.
        var attempt = 1
        while true {
            do {
                return try await NodeRuntime.start(
                    book: book, listen: listen, configuration: NodeConfiguration(), bootstrap: bootstrap,
                    servesRendezvous: first == nil, logger: logger)
            } catch DHTNodeError.bindFailed where listen.port == 0 && attempt < 5 {
                attempt += 1
            }
        }
    }
}
