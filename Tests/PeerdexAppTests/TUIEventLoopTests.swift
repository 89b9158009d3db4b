import Foundation
import PeerdexCore
import PeerdexTUI
import PeerdexTestSupport
import Testing

@testable import PeerdexApp

/// The event loop with a recording screen: what wakes it, in which order it takes what it
/// finds, and that one wake draws one frame.
@Suite(.serialized, .timeLimit(.minutes(1))) struct TUIEventLoopTests {
    /// A terminal that hands out queued input and counts frames; its input descriptor is a pipe.
    final class FakeScreen: LoopScreen, @unchecked Sendable {
        private let lock = NSLock()
        private var _queued: [Message] = []
        private var _frames: [CellBuffer] = []
        var size = (width: 80, height: 24)
        private var ends: [Int32] = [-1, -1]

        init() { _ = pipe(&ends) }
        deinit { ends.forEach { close($0) } }

        var queued: [Message] {
            get { lock.withLock { _queued } }
            set { lock.withLock { _queued = newValue } }
        }
        var frames: [CellBuffer] { lock.withLock { _frames } }
        var inputDescriptor: Int32 { ends[0] }
        func pendingMessages() -> [Message] {
            lock.withLock {
                defer { _queued = [] }
                return _queued
            }
        }
        func resizedMessage() -> Message? { .resized(width: size.width, height: size.height) }
        func draw(_ buffer: CellBuffer) { lock.withLock { _frames.append(buffer) } }
    }

    struct Parts: Sendable {
        let screen = FakeScreen()
        let inbox: MessageInbox
        let runner: RequestRunner

        init(perform: @escaping @Sendable (Request) -> Result<Answer, RequestFailure> = { _ in
            .failure(RequestFailure("no store in this test"))
        }) throws {
            let inbox = try MessageInbox()
            self.inbox = inbox
            runner = RequestRunner(perform: perform, post: inbox.post)
        }

        /// Runs a loop on a thread of its own until it ends; gives its outcome and last model.
        func runInBackground(tickInterval: TimeInterval = 3_600) -> Locked<(TUIOutcome, AppModel)?> {
            let result = Locked<(TUIOutcome, AppModel)?>(nil)
            Thread.detachNewThread {
                let loop = self.loop(tickInterval: tickInterval)
                let outcome = loop.run(width: 80, height: 24)
                result.set((outcome, loop.model))
            }
            return result
        }

        func loop(signals: SignalPipe? = nil, tickInterval: TimeInterval = 3_600) -> TUIEventLoop<FakeScreen> {
            TUIEventLoop(
                model: AppModel(ownInvite: Invite(peerID: Fixtures.peerID(1)), now: Fixtures.now), screen: screen,
                inbox: inbox, runner: runner, signals: signals, watcher: nil, tickInterval: tickInterval)
        }
    }

    @Test func terminalInputIsTakenBeforePostedMessagesAndOneWakeDrawsOnce() throws {
        let parts = try Parts()
        let loop = parts.loop()
        // Given a key waiting at the terminal and one posted by another thread
        parts.screen.queued = [.key(.char("/"))]
        parts.inbox.post([.key(.char("x"))])
        // When the loop wakes once
        let framesBefore = loop.framesDrawn
        #expect(loop.turn() == nil)
        // Then `/` opened the search before `x` was typed into it, and one frame was drawn
        #expect(loop.model.mode == .searching && loop.model.query.text == "x")
        #expect(loop.framesDrawn == framesBefore + 1)
        // The search it asked for is answered (here: refused) through the inbox, on the next wake
        var polled = pollfd(fd: parts.inbox.descriptor, events: Int16(POLLIN), revents: 0)
        #expect(poll(&polled, 1, 10_000) == 1)
        #expect(loop.turn() == nil)
        #expect(loop.model.searchFailure?.reason == "no store in this test")
        #expect(loop.framesDrawn == framesBefore + 2)
        // And a wake with nothing to do draws nothing
        #expect(loop.turn() == nil)
        #expect(loop.framesDrawn == framesBefore + 2)
    }

    @Test func aMessagePostedFromAnotherThreadWakesTheSleepingLoop() throws {
        let parts = try Parts()
        let result = parts.runInBackground(tickInterval: 3_600)  // no tick could end the wait
        usleep(100_000)
        parts.inbox.post([.terminationRequested])
        #expect(wait(for: result) == .quit)
    }

    @Test func requestsAreAnsweredThroughTheInbox() throws {
        let parts = try Parts { request in
            switch request {
            case .loadCounts: return .success(.counts(PaneCounts(contacts: 3)))
            case .loadWindow(let pane, let offset, _):
                let rows = (1...3).map { Fixtures.contact($0, name: "Person \($0)") }
                return .success(.window(ContactWindow(pane: pane, offset: offset, rows: rows, total: 3)))
            default: return .failure(RequestFailure("unexpected"))
            }
        }
        let result = parts.runInBackground()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, !(parts.screen.frames.last?.text().contains("Contacts 3") ?? false) { usleep(5_000) }
        parts.inbox.post([.terminationRequested])
        #expect(wait(for: result) == .quit)
        let model = result.value?.1
        #expect(model?.countsKnown == true && model?.lists[.contacts]?.total == 3)
    }

    /// The outcome of a loop run in the background, waiting up to 30 s for it.
    func wait(for result: Locked<(TUIOutcome, AppModel)?>) -> TUIOutcome? {
        let deadline = Date().addingTimeInterval(30)
        while result.value == nil, Date() < deadline { usleep(2_000) }
        return result.value?.0
    }

    @Test func aRealSIGWINCHBecomesAResize() throws {
        let parts = try Parts()
        let signals = try SignalPipe(catching: [SIGWINCH], terminating: [])
        defer { signals.release() }
        let loop = parts.loop(signals: signals)
        _ = signals.drain()
        parts.screen.size = (width: 132, height: 43)
        kill(getpid(), SIGWINCH)
        var polled = pollfd(fd: signals.descriptor, events: Int16(POLLIN), revents: 0)
        #expect(poll(&polled, 1, 10_000) == 1)
        _ = loop.turn()
        #expect(loop.model.width == 132 && loop.model.height == 43)
    }
}
