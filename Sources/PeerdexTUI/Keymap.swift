/// The key table: the single source for what keys do, the `?` help overlay and the README list.
///
/// Each action has one or more keys; the first is the one shown first. The config file rebinds
/// an action by listing its keys, e.g. `favorite = "s"` or `down = "j, down, ctrl-n"`.
public struct Keymap: Hashable, Sendable {
    /// One row of the table.
    public struct Binding: Hashable, Sendable {
        /// What the keys do.
        public var action: Action
        /// The keys, in display order.
        public var keys: [Key]
    }

    /// The rows, in help order.
    public private(set) var bindings: [Binding]

    /// A key table from its rows.
    public init(bindings: [Binding]) {
        self.bindings = bindings
    }

    /// The default table.
    public static let standard = Keymap(bindings: [
        Binding(action: .nextPane, keys: [.tab]),
        Binding(action: .previousPane, keys: [.backTab]),
        Binding(action: .showContacts, keys: [.char("1")]),
        Binding(action: .showFavorites, keys: [.char("2")]),
        Binding(action: .showNearby, keys: [.char("3")]),
        Binding(action: .showSearch, keys: [.char("4")]),
        Binding(action: .showBlocked, keys: [.char("5")]),
        Binding(action: .moveUp, keys: [.up, .char("k")]),
        Binding(action: .moveDown, keys: [.down, .char("j")]),
        Binding(action: .pageUp, keys: [.pageUp]),
        Binding(action: .pageDown, keys: [.pageDown]),
        Binding(action: .top, keys: [.home, .char("g")]),
        Binding(action: .bottom, keys: [.end, .char("G")]),
        Binding(action: .openDetails, keys: [.enter]),
        Binding(action: .search, keys: [.char("/")]),
        Binding(action: .add, keys: [.char("a")]),
        Binding(action: .lookupProfile, keys: [.char("L")]),
        Binding(action: .toggleFavorite, keys: [.char("f")]),
        Binding(action: .toggleBlocked, keys: [.char("b")]),
        Binding(action: .edit, keys: [.char("e")]),
        Binding(action: .remove, keys: [.char("d")]),
        Binding(action: .retry, keys: [.char("r")]),
        Binding(action: .showIdentity, keys: [.char("i")]),
        Binding(action: .editProfile, keys: [.char("p")]),
        Binding(action: .help, keys: [.char("?")]),
        Binding(action: .quit, keys: [.char("q"), .ctrl("c")]),
    ])

    // MARK: - Lookup

    /// The action bound to a key, if any.
    public func action(for key: Key) -> Action? {
        bindings.first { $0.keys.contains(key) }?.action
    }

    /// The keys bound to an action.
    public func keys(for action: Action) -> [Key] {
        bindings.first { $0.action == action }?.keys ?? []
    }

    /// The first key of an action as shown to people, e.g. for "press a to add".
    public func label(for action: Action) -> String {
        keys(for: action).first?.label ?? "(unbound)"
    }

    // MARK: - Configuration

    /// Why a `[keys]` section of the config was refused.
    public enum ConfigError: Error, Hashable, Sendable, CustomStringConvertible {
        /// No action has this name.
        case unknownAction(String)
        /// A key name that `Key(name:)` does not understand.
        case unknownKey(action: String, key: String)

        /// One line for the user.
        public var description: String {
            switch self {
            case .unknownAction(let name):
                return "unknown action '\(name)' in [keys]; actions are: "
                    + Action.allCases.map(\.rawValue).joined(separator: ", ")
            case .unknownKey(let action, let key): return "unknown key '\(key)' for '\(action)' in [keys]"
            }
        }
    }

    /// This table with actions rebound from a config dictionary of action name → comma-separated keys.
    ///
    /// A key given to one action is taken away from any other, so a rebinding never leaves two
    /// actions on one key.
    public func rebinding(_ config: [String: String]) throws(ConfigError) -> Keymap {
        var result = self
        for (name, value) in config.sorted(by: { $0.key < $1.key }) {
            guard let action = Action(rawValue: name) else { throw .unknownAction(name) }
            var keys: [Key] = []
            for part in value.split(separator: ",") {
                let keyName = String(part)
                guard let key = Key(name: keyName) else {
                    throw .unknownKey(action: name, key: keyName.trimmingSpaces())
                }
                if !keys.contains(key) { keys.append(key) }
            }
            for index in result.bindings.indices { result.bindings[index].keys.removeAll { keys.contains($0) } }
            if let index = result.bindings.firstIndex(where: { $0.action == action }) {
                result.bindings[index].keys = keys
            }
        }
        return result
    }

    // MARK: - Documentation

    /// The help overlay's lines: section headings and (keys, summary) rows, in table order.
    public func helpSections() -> [(title: String, rows: [(keys: String, summary: String)])] {
        var sections: [(title: String, rows: [(keys: String, summary: String)])] = []
        for binding in bindings where !binding.keys.isEmpty {
            let row = (keys: binding.keys.map(\.label).joined(separator: " "), summary: binding.action.summary)
            if let last = sections.indices.last, sections[last].title == binding.action.section {
                sections[last].rows.append(row)
            } else {
                sections.append((title: binding.action.section, rows: [row]))
            }
        }
        return sections
    }

    /// The README's key list as a Markdown table, generated so that it cannot drift from the code.
    public func markdownTable() -> String {
        var lines = ["| Keys | Action | Config name |", "| --- | --- | --- |"]
        for binding in bindings where !binding.keys.isEmpty {
            let keys = binding.keys.map { "`\($0.label == "`" ? "` ` `" : $0.label)`" }.joined(separator: " ")
            lines.append("| \(keys) | \(binding.action.summary) | `\(binding.action.rawValue)` |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    /// The string without spaces at either end.
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while slice.first == " " { slice = slice.dropFirst() }
        while slice.last == " " { slice = slice.dropLast() }
        return String(slice)
    }
}
