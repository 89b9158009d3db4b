import Foundation
import PeerdexCore
import PeerdexTUI
import PeerdexTestSupport
import Testing

@testable import PeerdexApp

/// Requests run off the caller's thread, answer with their ID, keep the user's order of changes,
/// and a cancelled request that has not started is skipped.
@Suite(.timeLimit(.minutes(1))) struct RequestRunnerTests {
    /// Collects what the runner posts.
    final class Posted: @unchecked Sendable {
        private let lock = NSLock()
        private var messages: [Message] = []
        func append(_ new: [Message]) { lock.withLock { messages += new } }
        var all: [Message] { lock.withLock { messages } }

        func waitFor(_ count: Int) -> [Message] {
            let deadline = Date().addingTimeInterval(10)
            while all.count < count, Date() < deadline { usleep(1_000) }
            return all
        }
    }

    @Test func answersCarryTheirRequestsIDs() {
        let posted = Posted()
        let runner = RequestRunner(perform: { request in .success(.done("\(request)")) }, post: posted.append)
        runner.submit(RequestID(7), .loadCounts)
        #expect(posted.waitFor(1) == [.answered(RequestID(7), .done("\(Request.loadCounts)"))])
    }

    @Test func changesArePerformedInTheOrderMade() {
        let posted = Posted()
        let runner = RequestRunner(
            perform: { request in
                if case .setFavorite(_, true) = request { usleep(20_000) }  // the first is slow
                return .success(.done("\(request)"))
            }, post: posted.append)
        let id = Fixtures.peerID(1)
        runner.submit(RequestID(1), .setFavorite(id, true))
        runner.submit(RequestID(2), .setFavorite(id, false))
        #expect(posted.waitFor(2).map { if case .answered(let id, _) = $0 { id.value } else { 0 } } == [1, 2])
    }

    @Test func aCancelledSearchThatHasNotStartedIsSkipped() {
        let posted = Posted()
        let gate = DispatchSemaphore(value: 0)
        let runner = RequestRunner(
            perform: { request in
                if case .search(let query, _) = request, query == "a" { gate.wait() }  // holds the queue
                return .success(.searchResults([]))
            }, post: posted.append)
        runner.submit(RequestID(1), .search(query: "a", limit: 10))
        runner.submit(RequestID(2), .search(query: "al", limit: 10))
        runner.submit(RequestID(3), .search(query: "ali", limit: 10))
        runner.cancel(RequestID(2))
        gate.signal()
        let answered = posted.waitFor(2).map { if case .answered(let id, _) = $0 { id.value } else { 0 } }
        usleep(50_000)
        #expect(answered == [1, 3])
        #expect(posted.all.count == 2)
    }

    @Test func aSlowSearchDoesNotHoldUpLoads() {
        let posted = Posted()
        let gate = DispatchSemaphore(value: 0)
        let runner = RequestRunner(
            perform: { request in
                if case .search = request { gate.wait() }
                return .success(.counts(PaneCounts()))
            }, post: posted.append)
        runner.submit(RequestID(1), .search(query: "a", limit: 10))
        runner.submit(RequestID(2), .loadCounts)
        #expect(posted.waitFor(1) == [.answered(RequestID(2), .counts(PaneCounts()))])
        gate.signal()
        _ = posted.waitFor(2)
    }

    @Test func failuresArePostedAsFailures() {
        let posted = Posted()
        let runner = RequestRunner(perform: { _ in .failure(RequestFailure("busy", isTransient: true)) }, post: posted.append)
        runner.submit(RequestID(4), .removeContact(Fixtures.peerID(2)))
        #expect(posted.waitFor(1) == [.failed(RequestID(4), RequestFailure("busy", isTransient: true))])
    }

    @Test func quittingWaitsForChangesInFlight() {
        let posted = Posted()
        let runner = RequestRunner(
            perform: { _ in
                usleep(100_000)
                return .success(.done("saved"))
            }, post: posted.append)
        runner.submit(RequestID(1), .setBlocked(Fixtures.peerID(3), true))
        #expect(runner.finishMutations(timeout: 5))
        #expect(posted.all.count == 1)
    }
}

/// Any thread can post; the loop's descriptor becomes readable and the messages come in order.
@Suite(.timeLimit(.minutes(1))) struct MessageInboxTests {
    func isReadable(_ descriptor: Int32, within milliseconds: Int32) -> Bool {
        var polled = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&polled, 1, milliseconds) == 1
    }

    @Test func aPostFromAnotherThreadWakesTheWaiter() throws {
        let inbox = try MessageInbox()
        #expect(!isReadable(inbox.descriptor, within: 0))
        Thread.detachNewThread {
            usleep(20_000)
            inbox.post([.storeChanged])
            inbox.post([.tick(Fixtures.now), .storeChanged])
        }
        #expect(isReadable(inbox.descriptor, within: 5_000))
        usleep(50_000)
        #expect(inbox.drain() == [.storeChanged, .tick(Fixtures.now), .storeChanged])
        #expect(!isReadable(inbox.descriptor, within: 0))
        #expect(inbox.drain() == [])
    }
}
