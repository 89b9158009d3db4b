import Foundation
import PeerdexCore
import PeerdexTUI
import PeerdexTerminal

/// The full-screen program: the Elm loop between the terminal, the pure model and the store.
///
/// One thread does everything in order — read an event, update the model, perform its commands,
/// feed their answers back, draw — so curses is only ever touched from here. Waits on input are
/// short (`pollInterval`), which is what lets the loop notice a clock tick or another process's
/// write without threads.
public struct TUIRunner {
    /// How long one wait for input lasts; also the granularity of ticks and change polling.
    static let pollInterval = 100
    /// How often the clock and other processes' changes are looked at.
    static let refreshInterval: TimeInterval = 0.5

    let book: ContactBook
    let settings: TUISettings

    /// A runner over an opened book with the user's settings.
    public init(book: ContactBook, settings: TUISettings) {
        self.book = book
        self.settings = settings
    }

    /// Runs until the user quits; the terminal is restored on every way out.
    public func run() throws(AppError) {
        let executor = TUICommandExecutor(book: book)
        let terminal = Terminal(monochrome: settings.noColor)
        defer { terminal.restore() }
        let (theme, _) = Theme.resolve(name: settings.themeName, noColor: settings.noColor || !terminal.supportsColor)
        var model = AppModel(
            ownInvite: book.identity.invite(), keymap: settings.keymap, theme: theme, now: Date(),
            utcOffset: TimeZone.current.secondsFromGMT())
        var inbox: [Message] = [.resized(width: terminal.width, height: terminal.height)]
        var commands = [Command]()
        var started = false
        var lastRefresh = Date()
        var changeCounter = try book.store { try $0.externalChangeCounter() }
        var dirty = true
        while true {
            while !inbox.isEmpty || !commands.isEmpty {
                dirty = true
                for message in inbox { commands += model.update(message) }
                inbox.removeAll()
                if !started {
                    commands += model.initialCommands()
                    started = true
                }
                for command in commands {
                    if command == .quit { return }
                    inbox += executor.perform(command)
                }
                commands.removeAll()
            }
            if dirty {
                terminal.draw(model.render())
                dirty = false
            }
            if let event = terminal.readEvent(timeout: Self.pollInterval) { inbox.append(event.message) }
            if Date().timeIntervalSince(lastRefresh) >= Self.refreshInterval {
                lastRefresh = Date()
                inbox.append(.tick(lastRefresh))
                let counter = try book.store { try $0.externalChangeCounter() }
                if counter != changeCounter {
                    changeCounter = counter
                    inbox.append(.storeChanged)
                }
            }
        }
    }
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
