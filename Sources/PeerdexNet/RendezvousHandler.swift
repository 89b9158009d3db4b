import NIOConcurrencyHelpers
import PeerdexCore

/// What makes a node a rendezvous server (`peerdex node --rendezvous`): it answers
/// `DhtNodesRequest` with up to the asked number (at most `RendezvousProtocol.maximumNodes`) of
/// DHT nodes that answered its own DHT node lately, so that a newcomer with no bootstrap node can
/// join. Other requests are left to the node (PING, or UNKNOWN_MESSAGE). The transport's rate
/// and connection limits apply to these requests as to any.
///
/// ```swift
/// let rendezvous = RendezvousHandler()
/// let node = PeerdexNode(identity: identity, logger: logger, handler: rendezvous)
/// ...                                // once the DHT node runs:
/// rendezvous.serve(from: dhtNode)
/// ```
public final class RendezvousHandler: RequestHandler {
    /// The nodes to hand out, at most the given number; nil until the DHT runs.
    public typealias Source = @Sendable (_ limit: Int) async throws -> [DHTNodeInfo]

    private let source: NIOLockedValueBox<Source?>

    /// A handler that hands out what `source` gives; with none, it answers BUSY until `serve`.
    public init(source: Source? = nil) {
        self.source = NIOLockedValueBox(source)
    }

    /// Hands out the nodes `dht` has heard from lately (never `dht` itself).
    public func serve(from dht: DHTNode) {
        source.withLockedValue { $0 = { limit in try await dht.recentlyAnsweredNodes(limit: limit) } }
    }

    /// The reply to a `DhtNodesRequest`; nil for any other request.
    public func respond(to request: WireEnvelope, from peer: AuthenticatedPeer) async -> WireEnvelope.OneOf_Body? {
        guard case .dhtNodesRequest(let asked) = request.body else { return nil }
        guard let source = source.withLockedValue({ $0 }) else {
            return .error(Self.refusal(.busy, "the DHT node is starting", retryAfterMilliseconds: 1_000))
        }
        let limit = RendezvousProtocol.granted(asked.max)
        do {
            return .dhtNodesReply(WireDhtNodesReply(nodes: try await source(limit), limit: limit))
        } catch {
            return .error(Self.refusal(.shuttingDown, "the DHT node has stopped"))
        }
    }

    private static func refusal(_ code: WireErrorCode, _ message: String, retryAfterMilliseconds: UInt32 = 0)
        -> WireErrorReply
    {
        var reply = WireErrorReply()
        reply.code = code
        reply.message = message
        reply.retryAfterMs = retryAfterMilliseconds
        return reply
    }
}
