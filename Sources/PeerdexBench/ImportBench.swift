import PeerdexApp
import PeerdexCore

/// `store.import.100k`: a whole `peerdex contacts import FILE` process into an empty data directory.
///
/// The process is what a user runs, so its time includes start-up, reading and decoding the JSON,
/// creating the identity and database, one transaction with every index, and printing the report
/// (to /dev/null here).
struct ImportBench {
    /// The figure's name; `100k` is the name even when `--contacts` differs.
    static let figure = "store.import.100k"
    /// Imports measured; the median is reported (each import starts from an empty directory).
    static let runs = 3

    let workspace: Workspace

    /// Generates the file, imports it `runs` times and prints the median.
    func run() throws {
        let options = workspace.options
        Report.start(
            Self.figure,
            measures: "seconds for one `peerdex contacts import` of \(options.contacts) generated contacts "
                + "(JSON export format) into an empty --data-dir, spawn to exit; floor ≤ 3 s")
        try workspace.writeJSON()
        var samples = Samples()
        for run in 1...Self.runs {
            let directory = try workspace.freshDataDirectory()
            let outcome = try Subprocess(
                path: options.peerdexPath,
                arguments: ["contacts", "import", workspace.jsonPath, "--data-dir", directory],
                errorPath: workspace.errorPath
            ).runChecked()
            samples.append(outcome.milliseconds / 1000)
            Report.note("   run \(run): \(Report.format(outcome.milliseconds / 1000)) s")
        }
        try verify()
        workspace.markImported()
        Report.figure(Self.figure, samples.median, "s")
    }

    /// Checks that every generated contact arrived, so a fast but broken import cannot pass.
    private func verify() throws {
        let database = try ContactBook.open(DataDirectory(explicit: workspace.dataDirectory)).database
        let stored = try database.count(in: .all) + database.count(in: .blocked)
        let expected = workspace.contacts().count
        guard stored == expected else { throw BenchError("import stored \(stored) contacts, expected \(expected)") }
    }
}
