import Foundation

/// Where results go: one `bench: <name> <value> <unit>` line per figure on stdout, the rest on stderr.
///
/// Only figure lines reach stdout, so `make bench | grep '^bench:'` and CI parsers see nothing else.
enum Report {
    /// Prints one figure and flushes, so a figure is never lost if a later benchmark crashes.
    static func figure(_ name: String, _ value: Double, _ unit: String) {
        print("bench: \(name) \(format(value)) \(unit)")
        fflush(nil)  // every stream: stdout may be a pipe, which is fully buffered
    }

    /// Prints progress or an explanation on stderr.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Announces a figure before it is measured: what it measures and its floor.
    static func start(_ title: String, measures: String) {
        note("\n== \(title)\n   \(measures)")
    }

    /// Three significant digits for small values, whole numbers from 100 up.
    static func format(_ value: Double) -> String {
        let magnitude = abs(value)
        let decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : magnitude >= 1 ? 2 : 3
        var text = String(Int64((value * pow(10, Double(decimals))).rounded()))
        guard decimals > 0 else { return text }
        let negative = text.hasPrefix("-")
        if negative { text.removeFirst() }
        while text.count <= decimals { text = "0" + text }
        text.insert(".", at: text.index(text.endIndex, offsetBy: -decimals))
        return (negative ? "-" : "") + text
    }
}
