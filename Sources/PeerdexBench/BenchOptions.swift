import Foundation

/// The command line of `PeerdexBench`, parsed by hand (this target has no ArgumentParser).
///
/// ```
/// PeerdexBench [--peerdex PATH] [--only PREFIX]... [--contacts N] [--seed N] [--work-dir DIR] [--keep]
/// PeerdexBench --rss-probe DATA_DIR        (internal: the child process of tui.rss)
/// ```
struct BenchOptions {
    /// The `peerdex` executable the process benchmarks spawn.
    var peerdexPath: String
    /// Another `peerdex` to measure beside it where a benchmark compares (an earlier build).
    var baselinePeerdexPath: String?
    /// Figure name prefixes to run; empty means all.
    var only: [String] = []
    /// How many contacts to generate.
    var contacts = 100_000
    /// The seed of the generated data.
    var seed: UInt64 = 0x7065_6572_6465_78  // "peerdex"
    /// Where generated files and databases go; a fresh temporary directory by default.
    var workDirectory: String?
    /// Whether to keep the work directory afterwards.
    var keep = false
    /// Set in the child process of `tui.rss`: the data directory to scroll through.
    var rssProbeDirectory: String?

    static let usage = """
        usage: PeerdexBench [--peerdex PATH] [--baseline-peerdex PATH] [--only PREFIX]... [--contacts N] [--seed N]
                            [--work-dir DIR] [--keep]
          --peerdex PATH   the peerdex binary to spawn (default: next to this executable)
          --baseline-peerdex PATH
                           an earlier peerdex, measured beside it by the comparing figures
          --only PREFIX    run only the figures whose name starts with PREFIX (repeatable, or comma-separated)
          --contacts N     contacts to generate (default 100000)
          --seed N         seed of the generated data
          --work-dir DIR   keep generated files in DIR (default: a new directory under /tmp)
          --keep           do not delete the work directory at the end
        """

    /// Parses `arguments` (without the program name).
    init(arguments: [String], executablePath: String) throws {
        peerdexPath =
            URL(fileURLWithPath: executablePath).deletingLastPathComponent().appendingPathComponent("peerdex").path
        var remaining = arguments[...]
        func value(for option: String) throws -> String {
            guard let next = remaining.popFirst() else { throw BenchError("\(option) needs a value\n\(Self.usage)") }
            return next
        }
        while let argument = remaining.popFirst() {
            switch argument {
            case "--peerdex": peerdexPath = try value(for: argument)
            case "--baseline-peerdex": baselinePeerdexPath = try value(for: argument)
            case "--only": only += try value(for: argument).split(separator: ",").map(String.init)
            case "--contacts":
                guard let count = Int(try value(for: argument)), count >= 100 else {
                    throw BenchError("--contacts needs a whole number of at least 100")
                }
                contacts = count
            case "--seed":
                guard let seed = UInt64(try value(for: argument)) else { throw BenchError("--seed needs a number") }
                self.seed = seed
            case "--work-dir": workDirectory = try value(for: argument)
            case "--keep": keep = true
            case "--rss-probe": rssProbeDirectory = try value(for: argument)
            case "-h", "--help": throw BenchError(Self.usage)
            default: throw BenchError("unknown argument '\(argument)'\n\(Self.usage)")
            }
        }
    }

    /// This executable's absolute path, to find `peerdex` next to it and to spawn the RSS probe.
    static var ownPath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Whether a figure is selected by `--only`.
    func wants(_ figure: String) -> Bool {
        only.isEmpty || only.contains { figure.hasPrefix($0) }
    }

    /// Whether any of a benchmark's figures is selected.
    func wantsAny(_ figures: [String]) -> Bool {
        figures.contains(where: wants)
    }
}
