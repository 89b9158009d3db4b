import Foundation
import PeerdexCore
import PeerdexNet
import PeerdexTUI

/// The TUI's `L`: a peer's profile read through the running node's DHT, answered as the TUI's
/// `Answer.networkProfile` (nil when no record is found) or a failure.
///
/// It is `LookupSession.fetch`, as `peerdex lookup` uses it, so a record is verified, and a
/// sealed one opened, the same way; only the node differs: the running node's DHT node (already
/// joined, known to its neighbours) instead of a short-lived read-only one.
enum TUIProfileLookup {
    /// How long a lookup may take before the TUI is told it failed, so no row stays
    /// "looking up" for ever (a lookup on a healthy DHT takes well under a second per hop).
    static let timeout: Duration = .seconds(10)
    /// How long asking a contact for its audience keys may take, per address tried.
    static let askTimeout: Duration = .seconds(2)

    /// Looks `peer` up through `dht`, opening a sealed record with `book`'s keys (asking the
    /// owner through `dialer` when it is a contact and none opens it), within `timeout`.
    static func answer(
        peer: PeerID, dht: DHTNode, dialer: PeerdexNode?, book: ContactBook?, timeout: Duration = timeout,
        askTimeout: Duration = askTimeout
    ) async -> Result<Answer, RequestFailure> {
        // With no node to ask, the lookup would end at once with "not found", which would lie.
        let known = (try? await dht.inspect { $0.routing.count }) ?? 0
        guard known > 0 else {
            return .failure(RequestFailure("not joined to the DHT yet (no DHT node known)", isTransient: true))
        }
        let first = FirstOf<Result<LookupSession.Fetched, any Error>?>()
        let work = Task {
            do {
                first.offer(.success(try await LookupSession.fetch(
                    peer, through: dht, book: book, askTimeout: askTimeout, dialer: dialer)))
            } catch {
                first.offer(.failure(error))
            }
        }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            first.offer(nil)
        }
        let outcome = await withTaskCancellationHandler {
            await first.value
        } onCancel: {
            first.offer(nil)
        }
        work.cancel()
        timer.cancel()
        switch outcome {
        case nil:
            let milliseconds = Int((DiscoveryService.seconds(timeout) * 1_000).rounded())
            let shown = milliseconds % 1_000 == 0 ? "\(milliseconds / 1_000) s" : "\(milliseconds) ms"
            return .failure(RequestFailure("no answer within \(shown)", isTransient: true))
        case .failure(let error):
            return .failure(RequestFailure("\(error)"))
        case .success(.notFound):
            return .success(.networkProfile(nil))
        case .success(.found(let report)):
            return .success(.networkProfile(networkProfile(of: report, fetchedAt: Date())))
        }
    }

    /// The TUI's view of a lookup's report.
    static func networkProfile(of report: LookupSession.Report, fetchedAt: Date) -> NetworkProfile {
        let readability: NetworkProfile.Readability
        if !report.sealed {
            readability = .open
        } else if report.opened {
            readability = .opened
        } else {
            readability = .sealed(reason: report.unopenedReason ?? LookupSession.noKeyReason)
        }
        return NetworkProfile(
            name: report.name ?? "", interests: report.interests ?? [], location: report.location ?? "",
            readability: readability, keyRequest: report.keyRequest, seq: report.seq, fetchedAt: fetchedAt)
    }
}
