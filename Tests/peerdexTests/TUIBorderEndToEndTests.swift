import Foundation
import PeerdexCore
import PeerdexTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Names that terminals measure differently from grapheme clusters never move a border: every
/// row's box edges are in the same columns, at every width and after resizes, as tmux itself
/// lays the cells out.
@Suite(.serialized, .timeLimit(.minutes(2)), .enabled(if: TmuxSession.isAvailable, "needs tmux (make test installs it)"))
struct TUIBorderEndToEndTests {
    let cli = CommandRunner()

    static let names = [
        "Priyanka 👩‍👩‍👧 Rao", "Family 👨‍👩‍👧‍👦 Lee", "Flag 🇯🇵 and 🇫🇷", "Love ❤️ Heart", "Keycap 1️⃣ One",
        "Thumbs 👍🏽 Up", "José Mañana", "東京タワー 東京", "한국어 이름", "Zalgo Z͓͔͕͖͑͒", "Rainbow 🏳️‍🌈 Flag",
    ]

    /// Box-drawing characters that belong to a border or a scroll bar.
    static let edges: Set<Character> = ["│", "┃", "┌", "┐", "└", "┘"]

    init() { setlocale(LC_CTYPE, "C.UTF-8") }

    /// The columns of border characters on each row, measured as tmux measures text: each scalar
    /// takes `wcwidth` columns and one of width 0 joins the cell before it.
    func edgeColumns(of screen: String) -> [[Int]] {
        screen.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var column = 0
            var edges = [Int]()
            for character in line {
                if Self.edges.contains(character) { edges.append(column) }
                for scalar in character.unicodeScalars { column += DisplayWidthProbe.width(scalar) }
            }
            return edges
        }
    }

    /// Checks the rows between the tab bar and the status bar all have their edges in the same
    /// columns, and that no joiner or variation selector reached the terminal.
    func expectStraightBorders(_ screen: String, _ label: String) {
        let rows = edgeColumns(of: screen)
        let boxRows = Array(rows.dropFirst().prefix(while: { !$0.isEmpty }))
        #expect(boxRows.count > 5, "\(label): no box found in\n\(screen)")
        let reference = boxRows.first ?? []
        for (index, edges) in boxRows.enumerated() where edges != reference {
            Issue.record("\(label): row \(index + 1) has edges at \(edges), the box's first row at \(reference)\n\(screen)")
        }
        let stray = screen.unicodeScalars.filter { [0x200D, 0xFE0F, 0xE0067].contains($0.value) }
        #expect(stray.isEmpty, "\(label): \(stray.map { "U+" + String($0.value, radix: 16) }) reached the terminal")
    }

    /// The screen once two captures 30 ms apart agree: a capture taken while a frame is being
    /// written can mix two frames, and the bug this test guards against is a frame that stays wrong.
    func stableScreen(_ tui: TmuxSession, after first: String? = nil) throws -> String {
        var previous = try first ?? tui.screen()
        for _ in 0..<50 {
            Thread.sleep(forTimeInterval: 0.03)
            let current = try tui.screen()
            if current == previous { return current }
            previous = current
        }
        return previous
    }

    @Test func bordersStayStraightAtEveryWidthAndAfterResizes() throws {
        defer { cli.cleanUp() }
        for (seed, name) in Self.names.enumerated() {
            try #require(try cli.run(["contacts", "add", Fixtures.peerID(seed + 1).text, "--name", name]).status == 0)
        }
        let tui = try TmuxSession(
            command: [CommandRunner.executable.path, "--data-dir", cli.dataDirectory], width: 100, height: 30)
        defer { tui.close() }
        try tui.waitFor("Contacts 11")
        for (width, height) in [(100, 30), (140, 40), (80, 24), (120, 30), (100, 30)] {
            try tui.resize(width: width, height: height)
            // The tab bar ends in the program's name one column from the right edge (tmux trims
            // the blank after it) only in a frame
            // drawn for this width; tmux rewraps the old frame's lines until the redraw.
            let first = try tui.waitFor("a \(width)-column frame") { screen in
                screen.split(separator: "\n").first.map { $0.hasSuffix("peerdex") && DisplayWidthProbe.columns($0) == width - 1 }
                    ?? false
            }
            expectStraightBorders(try stableScreen(tui, after: first), "\(width)×\(height)")
            // Select every row in turn: the details (beside from 100 columns) show each name too.
            for _ in Self.names {
                try tui.send("j")
                expectStraightBorders(try stableScreen(tui), "\(width)×\(height), moving down")
            }
            try tui.send("g")
        }
    }
}

/// Column counting with libc's `wcwidth`, as tmux 3.3 does it (Swift's Glibc module hides
/// `wcwidth`, so it is looked up by name).
enum DisplayWidthProbe {
    typealias WCWidth = @convention(c) (Int32) -> Int32
    nonisolated(unsafe) static let wcwidth: WCWidth = unsafeBitCast(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "wcwidth"), to: WCWidth.self)

    static func width(_ scalar: Unicode.Scalar) -> Int { max(0, Int(wcwidth(Int32(bitPattern: scalar.value)))) }

    static func columns(_ text: Substring) -> Int { text.unicodeScalars.reduce(0) { $0 + width($1) } }
}
