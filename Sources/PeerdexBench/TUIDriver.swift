import Foundation
import PeerdexApp
import PeerdexCore
import PeerdexTUI

/// Runs the real pure TUI against the real store, in-process, as `TUIRunner` does but without a terminal.
///
/// One `send` is the work of one key, done synchronously: `update`, perform every request through
/// `TUICommandExecutor`, feed the answers back until nothing is left, then `render`. The event
/// loop does the same work with the requests on other threads; its hops and the curses output
/// (`Terminal.draw`) are left out here.
struct TUIDriver {
    /// A fixed clock, so relative dates render the same in every run.
    static let now = ContactGenerator.referenceDate

    /// The model, as the last message left it.
    private(set) var model: AppModel
    private let executor: TUICommandExecutor
    /// Messages that reported a failed command; a benchmark that saw any is not trustworthy.
    private(set) var failures: [String] = []
    /// A value derived from every frame, so the optimizer cannot drop `render()`.
    private(set) var frameChecksum = 0
    /// Milliseconds the last `send` spent in `update` and the executor (the store), and in `render`.
    private(set) var lastSplit: (commands: Double, render: Double) = (0, 0)

    /// Opens the TUI on `book` at the given size and runs its start-up commands.
    init(book: ContactBook, width: Int, height: Int) {
        model = AppModel(ownInvite: book.identity.invite(), now: Self.now)
        executor = TUICommandExecutor(book: book)
        var commands = model.update(.resized(width: width, height: height))
        commands += model.initialCommands()
        perform(commands)
        draw()
    }

    /// Handles one message end to end and draws the frame; returns the drawn buffer.
    @discardableResult
    mutating func send(_ message: Message) -> CellBuffer {
        let start = Monotonic.now()
        perform(model.update(message))
        let drawStart = Monotonic.now()
        let buffer = draw()
        lastSplit = (Double(drawStart - start) / 1_000_000, Monotonic.milliseconds(since: drawStart))
        return buffer
    }

    /// Performs commands, feeding their answers back until no command is left.
    private mutating func perform(_ commands: [Command]) {
        var pending = commands
        while !pending.isEmpty {
            var answers = [Message]()
            for case .request(let id, let request) in pending {
                switch executor.perform(request) {
                case .success(let answer): answers.append(.answered(id, answer))
                case .failure(let failure):
                    failures.append(failure.reason)
                    answers.append(.failed(id, failure))
                }
            }
            pending = []
            for answer in answers { pending += model.update(answer) }
        }
    }

    @discardableResult
    private mutating func draw() -> CellBuffer {
        let buffer = model.render()
        frameChecksum &+= buffer.cells.count &+ buffer[1, 1].hashValue
        return buffer
    }
}
