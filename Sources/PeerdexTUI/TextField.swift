/// A one-line text input with a cursor, edited grapheme by grapheme.
///
/// A field can hold its whole text selected: a pre-filled answer, or the last search when `/`
/// starts a new one. Then the first character typed replaces the text, Backspace or Delete
/// clears it, and a movement key keeps it for editing: what people expect of a pre-filled field,
/// and what keeps a second search from being appended to the first.
public struct TextField: Hashable, Sendable {
    /// The text typed so far.
    public private(set) var text: String
    /// Cursor position, in grapheme clusters from the start.
    public private(set) var cursor: Int
    /// Whether the whole text is selected (the next character replaces it).
    public private(set) var isSelected = false

    /// A field holding `text`, cursor at the end.
    public init(_ text: String = "") {
        self.text = text
        self.cursor = text.count
    }

    /// A field pre-filled with `text`, selected, so that typing replaces it and Enter keeps it.
    public init(selecting text: String) {
        self.init(text)
        selectAll()
    }

    /// Selects the whole text (nothing, when it is empty).
    public mutating func selectAll() {
        isSelected = !text.isEmpty
        cursor = text.count
    }

    /// Keeps the text and drops the selection.
    public mutating func deselect() { isSelected = false }

    /// Applies an editing key; returns false when the key is not an editing key.
    ///
    /// Printable characters insert; Backspace, Delete, ←/→, Home/End move or erase;
    /// Ctrl-U clears, Ctrl-W erases the word before the cursor, Ctrl-A/E jump like a shell.
    public mutating func handle(_ key: Key) -> Bool {
        if isSelected {
            isSelected = false
            switch key {
            case .char, .backspace, .ctrl("h"), .delete, .ctrl("d"), .ctrl("u"), .ctrl("w"):
                text = ""
                cursor = 0
                if case .char(let character) = key { insert(character) }
                return true
            default:
                break  // a movement key: edit the kept text from here
            }
        }
        switch key {
        case .char(let character):
            insert(character)
        case .backspace, .ctrl("h"):
            guard cursor > 0 else { return true }
            text.remove(at: index(cursor - 1))
            cursor -= 1
        case .delete, .ctrl("d"):
            guard cursor < text.count else { return true }
            text.remove(at: index(cursor))
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(text.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = text.count
        case .ctrl("u"):
            text = ""
            cursor = 0
        case .ctrl("w"):
            var start = cursor
            let characters = Array(text)
            while start > 0, characters[start - 1] == " " { start -= 1 }
            while start > 0, characters[start - 1] != " " { start -= 1 }
            text.removeSubrange(index(start)..<index(cursor))
            cursor = start
        default:
            return false
        }
        return true
    }

    /// Inserts a character at the cursor; a combining mark merges into the previous cluster.
    public mutating func insert(_ character: Character) {
        let before = text.count
        text.insert(character, at: index(cursor))
        cursor += text.count - before
    }

    /// The string index of grapheme `offset`.
    private func index(_ offset: Int) -> String.Index {
        text.index(text.startIndex, offsetBy: offset)
    }
}
