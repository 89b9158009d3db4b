import Foundation
import PeerdexCore

/// The generated data every benchmark shares: the contacts, their JSON file and the imported book.
///
/// Everything is made on first use, so `--only tui` still gets a database (imported untimed).
final class Workspace {
    /// The options of this run.
    let options: BenchOptions
    /// The directory holding everything below.
    let directory: String
    private var generated: [Contact]?
    private var imported = false

    /// A workspace in `options.workDirectory`, or in a new temporary directory.
    init(options: BenchOptions) throws {
        self.options = options
        directory = options.workDirectory ?? NSTemporaryDirectory() + "peerdex-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    /// The JSON export file the import benchmark reads.
    var jsonPath: String { directory + "/contacts-\(options.contacts)-\(options.seed).json" }
    /// The data directory of the imported book.
    var dataDirectory: String { directory + "/data" }
    /// The database inside it.
    var databasePath: String { dataDirectory + "/contacts.sqlite" }
    /// Where spawned processes' stderr goes.
    var errorPath: String { directory + "/stderr.txt" }

    /// The generated contacts (made once; ~1 s for 100,000).
    func contacts() -> [Contact] {
        if let generated { return generated }
        Report.note("generating \(options.contacts) contacts (seed \(options.seed))…")
        var generator = ContactGenerator(seed: options.seed)
        let contacts = generator.contacts(options.contacts)
        generated = contacts
        return contacts
    }

    /// Writes the contacts as a JSON export (an array of `ContactJSON`), once.
    func writeJSON() throws {
        guard !FileManager.default.fileExists(atPath: jsonPath) else { return }
        let encoder = JSONEncoder()
        let data = try encoder.encode(contacts().map { ContactJSON($0) })
        try data.write(to: URL(fileURLWithPath: jsonPath))
        Report.note("wrote \(jsonPath) (\(data.count / 1_048_576) MB)")
    }

    /// An empty data directory for an import, replacing any earlier one.
    func freshDataDirectory() throws -> String {
        try? FileManager.default.removeItem(atPath: markerPath)
        try? FileManager.default.removeItem(atPath: dataDirectory)
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        imported = false
        return dataDirectory
    }

    /// Says which generated book `dataDirectory` holds, so that `--work-dir` can reuse it.
    private var markerPath: String { directory + "/book.txt" }
    private var bookSignature: String { "\(options.contacts) contacts, seed \(options.seed)\n" }

    /// A fresh copy of the imported book's database (not its identity) in a directory of its own
    /// under the work directory; returns the directory.
    func copyOfBook(named name: String) throws -> String {
        let copy = directory + "/" + name
        try? FileManager.default.removeItem(atPath: copy)
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: dataDirectory + "/contacts.sqlite" + suffix) {
            try FileManager.default.copyItem(
                atPath: dataDirectory + "/contacts.sqlite" + suffix, toPath: copy + "/contacts.sqlite" + suffix)
        }
        return copy
    }

    /// Records that `dataDirectory` now holds the whole generated book.
    func markImported() {
        imported = true
        try? bookSignature.write(toFile: markerPath, atomically: true, encoding: .utf8)
    }

    /// Makes sure the imported book exists, importing it untimed when no benchmark did.
    func ensureDatabase() throws {
        guard !imported else { return }
        if (try? String(contentsOfFile: markerPath, encoding: .utf8)) == bookSignature {
            Report.note("reusing the book in \(dataDirectory)")
            imported = true
            return
        }
        try writeJSON()
        Report.note("importing \(options.contacts) contacts (untimed)…")
        _ = try Subprocess(
            path: options.peerdexPath,
            arguments: ["contacts", "import", jsonPath, "--data-dir", try freshDataDirectory()],
            errorPath: errorPath
        ).runChecked()
        markImported()
    }

    /// Deletes the directory unless `--keep` or `--work-dir` asked to keep it.
    func cleanUp() {
        guard !options.keep, options.workDirectory == nil else { return }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
