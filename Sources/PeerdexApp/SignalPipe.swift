import CSignalPipe
import Foundation

/// Signals as readable events: the handler only writes the signal's number to a pipe, and the
/// event loop reads it when `poll` says so, on its own thread, where curses may be called.
///
/// Catching must start before curses is initialised: ncurses installs its own SIGWINCH, SIGINT
/// and SIGTERM handlers only where the action is still the default, so ours stay in charge.
final class SignalPipe {
    /// The read end to wait on.
    let descriptor: Int32
    private let signals: [Int32]

    /// Catches `signals`; each of `terminating` forces the default action on its third delivery
    /// not yet handled, so that a loop that stopped reading can still be killed.
    init(catching signals: [Int32], terminating: Set<Int32>) throws(AppError) {
        let descriptor = peerdex_signal_pipe_open()
        guard descriptor >= 0 else { throw .terminal(reason: "cannot create a pipe for signals") }
        for signal in signals where peerdex_signal_pipe_catch(signal, terminating.contains(signal) ? 3 : 0) != 0 {
            throw .terminal(reason: "cannot catch signal \(signal): \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
        self.signals = signals
    }

    /// The signals delivered since the last call, in order, each once per delivery.
    func drain() -> [Int32] {
        var received = [Int32]()
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            guard count > 0 else { break }
            received += buffer[0..<count].map { Int32($0) }
        }
        for signal in Set(received) { peerdex_signal_pipe_handled(signal) }
        return received
    }

    /// Gives every caught signal its default action back.
    func release() {
        for signal in signals { peerdex_signal_pipe_release(signal) }
    }
}
