import ArgumentParser
import Foundation
import PeerdexCore
import PeerdexQR

#if canImport(Glibc)
import Glibc
#endif

/// `--qr` and the options that go with it, shared by `peerdex id` and `peerdex invite`.
struct QROptions: ParsableArguments {
    @Flag(help: "Also draw the invite as a QR code, to scan with a phone or another terminal's camera.")
    var qr = false
    @Flag(help: "Draw the QR code for a terminal with dark text on a light background (the default suits light on dark).")
    var lightBackground = false
}

/// Prints an invite as a QR code of half-block characters, after its text.
///
/// The text comes first so that the code ends just above the next prompt: at 80×24 a typical
/// invite's code (23 lines with its quiet zone) then shows whole, where printed before the text
/// its top rows would scroll off the screen.
enum QRPrinting {
    /// Prints `lines` of text and then `invite` as a QR code. When stdout is a terminal too small
    /// to show the code whole, prints nothing and throws (exit status 1) with the size it needs;
    /// into a pipe or a file it prints anyway.
    static func print(_ lines: [String], thenQRCodeOf invite: Invite, options: QROptions) throws {
        let code: QRCode
        do { code = try QREncoder.encode(invite.url) } catch {
            throw ValidationError("\(error)")
        }
        let (columns, rows) = code.textSize()
        // One row more than the code for the prompt that follows, or its top scrolls off.
        if let terminal = TerminalSize.ofStandardOutput(), terminal.columns < columns || terminal.rows < rows + 1 {
            Output.warn(
                "peerdex: the terminal is \(terminal.columns)×\(terminal.rows); the QR code needs at least "
                    + "\(columns)×\(rows + 1) (columns×rows) to show whole: enlarge the window, or drop --qr")
            throw ExitCode(1)
        }
        for line in lines { Swift.print(line) }
        for line in code.halfBlockLines(inverted: !options.lightBackground) { Swift.print(line) }
    }
}

/// The size of the terminal stdout writes to.
enum TerminalSize {
    /// Columns and rows of stdout's terminal: `TIOCGWINSZ`, else `COLUMNS` and `LINES`; nil when
    /// stdout is not a terminal (a pipe or a file has no width to respect) or no size is known.
    static func ofStandardOutput(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> (columns: Int, rows: Int)? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 {
            return (Int(size.ws_col), Int(size.ws_row))
        }
        guard let columns = environment["COLUMNS"].flatMap({ Int($0) }), let rows = environment["LINES"].flatMap({ Int($0) })
        else { return nil }
        return (columns, rows)
    }
}
