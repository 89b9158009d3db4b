import Foundation
import Logging
import PeerdexCore
import PeerdexNet
import PeerdexStore

/// The member's side of audience keys on a running node (issue 11, "Profiles by audience"):
/// asks each contact for the keys of its audiences we belong to and keeps what it grants, so
/// that its sealed profile record opens (`LookupSession`). Whom to ask when is
/// `AudienceKeyFetchPlanner`'s; this actor dials and stores.
///
/// A contact is reached over an open connection when there is one, else at the endpoint a
/// rendezvous scan of this run found it at, else at the last address the book's connection
/// history shows it connected from; with none of these, a rendezvous scan runs: the endpoints
/// announced under the peerdex rendezvous info-hash are PINGed, a few at a time, and each
/// PONG's peer ID (proven by the Noise handshake) is noted with its endpoint. Every dial
/// expects the contact's peer ID, so a wrong endpoint fails the handshake before we show ours.
public actor AudienceKeyFetcher {
    /// Tunables; the defaults are what a user's node runs with.
    public struct Configuration: Sendable {
        /// Whom to ask when.
        public var planner = AudienceKeyFetchPlanner.Configuration()
        /// Time for one ask, dial and handshake included.
        public var requestTimeout: Duration = .seconds(5)
        /// Endpoints not yet identified PINGed per scan, at most.
        public var maximumEndpointsPerScan = 32
        /// Endpoints remembered with the peer that answered there, at most.
        public var maximumDirectory = 4_096
        /// Seconds between two reads of the book's contacts.
        public var bookRereadInterval = 30.0

        /// The defaults.
        public init() {}
    }

    /// What asking one owner gave.
    public enum Outcome: Sendable, Equatable {
        /// The owner answered at `address`, granting `keys` (none when we are in no audience of its).
        case answered(keys: [AudienceKey], address: HostPort)
        /// No address answered in time, or there was none to try.
        case unreachable(tried: [HostPort])
    }

    private let book: ContactBook
    private let node: PeerdexNode
    private let dht: DHTNode
    private let configuration: Configuration
    private var planner: AudienceKeyFetchPlanner
    /// Endpoints identified by scans, with the peer that answered there.
    private var directory = [HostPort: PeerID]()
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private let logger: Logger

    /// A fetcher that dials with `node` (our identity) and scans the rendezvous through `dht`.
    public init(
        book: ContactBook, node: PeerdexNode, dht: DHTNode, configuration: Configuration = Configuration(),
        logger: Logger
    ) {
        self.book = book
        self.node = node
        self.dht = dht
        self.configuration = configuration
        planner = AudienceKeyFetchPlanner(configuration: configuration.planner, now: 0)
        start = clock.now
        self.logger = logger
    }

    private var now: Double { DiscoveryService.seconds(clock.now - start) }

    // MARK: - Running

    /// Asks contacts as the planner says until cancelled.
    public func run() async {
        // The contacts are read again only after a commit: a book of 100,000 costs a whole read.
        let observer = try? book.store { try $0.changeObserver() }
        var lastRead = -Double.infinity
        while !Task.isCancelled {
            if now - lastRead >= configuration.bookRereadInterval {
                let first = lastRead == -Double.infinity
                lastRead = now
                if first || observer.map({ (try? $0.hasChanged()) != false }) ?? true {
                    do {
                        planner.update(contacts: try book.store { try $0.contacts(in: .all) }, now: now)
                    } catch {
                        logger.warning(
                            "cannot read the contacts to ask for audience keys", metadata: ["error": "\(error)"])
                    }
                }
            }
            let due = planner.due(now: now)
            if !due.isEmpty { await ask(due) }
            let wake = min(planner.nextDue() ?? .infinity, lastRead + configuration.bookRereadInterval)
            try? await Task.sleep(for: .seconds(min(max(wake - now, 0.2), configuration.bookRereadInterval)))
        }
    }

    /// Asks `peers` at once (the planner keeps them few) and records each outcome.
    private func ask(_ peers: [PeerID]) async {
        var targets = [(PeerID, [HostPort])]()
        for peer in peers {
            // The book may have changed since it was read: a contact blocked meanwhile is not asked.
            guard let contact = try? book.store({ try $0.contact(peer) }), !contact.isBlocked else {
                planner.forget(peer)
                continue
            }
            targets.append((peer, addresses(of: peer)))
        }
        if targets.contains(where: { $0.1.isEmpty }), planner.startScan(now: now) {
            let identified = await scanRendezvous()
            planner.recordScan(identifiedNew: identified > 0, now: now)
            targets = targets.map { ($0.0, $0.1.isEmpty ? addresses(of: $0.0) : $0.1) }
        }
        let node = node
        let timeout = configuration.requestTimeout
        let outcomes = await withTaskGroup(of: (PeerID, Outcome).self) { group in
            for (peer, addresses) in targets {
                group.addTask { (peer, await Self.requestKeys(of: peer, at: addresses, node: node, timeout: timeout)) }
            }
            var outcomes = [(PeerID, Outcome)]()
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        for (peer, outcome) in outcomes { record(outcome, of: peer) }
    }

    private func record(_ outcome: Outcome, of peer: PeerID) {
        switch outcome {
        case .answered(let keys, let address):
            guard planner.recordAnswer(of: peer, now: now) else { return }  // blocked or removed meanwhile
            do {
                let kept = try book.receiveAudienceKeys(keys, from: peer)
                logger.log(
                    level: kept > 0 ? .info : .debug, "asked a contact for audience keys",
                    metadata: [
                        "peer": "\(peer.shortText)", "address": "\(address)", "granted": "\(keys.count)", "new": "\(kept)",
                    ])
            } catch {
                logger.error("cannot keep audience keys", metadata: ["peer": "\(peer.shortText)", "error": "\(error)"])
            }
        case .unreachable(let tried):
            planner.recordFailure(of: peer, now: now)
            for address in tried where directory[address] == peer { directory[address] = nil }
            logger.debug(
                "contact not reached for audience keys", metadata: ["peer": "\(peer.shortText)", "tried": "\(tried)"])
        }
    }

    // MARK: - Reaching a contact

    /// Where to try `peer`, best first: over an open connection, where a scan found it, where the
    /// book last saw it connect.
    private func addresses(of peer: PeerID) -> [HostPort] {
        var addresses = [HostPort]()
        if let open = node.connections.first(where: { $0.isOpen && $0.peer.peerID == peer }),
            let address = try? HostPort(parsing: open.remoteAddress)
        {
            addresses.append(address)  // the pool reuses the open connection by peer ID
        }
        if let found = directory.first(where: { $0.value == peer })?.key { addresses.append(found) }
        if let stored = Self.storedAddress(of: peer, in: book), !addresses.contains(stored) { addresses.append(stored) }
        return addresses
    }

    /// The last address the book's connection history shows `peer` connected at, if any.
    static func storedAddress(of peer: PeerID, in book: ContactBook) -> HostPort? {
        guard let details = try? book.store({ try $0.details(of: peer) }) else { return nil }
        return details.history.last(where: { $0.outcome == .connected }).flatMap { try? HostPort(parsing: $0.address) }
    }

    /// PINGs the rendezvous endpoints not identified yet (at most `maximumEndpointsPerScan`, a few
    /// at a time) and notes who answered where; returns how many were newly identified.
    private func scanRendezvous() async -> Int {
        guard let result = try? await dht.run(.getPeers(DHTService.rendezvousInfoHash)),
            case .peers(let found) = result.outcome
        else { return 0 }
        let node = node
        let own = node.listeningAddress
        let fresh = found.map { HostPort(host: "\($0.ip)", port: Int($0.port)) }
            .filter { directory[$0] == nil && $0 != own }
            .prefix(configuration.maximumEndpointsPerScan)
        let timeout = configuration.requestTimeout
        let width = max(1, configuration.planner.maximumInFlight)
        let answers = await withTaskGroup(of: (HostPort, PeerID?).self) { group in
            var answers = [(HostPort, PeerID?)]()
            var pending = fresh[...]
            func launch() {
                guard let address = pending.popFirst() else { return }
                group.addTask {
                    let reply = await DiscoveryService.withDeadline(timeout) {
                        try await node.ping(PeerAddress(address), timeout: timeout)
                    }
                    return (address, reply?.peer)
                }
            }
            for _ in 0..<width { launch() }
            while let answer = await group.next() {
                answers.append(answer)
                launch()
            }
            return answers
        }
        var identified = 0
        for case (let address, let peer?) in answers where directory.count < configuration.maximumDirectory {
            directory[address] = peer
            identified += 1
        }
        return identified
    }

    /// Asks `owner` for its audience keys at each of `addresses` in turn, each within `timeout`
    /// (dial and handshake included); the first answer, or `.unreachable`.
    public static func requestKeys(
        of owner: PeerID, at addresses: [HostPort], node: PeerdexNode, timeout: Duration
    ) async -> Outcome {
        var tried = [HostPort]()
        for address in addresses {
            tried.append(address)
            let reply = await DiscoveryService.withDeadline(timeout) {
                try await node.connection(to: PeerAddress(address, peerID: owner)).requestAudienceKeys(timeout: timeout)
            }
            if let reply { return .answered(keys: reply.keys, address: address) }
        }
        return .unreachable(tried: tried)
    }
}
