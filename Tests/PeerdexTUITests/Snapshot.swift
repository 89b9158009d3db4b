import Foundation
import PeerdexTUI
import Testing

/// Compares a rendered buffer with `Snapshots/<name>.txt`; `SNAPSHOT_RECORD=1` rewrites the file.
///
/// On a mismatch the failure shows each differing line, expected and actual, so a reviewer sees
/// the change without opening files.
func expectSnapshot(_ buffer: CellBuffer, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    let file = directory.appendingPathComponent(name + ".txt")
    let actual = buffer.text() + "\n"
    let record = ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"] == "1"
    guard !record, let expected = try? String(contentsOf: file, encoding: .utf8) else {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? actual.write(to: file, atomically: true, encoding: .utf8)
        if !record { Issue.record("recorded missing snapshot \(name).txt; review it", sourceLocation: sourceLocation) }
        return
    }
    guard expected != actual else { return }
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
    var diff: [String] = []
    for index in 0..<max(expectedLines.count, actualLines.count) {
        let old = index < expectedLines.count ? String(expectedLines[index]) : "<none>"
        let new = index < actualLines.count ? String(actualLines[index]) : "<none>"
        if old != new { diff += ["line \(index + 1):", "- \(old)", "+ \(new)"] }
    }
    let report = "snapshot \(name).txt differs (SNAPSHOT_RECORD=1 to accept):\n" + diff.joined(separator: "\n")
    Issue.record(Comment(rawValue: report), sourceLocation: sourceLocation)
}
