import Foundation
import Logging
import PeerdexCore
import PeerdexStore
import PeerdexTUI
import PeerdexTerminal

#if canImport(Glibc)
import Glibc
#endif

/// The full-screen program: sets up the terminal, the signal pipe, the inbox, the request runner
/// and the store watcher, and runs the `TUIEventLoop` until the user quits or a signal ends it.
public struct TUIRunner {
    /// How long quitting waits for the changes still being saved (the store's busy timeout, and
    /// a second to spare).
    static let quitGrace: TimeInterval = ContactDatabase.busyTimeout + 1

    let book: ContactBook
    let settings: TUISettings
    let network: TUINetworkSettings
    let logger = Logger(label: "peerdex.tui")

    /// A runner over an opened book with the user's settings and its in-process node's.
    public init(book: ContactBook, settings: TUISettings, network: TUINetworkSettings = TUINetworkSettings()) {
        self.book = book
        self.settings = settings
        self.network = network
    }

    /// Runs until the user quits or a signal asks the process to end; the terminal is restored on
    /// every way out. After `.signalled`, call `TUIOutcome.endProcess()` once done, so that the
    /// process dies of that signal as its parent expects.
    public func run() throws(AppError) -> TUIOutcome {
        logger.info("tui started", metadata: ["dataDirectory": "\(book.dataDirectory.path)"])
        do {
            let outcome = try runLoop()
            switch outcome {
            case .quit: logger.info("tui quit")
            case .signalled(let number): logger.info("tui ended by signal \(number)")
            }
            return outcome
        } catch {
            logger.error("tui stopped: \(error)")
            throw error
        }
    }

    private func runLoop() throws(AppError) -> TUIOutcome {
        // Before curses, so that ncurses keeps its hands off these signals.
        let signals = try SignalPipe(catching: [SIGINT, SIGTERM, SIGHUP, SIGWINCH], terminating: [SIGINT, SIGTERM, SIGHUP])
        let inbox = try MessageInbox()
        let executor = TUICommandExecutor(book: book)
        let node = TUINetwork(book: book, settings: network, post: inbox.post)
        let runner = RequestRunner(perform: executor.perform, post: inbox.post, network: node, logger: logger)
        let watcher = try? StoreChangeWatcher(database: book.database, directory: book.dataDirectory.path)
        let terminal = Terminal(monochrome: settings.noColor)
        defer { terminal.restore() }
        let (theme, _) = Theme.resolve(name: settings.themeName, noColor: settings.noColor || !terminal.supportsColor)
        // Address-less until the node is up: TUINetwork then sends the invite with its address.
        let (invite, inviteQR) = InviteAddress.invite(of: book.identity, address: nil)
        var model = AppModel(
            ownInvite: invite, keymap: settings.keymap, theme: theme, now: Date(),
            utcOffset: TimeZone.current.secondsFromGMT())
        model.ownInviteQR = inviteQR
        let loop = TUIEventLoop(
            model: model, screen: terminal, inbox: inbox, runner: runner, signals: signals, watcher: watcher)
        node.start()
        let outcome = loop.run(width: terminal.width, height: terminal.height)
        node.stop(timeout: .seconds(3))
        if !runner.finishMutations(timeout: Self.quitGrace) {
            logger.warning("quit while a change was still being saved after \(Int(Self.quitGrace)) s")
        }
        return outcome
    }
}

extension TUIOutcome {
    /// After a signal: dies of it (default action), so the parent sees why; nothing otherwise.
    public func endProcess() {
        guard case .signalled(let number) = self else { return }
        signal(number, SIG_DFL)
        // The command may run on a thread of Swift's concurrency pool, which blocks signals:
        // unblock this one here, or raising it would leave it pending and the process would exit 0.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, number)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        raise(number)
    }
}

extension Terminal: LoopScreen {
    func pendingMessages() -> [Message] { pendingEvents().map(\.message) }
    func resizedMessage() -> Message? { updateSize()?.message }
}

/// What the user chose for the TUI: keys, theme and color.
public struct TUISettings: Sendable {
    /// The key bindings (defaults, with the config file's changes).
    public var keymap: Keymap
    /// The theme name from the config file, if any.
    public var themeName: String?
    /// Whether color is off (`NO_COLOR` set, or the config says so).
    public var noColor: Bool

    /// Settings from their parts.
    public init(keymap: Keymap = .standard, themeName: String? = nil, noColor: Bool = false) {
        self.keymap = keymap
        self.themeName = themeName
        self.noColor = noColor
    }
}
