import Dispatch
import Foundation
import Logging
import PeerdexTUI

/// Runs the TUI's requests off the event loop and posts each answer, with its request's ID.
///
/// Three serial queues: mutations in the order the user made them; loads (windows, counts);
/// searches. So a slow search never holds up scrolling, and two changes to one contact are never
/// reordered. A cancelled request that has not started is skipped; one already running finishes
/// (a search takes a few milliseconds) and the model drops its answer.
public final class RequestRunner: @unchecked Sendable {
    /// Answers one request; the default performs it against the store.
    public typealias Perform = @Sendable (Request) -> Result<Answer, RequestFailure>

    private let perform: Perform
    private let post: @Sendable ([Message]) -> Void
    /// Where network searches go (their answers stream in as messages); nil leaves them to `perform`.
    private let network: TUINetwork?
    private let logger: Logger
    private let mutations = DispatchQueue(label: "peerdex.tui.mutations")
    private let loads = DispatchQueue(label: "peerdex.tui.loads")
    private let searches = DispatchQueue(label: "peerdex.tui.searches")
    private let lock = NSLock()
    /// Submitted and not started: what `cancel` may still stop.
    private var queued = Set<RequestID>()

    /// A runner that performs requests with `perform` and hands answers to `post`.
    public convenience init(
        perform: @escaping @Sendable (Request) -> Result<Answer, RequestFailure>,
        post: @escaping @Sendable ([Message]) -> Void, logger: Logger = Logger(label: "peerdex.requests")
    ) {
        self.init(perform: perform, post: post, network: nil, logger: logger)
    }

    /// A runner that hands network searches to `network`.
    init(
        perform: @escaping @Sendable (Request) -> Result<Answer, RequestFailure>,
        post: @escaping @Sendable ([Message]) -> Void, network: TUINetwork?, logger: Logger
    ) {
        self.perform = perform
        self.post = post
        self.network = network
        self.logger = logger
    }

    /// Starts a request; its answer is posted later, from another thread.
    public func submit(_ id: RequestID, _ request: Request) {
        if case .networkSearch(let query) = request, let network {
            network.search(id, query: query)
            return
        }
        if case .lookupProfile(let peer) = request, let network {
            network.lookup(id, peer: peer)
            return
        }
        _ = lock.withLock { queued.insert(id) }
        queue(for: request).async { [self] in
            guard lock.withLock({ queued.remove(id) != nil }) else { return }  // cancelled
            switch perform(request) {
            case .success(let answer): post([.answered(id, answer)])
            case .failure(let failure):
                logger.warning(
                    "request \(id) failed: \(failure.reason)",
                    metadata: ["request": "\(request)", "transient": "\(failure.isTransient)"])
                post([.failed(id, failure)])
            }
        }
    }

    /// Skips a request that has not started yet.
    public func cancel(_ id: RequestID) {
        _ = lock.withLock { queued.remove(id) }
        network?.cancel(id)
    }

    /// Waits until every mutation submitted so far has been performed (answered or failed), or
    /// `timeout` passed; true when they all were. Quitting waits here, so a change the user made
    /// just before `q` is not lost.
    public func finishMutations(timeout: TimeInterval) -> Bool {
        let done = DispatchSemaphore(value: 0)
        mutations.async { done.signal() }
        return done.wait(timeout: .now() + timeout) == .success
    }

    private func queue(for request: Request) -> DispatchQueue {
        switch request {
        case .search, .networkSearch, .lookupProfile: return searches
        case .loadCounts, .loadWindow, .loadProfile: return loads
        case .addContact, .setFavorite, .setBlocked, .updateContact, .removeContact, .updateProfile: return mutations
        }
    }
}
