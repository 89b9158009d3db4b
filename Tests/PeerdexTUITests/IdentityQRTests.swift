import PeerdexCore
import Testing

@testable import PeerdexTUI

/// The identity overlay with the invite's QR code: drawn whole with its quiet zone when the
/// window fits it, else the text with a line saying how large the window must be.
@Suite struct IdentityQRTests {
    /// A stand-in for a version 5 code (37 modules, the size of a typical invite's): the three
    /// finder patterns and a fixed scatter of modules. The TUI draws whatever grid it is given;
    /// that real codes scan is PeerdexQRTests' part.
    static let code: QRCode = {
        let width = 37
        var modules = (0..<(width * width)).map { index in (index * 7 + index / width * 3) % 5 < 2 }
        for (top, left) in [(0, 0), (0, width - 7), (width - 7, 0)] {
            for row in -1...7 {
                for column in -1...7 {
                    let (y, x) = (top + row, left + column)
                    guard (0..<width).contains(y), (0..<width).contains(x) else { continue }
                    let ring = max(abs(row - 3), abs(column - 3))
                    modules[y * width + x] = ring != 2 && ring != 4
                }
            }
        }
        return QRCode(width: width, modules: modules)!
    }()

    static func model(width: Int, height: Int, theme: Theme = .standard) -> AppModel {
        var model = Fixtures.model(width: width, height: height, theme: theme)
        _ = model.update(.ownInvite(Fixtures.ownInvite, code))
        _ = model.update(.key(.char("i")))
        return model
    }

    /// The rows of `buffer` from (`x`, `y`) that should hold the code, as text.
    static func drawnCode(_ buffer: CellBuffer, x: Int, y: Int) -> [String] {
        let (columns, lines) = code.textSize()
        return (y..<(y + lines)).map { row in (x..<(x + columns)).map { buffer[$0, row].grapheme }.joined() }
    }

    @Test func anOwnInviteMessageReplacesTheInviteAndItsCode() {
        var model = Fixtures.model()
        #expect(model.ownInviteQR == nil)
        let invite = Invite(peerID: Fixtures.ownInvite.peerID, address: HostPort(host: "10.0.0.7", port: 7447))
        #expect(model.update(.ownInvite(invite, Self.code)) == [])
        #expect(model.ownInvite == invite && model.ownInviteQR == Self.code)
    }

    @Test func at80x24TheCodeTakesTheScreenBesideTheText() {
        let model = Self.model(width: 80, height: 24)
        let buffer = model.render()
        expectSnapshot(buffer, "identity-qr-80x24")
        // The whole code with its quiet zone, from the top left, in fixed white on black.
        let x = (80 - (45 + 1 + 34)) / 2
        #expect(Self.drawnCode(buffer, x: x, y: 0) == Self.code.halfBlockLines())
        #expect(buffer[x, 0].grapheme == "█" && buffer[x, 0].style == Style(fg: .white, bg: .black))
        #expect(buffer.text().contains("@192.168.1.20:4001?name=Sam"))  // the invite beside it, wrapped
        #expect(!buffer.text().contains("Make the window"))
    }

    @Test func aTallWindowBoxesTheCodeInTheMainArea() {
        let buffer = Self.model(width: 120, height: 40).render()
        expectSnapshot(buffer, "identity-qr-120x40")
        #expect(buffer.line(0).contains("Contacts"))  // the tab bar stays
        #expect(buffer.text().contains("Your identity"))
    }

    @Test func aSmallWindowShowsTheTextAndHowLargeTheWindowMustBe() {
        let buffer = Self.model(width: 60, height: 16).render()
        expectSnapshot(buffer, "identity-qr-too-small-60x16")
        #expect(buffer.text().contains("Make the window at least 74×24 to show the QR code"))
        #expect(!buffer.text().contains("▀▀▀"))
        // One row short is too small too: the quiet zone is never cut.
        #expect(Self.model(width: 80, height: 23).render().text().contains("Make the window at least 74×24"))
    }

    @Test func monochromeDrawsTheCodeInTheTerminalsColors() {
        let buffer = Self.model(width: 80, height: 24, theme: .monochrome).render()
        #expect(buffer[0, 0].grapheme == "█" && buffer[0, 0].style == .plain)
    }

    @Test func withoutACodeTheOverlayIsTheTextAlone() {
        var model = Fixtures.model()
        _ = model.update(.key(.char("i")))
        #expect(!model.render().text().contains("Make the window"))
    }
}
