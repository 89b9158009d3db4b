import Foundation
import Logging
import PeerdexCore
import PeerdexNet
import PeerdexTUI

/// How the TUI's in-process node is set up: where it listens, how it joins, or that it stays off.
public struct TUINetworkSettings: Sendable {
    /// Where the node listens; `NodeLauncher.defaultPort` on every interface unless told otherwise.
    public var listen: HostPort
    /// DHT nodes to join through (else the saved ones).
    public var bootstrap: [DHTEndpoint]
    /// Rendezvous servers to ask for DHT nodes when nothing else answers.
    public var rendezvous: [PeerAddress]
    /// Whether to stay off the network entirely (`--offline`).
    public var offline: Bool
    /// LAN discovery's settings when it is on (`--nearby`, or `nearby = true`); nil when off.
    public var nearby: NearbyService.Settings?

    /// Settings from their parts; the defaults listen on port 7447 and join through saved nodes.
    public init(
        listen: HostPort = HostPort(host: "0.0.0.0", port: NodeLauncher.defaultPort), bootstrap: [DHTEndpoint] = [],
        rendezvous: [PeerAddress] = [], offline: Bool = false, nearby: NearbyService.Settings? = nil
    ) {
        self.listen = listen
        self.bootstrap = bootstrap
        self.rendezvous = rendezvous
        self.offline = offline
        self.nearby = nearby
    }
}

/// The TUI's node: started in the background when the TUI opens (the first frame never waits
/// for it), its state posted as `.nodeStatus` every `statusInterval`, and the network searches
/// the Search pane asks for, debounced, streamed back as `.networkResults`.
///
/// When the configured port is taken (another `peerdex node`, or a second TUI), the node
/// listens on a port the system picks instead, and the status line says which.
final class TUINetwork: @unchecked Sendable {
    /// How long typing must pause before a network query goes out.
    static let debounce: Duration = .milliseconds(250)
    /// How often the status line is refreshed.
    static let statusInterval: Duration = .seconds(2)

    private let book: ContactBook
    private let settings: TUINetworkSettings
    private let post: @Sendable ([Message]) -> Void
    private let logger = Logger(label: "peerdex.tui.node")
    private let runtime = LockedValue<NodeRuntime?>(nil)
    private let searches = LockedValue([RequestID: Task<Void, Never>]())
    /// Profile lookups (`L`) running, by request, so that quitting stops them.
    private let lookups = LockedValue([RequestID: Task<Void, Never>]())
    private var lifetime: Task<Void, Never>?

    /// A network posting into the TUI's inbox with `post`; nothing runs until `start`.
    init(book: ContactBook, settings: TUINetworkSettings, post: @escaping @Sendable ([Message]) -> Void) {
        self.book = book
        self.settings = settings
        self.post = post
    }

    /// What the Nearby pane says when LAN discovery is off.
    static let nearbyOffHint = "Nearby discovery is off. Start with --nearby, or set nearby = true in config.toml."

    /// Starts the node in the background (or says why it is offline).
    func start() {
        guard !settings.offline else {
            post([
                .nodeStatus(NodeStatus(.offline(reason: "started with --offline"))),
                .nearbyAvailability(.off(hint: "Nearby discovery is off: the TUI was started with --offline.")),
            ])
            return
        }
        post([
            .nodeStatus(NodeStatus(.starting)),
            .nearbyAvailability(settings.nearby == nil ? .off(hint: Self.nearbyOffHint) : .starting),
        ])
        lifetime = Task { [self] in await runNode() }
    }

    /// Stops the node, waiting at most `timeout` for it to save its state.
    func stop(timeout: Duration) {
        for task in searches.value.values { task.cancel() }
        for task in lookups.value.values { task.cancel() }
        guard let lifetime else { return }
        let done = DispatchSemaphore(value: 0)
        Task { [runtime] in
            await runtime.value?.shutdown()
            lifetime.cancel()
            await lifetime.value
            done.signal()
        }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) * 1e-18
        if done.wait(timeout: .now() + seconds) == .timedOut {
            logger.warning("the node did not stop within \(timeout)")
        }
    }

    private func runNode() async {
        let started: NodeRuntime
        do {
            started = try await startRuntime()
        } catch {
            logger.error("the node did not start", metadata: ["error": "\(error)"])
            post([.nodeStatus(NodeStatus(.offline(reason: "could not start: \(error)")))])
            if settings.nearby != nil { post([.nearbyAvailability(.failed("the node could not start: \(error)"))]) }
            return
        }
        runtime.withLock { $0 = started }
        postOwnInvite(address: InviteAddress.reachable(from: started.address).first)
        defer { postOwnInvite(address: nil) }  // a stopped node is reached nowhere
        let status = Task { [self] in
            while !Task.isCancelled {
                let (address, nodes, peers, lastJoin) = await started.status()
                post([
                    .nodeStatus(
                        NodeStatus(
                            .online(address: "\(address)", dhtNodes: nodes, discoveryPeers: peers, lastBootstrap: lastJoin)))
                ])
                try? await Task.sleep(for: Self.statusInterval)
            }
        }
        defer { status.cancel() }
        do {
            try await started.run { [self] event in post([nearbyMessage(event, from: started)]) }
        } catch {
            logger.error("the node stopped", metadata: ["error": "\(error)"])
        }
        post([.nodeStatus(NodeStatus(.offline(reason: "the node stopped")))])
    }

    /// Sends the identity overlay our invite with `address`, and its QR code.
    private func postOwnInvite(address: HostPort?) {
        let (invite, code) = InviteAddress.invite(of: book.identity, address: address)
        post([.ownInvite(invite, code)])
    }

    /// Starts on the configured address, or on a port the system picks when that one is taken.
    private func startRuntime() async throws -> NodeRuntime {
        let start = { [book, settings, logger] (listen: HostPort) in
            try await NodeRuntime.start(
                book: book, listen: listen, configuration: NodeConfiguration(), bootstrap: settings.bootstrap,
                rendezvous: settings.rendezvous, nearby: settings.nearby, logger: logger)
        }
        do {
            return try await start(settings.listen)
        } catch where settings.listen.port != 0 {
            logger.notice(
                "port taken, listening on another", metadata: ["address": "\(settings.listen)", "error": "\(error)"])
            return try await start(HostPort(host: settings.listen.host, port: 0))
        }
    }

    // MARK: - Nearby

    /// The TUI's message for a nearby event; rows say whether the peer is a contact already.
    private func nearbyMessage(_ event: NearbyService.Event, from runtime: NodeRuntime) -> Message {
        switch event {
        case .browsing(let advertising): return .nearbyAvailability(.browsing(advertising: advertising))
        case .probing(let range): return .nearbyAvailability(.probing(range: "\(range)"))
        case .unavailable(let reason): return .nearbyAvailability(.failed(reason))
        case .disappeared(let peer, _): return .nearbyPeerGone(peer)
        case .appeared(let peer), .updated(let peer):
            let contact = ((try? book.store { try $0.contact(peer.peerID) }) ?? nil).flatMap { $0.isBlocked ? nil : $0 }
            // A contact who shares no name on the LAN (visibility `contacts`) is still someone we know.
            let bookName = contact.map(\.displayName).flatMap { $0.isEmpty ? nil : $0 }
            return .nearbyPeer(
                NearbyRow(
                    peerID: peer.peerID, name: peer.name ?? bookName, address: "\(peer.address)", rtt: peer.rtt,
                    lastHeard: runtime.nearby?.date(of: peer.lastHeard) ?? Date(), isContact: contact != nil))
        }
    }

    // MARK: - Searches

    /// Starts a network search for `query` after the debounce, unless cancelled first.
    func search(_ id: RequestID, query: String) {
        let task = Task { [self] in
            try? await Task.sleep(for: Self.debounce)
            guard !Task.isCancelled else { return }
            guard let runtime = runtime.value else {
                post([.failed(id, RequestFailure("the node is not running", isTransient: true))])
                return
            }
            let blocked = (try? book.store { try ContactBookIndex(database: $0) })?.blocked ?? []
            let final = await runtime.discovery.search(text: query, blocked: blocked) { [post] update in
                post([.networkResults(id, Self.progress(update))])
            }
            _ = final
            searches.withLock { _ = $0.removeValue(forKey: id) }
        }
        searches.withLock { $0[id] = task }
    }

    /// Cancels a search: before its debounce ends it never goes out; running, it stops asking.
    func cancel(_ id: RequestID) {
        searches.withLock { $0.removeValue(forKey: id) }?.cancel()
        lookups.withLock { $0.removeValue(forKey: id) }?.cancel()
    }

    // MARK: - Profile lookups

    /// Looks `peer`'s profile up through the running node's DHT (`TUIProfileLookup`) and posts
    /// the answer; fails at once when the node is not running yet.
    func lookup(_ id: RequestID, peer: PeerID) {
        // Registered under the lock the task takes to unregister, so a quick one cannot finish first.
        lookups.withLock { running in
            running[id] = Task { [self] in
                let answer: Result<Answer, RequestFailure>
                if let runtime = runtime.value {
                    answer = await TUIProfileLookup.answer(
                        peer: peer, dht: runtime.dht.node, dialer: runtime.node, book: book)
                } else {
                    answer = .failure(RequestFailure("the node is not running yet", isTransient: true))
                }
                lookups.withLock { _ = $0.removeValue(forKey: id) }
                guard !Task.isCancelled else { return }
                switch answer {
                case .success(let answer): post([.answered(id, answer)])
                case .failure(let failure): post([.failed(id, failure)])
                }
            }
        }
    }

    static func progress(_ update: NetworkSearch.Update) -> NetworkSearchProgress {
        NetworkSearchProgress(
            ranked: update.ranked, asked: update.progress.asked, answered: update.progress.answered + update.progress.busy,
            failed: update.progress.failed, finished: update.finished, fromCache: update.fromCache)
    }
}
