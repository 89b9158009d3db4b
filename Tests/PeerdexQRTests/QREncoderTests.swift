import Foundation
import PeerdexCore
import PeerdexQR
import PeerdexTestSupport
import Testing

/// libqrencode's codes, checked by decoding them with an independent reader (`QRDecoding`: zbarimg).
@Suite struct QREncoderTests {
    static let peerID = "7eaaodqvdqrsumjyh5de2vc3mjuxa536qwgjhgvbvcx3npoezpjlvrdj"
    static let typical = "peerdex://\(peerID)@192.168.1.20:7447"

    @Test func aTypicalInviteFitsAnEightyByTwentyFourTerminal() throws {
        let code = try QREncoder.encode(Self.typical)
        #expect(code.width == 37)  // version 5
        let (columns, lines) = code.textSize()
        #expect(columns == 45 && lines == 23)
        // With a short name it stays version 5 at the invite level, which `.medium` would not.
        let named = Self.typical + "?name=Sam"
        #expect(try QREncoder.encode(named).width == 37)
        #expect(try QREncoder.encode(named, level: .medium).width == 41)
    }

    @Test(arguments: [
        typical,
        "peerdex://\(peerID)@[2001:db8::7]:7447?name=Zo%C3%AB%20M%C3%BCller",
        "peerdex://\(peerID)",
    ])
    func zbarimgDecodesTheExactText(_ text: String) throws {
        let code = try QREncoder.encode(text)
        #expect(try QRDecoding.decode(pixels: Self.pixels(of: code)) == text)
    }

    @Test func theTerminalDrawingDecodesToo() throws {
        // The half-block lines read back as a camera sees them on a light-on-dark terminal.
        let code = try QREncoder.encode(Self.typical)
        #expect(try QRDecoding.decode(pixels: QRDecoding.pixels(halfBlockLines: code.halfBlockLines())) == Self.typical)
        // Drawn for the other polarity and read as light on dark, it is a negative: no code.
        let negative = QRDecoding.pixels(halfBlockLines: code.halfBlockLines(inverted: false))
        #expect(throws: QRDecoding.NothingDecoded.self) { try QRDecoding.decode(pixels: negative) }
    }

    @Test func everyLevelDecodesAndHigherLevelsAreNoSmaller() throws {
        var previous = 0
        for level in QREncoder.Level.allCases {
            let code = try QREncoder.encode(Self.typical, level: level)
            #expect(code.width >= previous)
            previous = code.width
            #expect(try QRDecoding.decode(pixels: Self.pixels(of: code)) == Self.typical)
        }
    }

    @Test func refusesWhatNoCodeHolds() {
        let tooLong = String(repeating: "peerdex ", count: 400)  // 3,200 bytes; version 40-L holds 2,953
        #expect(throws: QREncodingError.tooLong(bytes: 3_200, level: .low)) { try QREncoder.encode(tooLong) }
        #expect(throws: QREncodingError.empty) { try QREncoder.encode("") }
        #expect(throws: QREncodingError.containsNul) { try QREncoder.encode("a\u{0}b") }
        #expect("\(QREncodingError.tooLong(bytes: 3_200, level: .low))".contains("too many"))
    }

    // MARK: - Decoding

    /// The code as pixel rows (true = dark) with a 4-module light quiet zone.
    static func pixels(of code: QRCode) -> [[Bool]] {
        let side = code.width + 8
        return (0..<side).map { row in (0..<side).map { code.isDark(row: row - 4, column: $0 - 4) } }
    }
}
