import Foundation
import PeerdexTUI

#if canImport(Glibc)
import Glibc
#endif

/// Where any thread or actor posts messages for the TUI loop, with a descriptor that becomes
/// readable when there is something to take, so the loop can wait for it beside the terminal.
public final class MessageInbox: @unchecked Sendable {
    /// The descriptor to wait on (a pipe's read end): readable while messages are waiting.
    public let descriptor: Int32
    private let wakeEnd: Int32
    private let lock = NSLock()
    private var messages: [Message] = []

    /// An empty inbox.
    public init() throws(AppError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            throw .terminal(reason: "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        descriptor = ends[0]
        wakeEnd = ends[1]
    }

    deinit {
        close(descriptor)
        close(wakeEnd)
    }

    /// Appends messages in order and wakes the loop; safe from any thread.
    public func post(_ new: [Message]) {
        guard !new.isEmpty else { return }
        let wasEmpty = lock.withLock {
            defer { messages += new }
            return messages.isEmpty
        }
        // One wake-up per batch: the loop takes every waiting message when it wakes.
        if wasEmpty {
            var byte: UInt8 = 1
            _ = write(wakeEnd, &byte, 1)
        }
    }

    /// Takes every waiting message, oldest first.
    public func drain() -> [Message] {
        var bytes = [UInt8](repeating: 0, count: 64)
        while read(descriptor, &bytes, bytes.count) > 0 {}
        return lock.withLock {
            defer { messages.removeAll(keepingCapacity: true) }
            return messages
        }
    }
}
