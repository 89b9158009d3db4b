import CNCurses
import PeerdexTUI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The ncurses adapter: draws a `CellBuffer`, reads keys, mouse and resizes, restores the terminal.
///
/// Nothing else happens here: no state of the app, no layout, no signal handling. Keep every call
/// on one thread (curses is not thread-safe); the type is deliberately not `Sendable`. The event
/// loop catches SIGINT, SIGTERM, SIGHUP and SIGWINCH *before* creating a `Terminal` (so that
/// ncurses installs no handlers of its own) and calls `restore()` or `updateSize()` from its own
/// thread. `restore()` is idempotent and also runs at exit, so the terminal is left usable on
/// every path.
public final class Terminal {
    /// Whether the terminal can show colors; when false, use `Theme.monochrome`.
    public let supportsColor: Bool
    /// Width in cells.
    public private(set) var width: Int
    /// Height in rows.
    public private(set) var height: Int

    private var active = true
    private var previous: CellBuffer?
    private var pairs: [ColorPair: Int16] = [:]

    /// Takes over the terminal: locale, full screen, raw keys, mouse, colors unless `monochrome`.
    public init(monochrome: Bool = false) {
        setlocale(LC_ALL, "")
        set_escdelay(25)  // Esc should feel instant, not wait a second for an escape sequence
        initscr()
        raw()
        noecho()
        nonl()
        keypad(peerdex_stdscr(), true)
        intrflush(peerdex_stdscr(), false)
        curs_set(0)
        mousemask(peerdex_mouse_mask_all(), nil)
        mouseinterval(0)
        var color = false
        if !monochrome, has_colors() {
            start_color()
            use_default_colors()
            color = true
        }
        supportsColor = color
        width = Int(peerdex_cols())
        height = Int(peerdex_lines())
        atexit { Terminal.restoreTerminal() }
    }

    /// The descriptor keys arrive on, to wait for input beside other sources.
    public var inputDescriptor: Int32 { STDIN_FILENO }

    deinit { restore() }

    // MARK: - Restoring

    /// Gives the terminal back: mouse reporting off, cursor on, normal mode. Safe to call twice.
    public func restore() {
        guard active else { return }
        active = false
        Self.restoreTerminal()
    }

    /// The restore steps, callable from `atexit` (no captures).
    private static func restoreTerminal() {
        guard !isendwin() else { return }
        mousemask(0, nil)
        curs_set(1)
        endwin()
    }

    // MARK: - Size

    /// Takes the window's size after a SIGWINCH: asks the terminal (TIOCGWINSZ), resizes curses'
    /// screens and forgets the last frame, so the next `draw` repaints everything.
    public func updateSize() -> TerminalEvent? {
        guard active else { return nil }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0, size.ws_col > 0 else { return nil }
        resize_term(Int32(size.ws_row), Int32(size.ws_col))
        width = Int(peerdex_cols())
        height = Int(peerdex_lines())
        previous = nil
        return .resize(width: width, height: height)
    }

    // MARK: - Drawing

    /// Draws a frame, sending only the cells that changed since the last one.
    public func draw(_ buffer: CellBuffer) {
        guard active else { return }
        let full = previous.map { $0.width != buffer.width || $0.height != buffer.height } ?? true
        if full { wclear(peerdex_stdscr()) }
        let rows = min(buffer.height, height)
        let columns = min(buffer.width, width)
        for y in 0..<rows {
            for x in 0..<columns {
                let cell = buffer[x, y]
                if cell.isContinuation { continue }
                if !full, let previous, previous[x, y] == cell,
                    x + 1 >= columns || previous[x + 1, y].isContinuation == buffer[x + 1, y].isContinuation
                {
                    continue
                }
                let wide = x + 1 < buffer.width && buffer[x + 1, y].isContinuation
                put(cell, x: x, y: y, wide: wide && x + 1 < columns)
            }
        }
        previous = buffer
        wnoutrefresh(peerdex_stdscr())
        doupdate()
    }

    /// Writes one cluster in the form `TerminalGlyph` chose, so that it takes exactly the cells
    /// the layout gave it: a disagreement would shift every cell after it on the row.
    private func put(_ cell: Cell, x: Int, y: Int, wide: Bool) {
        let attributes = attributes(for: cell.style)
        var column = x
        for piece in TerminalGlyph.pieces(of: String(cell.grapheme), width: wide ? 2 : 1, wcwidth: Self.libcWidth) {
            write(piece.map { wchar_t(bitPattern: $0) }, x: column, y: y, attributes: attributes)
            column += max(1, Self.libcWidth(piece[0]))
        }
    }

    /// libc's width of one scalar, as the terminal will measure it.
    static func libcWidth(_ scalar: UInt32) -> Int {
        Int(peerdex_wcwidth(wchar_t(bitPattern: scalar)))
    }

    /// Puts wide characters at a cell with attributes and a color pair.
    private func write(_ characters: [wchar_t], x: Int, y: Int, attributes: (attr_t, Int16)) {
        var text = characters
        text.append(0)
        _ = peerdex_put_cluster(Int32(y), Int32(x), text, attributes.0, attributes.1)
    }

    /// ncurses attributes and color pair for a style; pairs are allocated on first use.
    private func attributes(for style: Style) -> (attr_t, Int16) {
        var attributes: attr_t = 0
        if style.bold { attributes |= peerdex_a_bold() }
        if style.reverse { attributes |= peerdex_a_reverse() }
        if style.underline { attributes |= peerdex_a_underline() }
        if style.dim { attributes |= peerdex_a_dim() }
        guard supportsColor, style.fg != .default || style.bg != .default else { return (attributes, 0) }
        let key = ColorPair(fg: style.fg, bg: style.bg)
        if let pair = pairs[key] { return (attributes, pair) }
        let pair = Int16(pairs.count + 1)
        guard Int32(pair) < peerdex_color_pairs() else { return (attributes, 0) }
        init_pair(pair, number(style.fg), number(style.bg))
        pairs[key] = pair
        return (attributes, pair)
    }

    /// The curses color number; bright black falls back to the default on 8-color terminals.
    private func number(_ color: Color) -> Int16 {
        switch color {
        case .default: return -1
        case .black: return Int16(COLOR_BLACK)
        case .red: return Int16(COLOR_RED)
        case .green: return Int16(COLOR_GREEN)
        case .yellow: return Int16(COLOR_YELLOW)
        case .blue: return Int16(COLOR_BLUE)
        case .magenta: return Int16(COLOR_MAGENTA)
        case .cyan: return Int16(COLOR_CYAN)
        case .white: return Int16(COLOR_WHITE)
        case .brightBlack: return peerdex_colors() >= 16 ? 8 : -1
        }
    }

    // MARK: - Input

    /// Every event that can be read without waiting, in order.
    ///
    /// Reads until curses has nothing left, its own read-ahead included (an escape sequence it
    /// took apart, say), so that waiting on `inputDescriptor` afterwards misses nothing. Keys
    /// curses reports that mean nothing here (a mouse release, an unknown function key) are
    /// skipped.
    public func pendingEvents() -> [TerminalEvent] {
        guard active else { return [] }
        wtimeout(peerdex_stdscr(), 0)
        var events = [TerminalEvent]()
        var character: wint_t = 0
        while true {
            let status = wget_wch(peerdex_stdscr(), &character)
            if status == peerdex_err() { return events }
            if let event = event(status: status, character: character) { events.append(event) }
        }
    }

    /// The event of one `wget_wch` result, if it means anything.
    private func event(status: Int32, character: wint_t) -> TerminalEvent? {
        if status == peerdex_key_code_yes() {
            let code = Int32(character)
            if code == KEY_RESIZE { return updateSize() }  // only if someone else's handler ran
            if code == KEY_MOUSE { return readMouse() }
            return KeyDecoder.functionKey(code).map(TerminalEvent.key)
        }
        return KeyDecoder.character(UInt32(character)).map(TerminalEvent.key)
    }

    /// The pending mouse event, as a press or a wheel turn.
    private func readMouse() -> TerminalEvent? {
        var event = MEVENT()
        guard getmouse(&event) != peerdex_err() else { return nil }
        let kind: MouseEvent.Kind
        if peerdex_wheel_up(event.bstate) != 0 {
            kind = .wheelUp
        } else if peerdex_wheel_down(event.bstate) != 0 {
            kind = .wheelDown
        } else if peerdex_button1(event.bstate) != 0 {
            kind = .press
        } else {
            return nil
        }
        return .mouse(MouseEvent(kind: kind, column: Int(event.x), row: Int(event.y)))
    }
}

/// A foreground and background pair, the key of curses color pairs.
private struct ColorPair: Hashable {
    let fg: Color
    let bg: Color
}
