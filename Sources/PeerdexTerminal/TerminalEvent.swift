import PeerdexTUI

/// What the terminal reports: a key, a mouse event, or a new size.
public enum TerminalEvent: Hashable, Sendable {
    /// A key press, already translated into the TUI's key type.
    case key(Key)
    /// A click or wheel turn.
    case mouse(MouseEvent)
    /// The terminal was resized to `width` × `height` cells.
    case resize(width: Int, height: Int)

    /// The TUI message for this event.
    public var message: Message {
        switch self {
        case .key(let key): return .key(key)
        case .mouse(let event): return .mouse(event)
        case .resize(let width, let height): return .resized(width: width, height: height)
        }
    }
}
