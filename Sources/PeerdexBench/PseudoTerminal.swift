import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A pseudo-terminal whose slave side a spawned program sees as its terminal; we read the master.
///
/// Sendable so that a reader thread may watch it while another thread waits for a process; only
/// one thread reads at a time.
///
/// Used instead of tmux for `tui.first_frame`: reading the program's output directly timestamps
/// the bytes of the first frame as they arrive, with no polling and no tmux start-up in the figure.
final class PseudoTerminal: @unchecked Sendable {
    /// Our side: what the program writes to its terminal is read here, keys are written here.
    let master: Int32
    /// The device the program opens as stdin, stdout and stderr.
    let slavePath: String

    /// Opens a pseudo-terminal of `width` × `height` cells.
    init(width: Int, height: Int) throws {
        // posix_openpt, unlockpt and ptsname are hidden from Swift's Glibc module (they need
        // _XOPEN_SOURCE), so this is what they do on Linux: open the multiplexer, unlock, ask the number.
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, Self.setLock, &unlock) == 0, ioctl(master, Self.getNumber, &number) == 0
        else {
            throw BenchError("cannot open a pseudo-terminal: \(String(cString: strerror(errno)))")
        }
        slavePath = "/dev/pts/\(number)"
        var size = winsize(ws_row: UInt16(height), ws_col: UInt16(width), ws_xpixel: 0, ws_ypixel: 0)
        guard ioctl(master, UInt(TIOCSWINSZ), &size) == 0 else {
            throw BenchError("cannot size the pseudo-terminal: \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(master) }

    /// glibc's `POSIX_SPAWN_SETSID` (since 2.26), which Swift's Glibc module does not export.
    private static let spawnSetSID: Int16 = 0x80
    /// `TIOCSPTLCK` and `TIOCGPTN` (function-like macros, so not imported): `_IOW('T', 0x31, int)`
    /// and `_IOR('T', 0x30, unsigned int)` in the generic encoding of x86-64 and arm64.
    private static let setLock: UInt = 0x4004_5431
    private static let getNumber: UInt = 0x8004_5430

    /// Spawns a program in a new session whose controlling terminal is the slave side.
    func spawn(_ path: String, _ arguments: [String], environment: [String: String]) throws -> pid_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A new session, so that opening the slave below makes it the controlling terminal.
        posix_spawnattr_setflags(&attributes, Self.spawnSetSID)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addclose(&actions, master)
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        return try withUnsafePointer(to: &attributes) { pointer in
            try Subprocess.spawn(path, arguments, environment: environment, actions: &actions, attributes: pointer)
        }
    }

    /// The bytes available within `timeout` milliseconds; empty on timeout, nil at end of file.
    func read(timeout: Int32) -> [UInt8]? {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, timeout)
        guard ready > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = Glibc.read(master, &buffer, buffer.count)
        guard count > 0 else { return count < 0 && errno == EINTR ? [] : nil }
        return Array(buffer[0..<count])
    }

    /// Types text into the program's terminal.
    func write(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
    }

    /// The printable text of terminal output: escape sequences, control characters and blanks removed.
    ///
    /// What remains is the frame's text in drawing order, which is enough to tell when given words
    /// have been drawn, wherever the cursor movements put them.
    static func visibleText(_ bytes: [UInt8]) -> String {
        var kept = [UInt8]()
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x1B, index + 1 < bytes.count {
                let kind = bytes[index + 1]
                index += 2
                if kind == UInt8(ascii: "[") {  // CSI: parameters, then one final byte in @...~
                    while index < bytes.count, !(0x40...0x7E).contains(bytes[index]) { index += 1 }
                    index += 1
                } else if kind == UInt8(ascii: "]") {  // OSC: up to BEL or ESC \
                    while index < bytes.count, bytes[index] != 0x07, bytes[index] != 0x1B { index += 1 }
                    index += bytes.count > index && bytes[index] == 0x1B ? 2 : 1
                } else if kind == UInt8(ascii: "(") || kind == UInt8(ascii: ")") {
                    index += 1  // character set designation: one more byte
                }
                continue
            }
            if byte > 0x20, byte != 0x7F { kept.append(byte) }
            index += 1
        }
        return String(decoding: kept, as: UTF8.self).filter { !$0.isWhitespace }
    }
}
