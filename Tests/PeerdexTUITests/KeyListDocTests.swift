import Foundation
import Testing

@testable import PeerdexTUI

/// The documented key list is generated from the key table and must match it.
@Suite struct KeyListDocTests {
    /// Files whose `<!-- keys:begin -->` … `<!-- keys:end -->` section holds the key table.
    static let documents = ["docs/TUI.md", "README.md"]

    @Test func documentedKeysMatchTheTable() throws {
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let table = Keymap.standard.markdownTable()
        let record = ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1"
        var checked: [String] = []
        for path in Self.documents {
            let file = root.appendingPathComponent(path)
            guard let text = try? String(contentsOf: file, encoding: .utf8),
                let begin = text.range(of: "<!-- keys:begin -->\n"),
                let end = text.range(of: "<!-- keys:end -->", range: begin.upperBound..<text.endIndex)
            else { continue }  // a document without the markers has no generated list
            checked.append(path)
            let current = String(text[begin.upperBound..<end.lowerBound])
            if current == table { continue }
            if record {
                try (text[..<begin.upperBound] + table + text[end.lowerBound...]).write(
                    to: file, atomically: true, encoding: .utf8)
            } else {
                Issue.record("\(path): key list differs from Keymap.standard; run SNAPSHOT_RECORD=1 swift test")
            }
        }
        #expect(checked.contains("docs/TUI.md"))
    }
}
