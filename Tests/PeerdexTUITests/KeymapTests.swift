import Testing

@testable import PeerdexTUI

/// The key table: lookups, names, rebinding, and the generated help and README list.
@Suite struct KeymapTests {
    @Test func defaultsMatchTheIssue() {
        let keymap = Keymap.standard
        let expected: [(Key, Action)] = [
            (.tab, .nextPane), (.backTab, .previousPane), (.char("1"), .showContacts), (.char("4"), .showSearch),
            (.up, .moveUp), (.char("k"), .moveUp), (.down, .moveDown), (.char("j"), .moveDown),
            (.pageUp, .pageUp), (.pageDown, .pageDown), (.home, .top), (.char("g"), .top), (.end, .bottom),
            (.char("G"), .bottom), (.enter, .openDetails), (.char("/"), .search), (.char("a"), .add),
            (.char("f"), .toggleFavorite), (.char("b"), .toggleBlocked), (.char("e"), .edit), (.char("d"), .remove),
            (.char("i"), .showIdentity), (.char("?"), .help), (.char("q"), .quit), (.ctrl("c"), .quit),
        ]
        for (key, action) in expected { #expect(keymap.action(for: key) == action, "\(key)") }
        #expect(Set(keymap.bindings.map(\.action)) == Set(Action.allCases))
    }

    @Test(arguments: [
        ("j", Key.char("j")), ("G", .char("G")), ("?", .char("?")), ("ctrl-c", .ctrl("c")), ("Ctrl-X", .ctrl("x")),
        ("tab", .tab), ("shift-tab", .backTab), ("pgup", .pageUp), ("PageDown", .pageDown), ("up", .up),
        ("enter", .enter), ("esc", .escape), ("space", .char(" ")), ("f1", .function(1)), ("home", .home),
    ] as [(String, Key)])
    func keyNamesParse(name: String, key: Key) {
        #expect(Key(name: name) == key)
    }

    @Test func unknownNamesAreRefused() {
        #expect(Key(name: "hyper-x") == nil)
        #expect(Key(name: "ctrl-") == nil)
        #expect(throws: Keymap.ConfigError.unknownAction("fly")) { try Keymap.standard.rebinding(["fly": "x"]) }
        #expect(throws: Keymap.ConfigError.unknownKey(action: "add", key: "meta-q")) {
            try Keymap.standard.rebinding(["add": "meta-q"])
        }
    }

    @Test func rebindingMovesAKeyAwayFromItsOldAction() throws {
        let keymap = try Keymap.standard.rebinding(["remove": "x", "toggle": "d"].filter { $0.key == "remove" })
        #expect(keymap.action(for: .char("x")) == .remove)
        #expect(keymap.action(for: .char("d")) == nil)
        let stolen = try Keymap.standard.rebinding(["add": "f"])
        #expect(stolen.action(for: .char("f")) == .add)
        #expect(stolen.keys(for: .toggleFavorite).isEmpty)
        #expect(stolen.label(for: .toggleFavorite) == "(unbound)")
    }

    @Test func helpAndReadmeComeFromTheTable() throws {
        let keymap = try Keymap.standard.rebinding(["favorite": "s"])
        let help = keymap.helpSections().flatMap(\.rows)
        #expect(help.contains { $0.keys == "s" && $0.summary == Action.toggleFavorite.summary })
        #expect(help.contains { $0.keys == "q Ctrl-C" })
        let markdown = keymap.markdownTable()
        #expect(markdown.contains("| `s` | Toggle favorite | `favorite` |"))
        #expect(markdown.contains("| `↑` `k` | Move up | `up` |"))
        #expect(markdown.split(separator: "\n").count == Action.allCases.count + 2)
    }
}
