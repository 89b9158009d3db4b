/// A key press, as the terminal adapter reports it and the key table names it.
public enum Key: Hashable, Sendable {
    /// A printable character (already a whole grapheme when the terminal sent one).
    case char(Character)
    /// Control plus a letter: `ctrl("c")` is Ctrl-C.
    case ctrl(Character)
    /// Arrow up.
    case up
    /// Arrow down.
    case down
    /// Arrow left.
    case left
    /// Arrow right.
    case right
    /// Home.
    case home
    /// End.
    case end
    /// Page up.
    case pageUp
    /// Page down.
    case pageDown
    /// Enter / Return.
    case enter
    /// Escape.
    case escape
    /// Tab.
    case tab
    /// Shift-Tab (back tab).
    case backTab
    /// Backspace.
    case backspace
    /// Delete (forward).
    case delete
    /// Function key F1...F12.
    case function(Int)

    /// Parses a key name as written in the config file: `j`, `?`, `ctrl-c`, `tab`, `shift-tab`,
    /// `pgup`, `pagedown`, `up`, `enter`, `esc`, `space`, `f1`… Case-insensitive except single characters.
    public init?(name: String) {
        let trimmed = String(name.trimmingCharacters(in: " "))
        if trimmed.count == 1, let character = trimmed.first {
            self = .char(character)
            return
        }
        let lower = trimmed.lowercased()
        if lower.hasPrefix("ctrl-") || lower.hasPrefix("ctrl+") || lower.hasPrefix("c-") {
            let rest = lower.drop { $0 != "-" && $0 != "+" }.dropFirst()
            guard rest.count == 1, let letter = rest.first, letter.isASCII, letter.isLetter else { return nil }
            self = .ctrl(letter)
            return
        }
        if lower.hasPrefix("f"), let number = Int(lower.dropFirst()), (1...12).contains(number) {
            self = .function(number)
            return
        }
        guard let key = Self.named[lower] else { return nil }
        self = key
    }

    /// Names accepted by `init(name:)` for keys that are not a single character.
    private static let named: [String: Key] = [
        "up": .up, "down": .down, "left": .left, "right": .right, "home": .home, "end": .end,
        "pgup": .pageUp, "pageup": .pageUp, "pgdn": .pageDown, "pgdown": .pageDown, "pagedown": .pageDown,
        "enter": .enter, "return": .enter, "esc": .escape, "escape": .escape, "tab": .tab,
        "shift-tab": .backTab, "backtab": .backTab, "s-tab": .backTab, "backspace": .backspace,
        "delete": .delete, "del": .delete, "space": .char(" "),
    ]

    /// How the key is shown in help and the README: `j`, `Ctrl-C`, `↑`, `PgUp`, `Shift-Tab`.
    public var label: String {
        switch self {
        case .char(" "): return "Space"
        case .char(let character): return String(character)
        case .ctrl(let letter): return "Ctrl-" + letter.uppercased()
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .backspace: return "Backspace"
        case .delete: return "Delete"
        case .function(let number): return "F\(number)"
        }
    }
}

extension String {
    /// The string without the given character at either end (Foundation-free).
    fileprivate func trimmingCharacters(in character: Character) -> Substring {
        var slice = Substring(self)
        while slice.first == character { slice = slice.dropFirst() }
        while slice.last == character { slice = slice.dropLast() }
        return slice
    }
}
