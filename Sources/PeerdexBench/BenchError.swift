/// Why a benchmark could not run; printed on stderr, and the run exits non-zero.
struct BenchError: Error, CustomStringConvertible {
    /// One line saying what failed.
    let description: String

    /// An error with its message.
    init(_ description: String) { self.description = description }
}
