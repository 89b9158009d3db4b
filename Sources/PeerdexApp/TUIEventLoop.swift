import Foundation
import PeerdexTUI

#if canImport(Glibc)
import Glibc
#endif

/// What the event loop needs of a terminal: the real one (`Terminal`), or a test's.
protocol LoopScreen: AnyObject {
    /// The descriptor keys arrive on.
    var inputDescriptor: Int32 { get }
    /// Every input event readable without waiting, as messages.
    func pendingMessages() -> [Message]
    /// The new size after SIGWINCH, as a message.
    func resizedMessage() -> Message?
    /// Shows a frame.
    func draw(_ buffer: CellBuffer)
}

/// How the loop ended.
public enum TUIOutcome: Equatable, Sendable {
    /// The user quit.
    case quit
    /// A signal (SIGINT, SIGTERM, SIGHUP) asked the process to end.
    case signalled(Int32)
}

/// The Elm loop between the terminal, the pure model and the app, on one thread.
///
/// It sleeps in `poll` until the terminal has input, a message was posted to the inbox (by the
/// request runner or any other thread), a signal arrived, the store's files changed, or the next
/// tick is due. On each wake it reads all terminal input first, then signals, store changes and
/// posted messages in the order they came, updates the model with each, and draws once.
/// Requests go to the `RequestRunner`, so the loop never waits for the store.
final class TUIEventLoop<Screen: LoopScreen> {
    /// How often `.tick` is sent by default: relative times and retries of failed loads.
    static var defaultTickInterval: TimeInterval { 1 }

    private(set) var model: AppModel
    private let screen: Screen
    private let inbox: MessageInbox
    private let runner: RequestRunner
    private let signals: SignalPipe?
    private let watcher: StoreChangeWatcher?
    private let clock: () -> Date
    private let tickInterval: TimeInterval
    private var nextTick: Date
    /// Frames drawn so far (tests check that one wake draws once).
    private(set) var framesDrawn = 0

    init(
        model: AppModel, screen: Screen, inbox: MessageInbox, runner: RequestRunner, signals: SignalPipe?,
        watcher: StoreChangeWatcher?, tickInterval: TimeInterval = defaultTickInterval,
        clock: @escaping () -> Date = Date.init
    ) {
        self.model = model
        self.screen = screen
        self.inbox = inbox
        self.runner = runner
        self.signals = signals
        self.watcher = watcher
        self.clock = clock
        self.tickInterval = tickInterval
        nextTick = clock().addingTimeInterval(tickInterval)
    }

    /// Runs until the user quits or a terminating signal arrives. `width` × `height` is the
    /// screen's size at the start.
    func run(width: Int, height: Int) -> TUIOutcome {
        var outcome = dispatch(model.update(.resized(width: width, height: height)))
        if outcome == nil { outcome = dispatch(model.initialCommands()) }
        draw()
        while outcome == nil {
            wait()
            outcome = turn()
        }
        return outcome!
    }

    /// One wake: gathers everything that happened, updates the model in order, draws once.
    func turn() -> TUIOutcome? {
        var messages = screen.pendingMessages()
        var signalled: Int32?
        for signal in signals?.drain() ?? [] {
            if signal == SIGWINCH {
                if let resized = screen.resizedMessage() { messages.append(resized) }
            } else if signalled == nil {
                signalled = signal
                messages.append(.terminationRequested)
            }
        }
        let now = clock()
        watcher?.takeEvents(at: now)
        if watcher?.changed(at: now) == true { messages.append(.storeChanged) }
        messages += inbox.drain()
        if now >= nextTick {
            messages.append(.tick(now))
            nextTick = now.addingTimeInterval(tickInterval)
        }
        guard !messages.isEmpty else { return nil }
        for message in messages {
            guard dispatch(model.update(message)) == nil else { return signalled.map(TUIOutcome.signalled) ?? .quit }
        }
        draw()
        return nil
    }

    /// Sends requests to the runner; `.quit` ends the loop.
    private func dispatch(_ commands: [Command]) -> TUIOutcome? {
        for command in commands {
            switch command {
            case .request(let id, let request): runner.submit(id, request)
            case .cancel(let id): runner.cancel(id)
            case .quit: return .quit
            }
        }
        return nil
    }

    private func draw() {
        screen.draw(model.render())
        framesDrawn += 1
    }

    /// Sleeps until a source is readable or the next tick (or store check) is due.
    private func wait() {
        var descriptors = [screen.inputDescriptor, inbox.descriptor]
        if let signals { descriptors.append(signals.descriptor) }
        if let descriptor = watcher?.descriptor { descriptors.append(descriptor) }
        var polled = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let deadline = [nextTick, watcher?.nextCheck()].compactMap { $0 }.min()!
        let milliseconds = max(0, Int32((deadline.timeIntervalSince(clock()) * 1000).rounded(.up)))
        _ = poll(&polled, nfds_t(polled.count), milliseconds)  // EINTR: a signal; its byte is in the pipe
    }
}
