import Testing

@testable import PeerdexTUI

/// Editing keys, and a selected (pre-filled) text that the first key replaces.
@Suite struct TextFieldTests {
    func typing(_ text: String, into field: inout TextField) {
        for character in text { _ = field.handle(.char(character)) }
    }

    @Test func typingInsertsAtTheCursor() {
        var field = TextField("zoe")
        _ = field.handle(.home)
        typing("a ", into: &field)
        #expect(field.text == "a zoe" && field.cursor == 2)
        _ = field.handle(.ctrl("w"))
        #expect(field.text == "zoe")
    }

    @Test func aSelectedTextIsReplacedByTheFirstCharacterTyped() {
        var field = TextField(selecting: "zoe")
        #expect(field.isSelected && field.text == "zoe")
        typing("ord", into: &field)
        #expect(field.text == "ord" && !field.isSelected && field.cursor == 3)
    }

    @Test(arguments: [Key.backspace, .delete, .ctrl("u"), .ctrl("w"), .ctrl("h"), .ctrl("d")])
    func anErasingKeyClearsASelectedText(key: Key) {
        var field = TextField(selecting: "zoe müller")
        let handled = field.handle(key)
        #expect(handled)
        #expect(field.text == "" && field.cursor == 0 && !field.isSelected)
    }

    @Test func aMovementKeyKeepsTheTextForEditing() {
        var field = TextField(selecting: "zoe")
        _ = field.handle(.home)
        #expect(!field.isSelected && field.cursor == 0)
        typing("x", into: &field)
        #expect(field.text == "xzoe")
        var end = TextField(selecting: "zoe")
        _ = end.handle(.end)
        typing("!", into: &end)
        #expect(end.text == "zoe!")
    }

    @Test func nothingIsSelectedInAnEmptyField() {
        var field = TextField(selecting: "")
        #expect(!field.isSelected)
        field.selectAll()
        #expect(!field.isSelected)
    }
}
