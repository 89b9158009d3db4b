import Foundation
import PeerdexApp
import PeerdexTUI

/// The child process of `tui.rss`: scrolls the Contacts pane through every row, then reports memory.
///
/// A separate process, so that the benchmark's own data (100,000 generated contacts, query
/// lists) does not count: what is measured is the TUI's model, its windows and the store.
/// The report is `key value` lines on stdout for `RSSBench` to read.
enum RSSProbe {
    /// Scrolls the book in `dataDirectory` from the first row to the last and prints the report.
    static func run(dataDirectory: String) throws {
        let book: ContactBook
        do { book = try ContactBook.open(DataDirectory(explicit: dataDirectory)) } catch {
            throw BenchError("cannot open the book: \(error)")
        }
        var driver = TUIDriver(book: book, width: KeystrokeBench.size.width, height: KeystrokeBench.size.height)
        let startKB = memory("VmRSS")
        let total = driver.model.lists[.contacts]?.total ?? 0
        var steps = Samples()
        var step = 0
        // Mostly PgDn, with a few single-row moves, as someone skimming a long list does.
        while (driver.model.lists[.contacts]?.selection ?? 0) < total - 1 {
            let keys: [Key] = step % 10 == 9 ? [.down, .down, .down] : [.pageDown]
            for key in keys {
                let (_, milliseconds) = Monotonic.measure { driver.send(.key(key)) }
                steps.append(milliseconds)
            }
            step += 1
            guard step < 1_000_000 else { throw BenchError("scrolling never reached the last row") }
        }
        guard driver.failures.isEmpty else {
            throw BenchError("the TUI reported failures: \(driver.failures.prefix(3))")
        }
        let lastRow = driver.model.selectedContact
        print("rows \(total)")
        print("keys \(steps.count)")
        print("lastRowLoaded \(lastRow != nil ? 1 : 0)")
        print("keyP50 \(steps.median)")
        print("keyP99 \(steps.percentile(99))")
        print("rssStartKB \(startKB)")
        print("rssKB \(memory("VmRSS"))")
        print("peakKB \(memory("VmHWM"))")
        print("checksum \(driver.frameChecksum & 0xF)")
    }

    /// A `kB` field of `/proc/self/status` (VmRSS: resident now; VmHWM: the peak).
    static func memory(_ field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            let value = line.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first
            return value.flatMap { Int($0) } ?? -1
        }
        return -1
    }
}
