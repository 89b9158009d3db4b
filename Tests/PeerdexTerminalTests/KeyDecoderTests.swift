import CNCurses
import PeerdexTUI
import Testing

@testable import PeerdexTerminal

/// Raw ncurses codes become the TUI's keys in exactly one place; check the translation.
@Suite struct KeyDecoderTests {
    @Test func functionKeys() {
        #expect(KeyDecoder.functionKey(KEY_UP) == .up)
        #expect(KeyDecoder.functionKey(KEY_NPAGE) == .pageDown)
        #expect(KeyDecoder.functionKey(KEY_PPAGE) == .pageUp)
        #expect(KeyDecoder.functionKey(KEY_BTAB) == .backTab)
        #expect(KeyDecoder.functionKey(KEY_HOME) == .home)
        #expect(KeyDecoder.functionKey(KEY_END) == .end)
        #expect(KeyDecoder.functionKey(KEY_F0 + 1) == .function(1))
        #expect(KeyDecoder.functionKey(KEY_BACKSPACE) == .backspace)
    }

    @Test func characters() {
        #expect(KeyDecoder.character(3) == .ctrl("c"))
        #expect(KeyDecoder.character(9) == .tab)
        #expect(KeyDecoder.character(13) == .enter)
        #expect(KeyDecoder.character(10) == .enter)
        #expect(KeyDecoder.character(27) == .escape)
        #expect(KeyDecoder.character(127) == .backspace)
        #expect(KeyDecoder.character(UInt32(UInt8(ascii: "j"))) == .char("j"))
        #expect(KeyDecoder.character(0x674E) == .char("李"))
        #expect(KeyDecoder.character(0x1F600) == .char("😀"))
        #expect(KeyDecoder.character(0x9B) == nil)  // C1 control: never a key
    }

    @Test func eventsBecomeMessages() {
        #expect(TerminalEvent.resize(width: 90, height: 30).message == .resized(width: 90, height: 30))
        #expect(TerminalEvent.key(.enter).message == .key(.enter))
    }
}
