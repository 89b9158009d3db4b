import ArgumentParser
import Foundation
import PeerdexApp
import PeerdexCore

extension Peerdex {
    /// `peerdex search`: find people on the network, beyond the contact book.
    struct Search: AsyncParsableCommand, GlobalOptionsCommand {
        static let configuration = CommandConfiguration(
            abstract: "Search the network for people by name or interests.",
            discussion: """
                Joins the DHT like 'lookup' (--bootstrap / --rendezvous-server, else config.toml), \
                finds the discovery peers announced under the peerdex rendezvous, and asks the \
                healthiest three of them in parallel, with your identity: each answers from its own \
                profile and the contacts it may share with you, as its owner's privacy settings \
                allow. Results are printed as they arrive (the same peer once, its newest record), \
                blocked peers left out; with --interests, only people sharing at least \
                --min-score of them (Jaccard similarity) are kept. A peer that does not answer \
                within --request-timeout is given up. Use 'contacts search' for your own book.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("Text to find in names, interests and locations (may be empty with --interests).", valueName: "query"))
        var query: String = ""
        @Option(help: ArgumentHelp("Interests to match, comma-separated.", valueName: "a,b")) var interests: String?
        @OptionGroup var join: DHTJoinOptions
        @Option(help: ArgumentHelp("Seconds each discovery peer has to answer.", valueName: "seconds"))
        var requestTimeout = 2.0
        @Option(help: ArgumentHelp("Seconds to wait for the DHT to answer when joining.", valueName: "seconds"))
        var joinTimeout = 10.0
        @Option(help: ArgumentHelp("Discovery peers asked in parallel.", valueName: "n")) var peers = 3
        @Option(help: ArgumentHelp("Lowest interest similarity kept, 0 to 1.", valueName: "score"))
        var minScore = InterestMatcher.defaultMinimumScore
        @Flag(help: "Print one JSON array at the end: peerId, name, interests, location, seq, score, inContacts, sources.")
        var json = false

        func validate() throws {
            guard !query.isEmpty || !interestList.isEmpty else {
                throw ValidationError("give a query, --interests, or both")
            }
            guard query.utf8.count <= DiscoveryProtocol.maximumQueryTextBytes else {
                throw ValidationError("the query is longer than \(DiscoveryProtocol.maximumQueryTextBytes) bytes")
            }
            guard interestList.count <= DiscoveryProtocol.maximumQueryInterests else {
                throw ValidationError("at most \(DiscoveryProtocol.maximumQueryInterests) interests")
            }
            guard requestTimeout > 0, joinTimeout > 0 else { throw ValidationError("timeouts must be positive") }
            guard (1...16).contains(peers) else { throw ValidationError("--peers must be from 1 to 16") }
            guard (0...1).contains(minScore) else { throw ValidationError("--min-score must be from 0 to 1") }
        }

        private var interestList: [String] {
            (interests ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }

        func run() async throws {
            let book = try global.openBook()
            let (endpoints, servers) = try join.resolve()
            var configuration = DiscoveryService.Configuration()
            configuration.fanOut = peers
            configuration.requestTimeout = .milliseconds(Int64(requestTimeout * 1_000))
            let printer = StreamingPrinter(enabled: !json)
            let summary = try await SearchSession.run(
                book: book, text: query, interests: interestList, bootstrap: endpoints, rendezvous: servers,
                configuration: configuration, minimumScore: minScore,
                joinTimeout: .milliseconds(Int64(joinTimeout * 1_000))
            ) { results in printer.print(results) }
            if json { return try Output.json(summary.results) }
            printer.print(summary.results)
            print(
                String(
                    format: "%d found · %d of %d discovery peers answered%@%@ · %.0f ms",
                    summary.results.count, summary.answered, summary.asked,
                    summary.busy > 0 ? " · \(summary.busy) busy" : "",
                    summary.failed > 0 ? " · \(summary.failed) failed or timed out" : "", summary.elapsedMs))
        }
    }
}

/// Prints each result the first time it shows up, so that results appear as peers answer.
final class StreamingPrinter: @unchecked Sendable {
    private let enabled: Bool
    private var printed = Set<String>()
    private let lock = NSLock()

    init(enabled: Bool) { self.enabled = enabled }

    func print(_ results: [SearchSession.Result]) {
        guard enabled else { return }
        lock.withLock {
            for result in results where printed.insert(result.peerId).inserted {
                var line = "\(Output.oneLine(result.name))  \(result.peerId)"
                if !result.interests.isEmpty { line += "  [\(Output.oneLine(result.interests.joined(separator: ", ")))]" }
                if !result.location.isEmpty { line += "  \(Output.oneLine(result.location))" }
                if result.inContacts { line += "  (in your contacts)" }
                Swift.print(line)
                fflush(nil)  // every stream; naming stdout is not concurrency-safe
            }
        }
    }
}
